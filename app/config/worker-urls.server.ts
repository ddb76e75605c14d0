// Where the web finds its agent workers: WORKER_URL (one origin, or a comma-separated list of
// them) and SECOND_WORKER_DISCOVERY (redis: every worker registered in the live coordination
// port). With both, the list is an allowlist: the internal token is only ever sent to an origin
// the operator named, or, with discovery on, to one that registered itself in Redis.

import { ConfigError, oneOf, url, type VarSpec } from "#shared/config/env.ts"

const WORKER_URL_EXAMPLE = "http://worker-0.worker:3001,http://worker-1.worker:3001"

/** One entry of the list, parsed and worded exactly as a single WORKER_URL always was. */
const oneWorkerUrl = url("WORKER_URL", {
  describe: "",
  example: "http://worker:3001",
  protocols: ["http:", "https:"],
  originOnly: true,
})

export const workerUrlsSpec: VarSpec<readonly URL[] | undefined> = {
  name: "WORKER_URL",
  describe: "where the web reaches the worker's internal HTTP API: one origin, or a comma-separated list of workers",
  example: "http://worker:3001",
  secret: false,
  parse(raw) {
    // An empty value is how compose files and shells spell "unset" (as for every other variable).
    if (raw === undefined || raw.trim() === "") return undefined
    // Empty entries (a trailing comma) say nothing, so they are skipped rather than refused.
    const entries = raw.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")
    // Only commas (a template whose every URL came out empty) names no worker. Refused, even with
    // discovery on: read as unset it would turn an allowlist the operator meant to write into
    // "every worker registered in Redis", and the internal token would go wherever that says.
    if (entries.length === 0) throw new ConfigError("WORKER_URL", "lists no URL; name at least one worker URL, or leave it empty", WORKER_URL_EXAMPLE)
    const urls: URL[] = []
    for (const entry of entries) {
      // Each entry fails in the usual one line, which quotes the bad entry (never credentials).
      const parsed = oneWorkerUrl.parse(entry)
      if (parsed === undefined) continue
      // The worker refuses the same for its SECOND_WORKER_URL; read here the user:password would be
      // dropped without a word (the internal token is what authenticates the web). The entry is
      // named by its origin, which leaves the credentials out.
      if (parsed.username !== "" || parsed.password !== "") {
        throw new ConfigError("WORKER_URL", `entry ${parsed.origin} must not carry credentials (user:password@); the web authenticates with INTERNAL_API_TOKEN`, WORKER_URL_EXAMPLE)
      }
      if (urls.some((seen) => seen.origin === parsed.origin)) {
        throw new ConfigError("WORKER_URL", `lists ${parsed.origin} twice; name each worker once`, WORKER_URL_EXAMPLE)
      }
      urls.push(parsed)
    }
    return urls
  },
}

export const workerDiscoverySpec = oneOf("SECOND_WORKER_DISCOVERY", ["redis", "off"], {
  describe: "redis = use every worker registered in Redis (then WORKER_URL, if set, is an allowlist); off = only WORKER_URL (default)",
  example: "redis",
})

export type WorkerDiscovery = "redis" | "off"

/** Where `npm start` and development reach a worker when WORKER_URL is unset. */
export const DEFAULT_WORKER_URL = "http://127.0.0.1:3001"
