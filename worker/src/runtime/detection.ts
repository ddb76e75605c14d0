// Which runtimes this worker can run, and why not when it cannot: the binary (SECOND_*_PATH, else
// PATH, else the pinned runtimes/ package, else this project's node_modules/.bin), its version, whether credentials look configured
// (never their values), OpenCode's JSON output support, bubblewrap for Claude's env scrub, and the
// models each offers (model-catalog.ts). The probes run concurrently, each with a deadline.

import { spawn } from "node:child_process"
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve, sep } from "node:path"
import { OPENCODE_WITHOUT_JSON_REASON } from "#shared/runs/internal-api.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { findBubblewrap } from "../sandbox/bubblewrap.ts"
import { OPENCODE_QUIET } from "./adapters/opencode-adapter.ts"
import {
  CLAUDE_DEFAULT_MODEL,
  CLAUDE_MODELS,
  CODEX_FALLBACK_MODELS,
  codexDefault,
  opencodeDefault,
  parseCodexCatalog,
  parseOpencodeModels,
  type RuntimeModel,
} from "./model-catalog.ts"

export type { RuntimeModel }

export interface RuntimeDetection {
  readonly id: RuntimeId
  readonly usable: boolean
  /** Why it cannot be used, in words an operator can act on; null when usable. */
  readonly reason: string | null
  readonly binary: string | null
  readonly version: string | null
  readonly credentialsConfigured: boolean
  /** Trees the sandbox must show read-only for the binary to run (its installation). */
  readonly installation: readonly string[]
  /** What a person may pick; empty when it could not be found out (then any well-formed id is let through). */
  readonly models: readonly RuntimeModel[]
  /** The model used when none is picked (one of `models` when they are known); null: the CLI's own. */
  readonly defaultModel: string | null
}

const BINARY_NAMES: Readonly<Record<RuntimeId, string>> = { claude: "claude", codex: "codex", opencode: "opencode" }
const KEY_HINTS: Readonly<Record<RuntimeId, string>> = {
  claude: "set ANTHROPIC_API_KEY",
  codex: "set CODEX_API_KEY or OPENAI_API_KEY",
  opencode: "set OPENAI_API_KEY (or ANTHROPIC_API_KEY / GOOGLE_API_KEY for those providers)",
}

export interface DetectionInput {
  readonly configuredPath: string | undefined
  readonly searchPath: string
  readonly credentialsConfigured: boolean
  readonly claudeEnvScrub: boolean
  /**
   * OpenCode's providers this worker has a key for, with the names of the variables that carry it
   * (the values never reach detection: OpenCode lists a provider's models when its variable is set).
   */
  readonly opencodeProviders: readonly { readonly provider: string; readonly keyVariables: readonly string[] }[]
  /** How long a CLI may take to list its models (default MODELS_TIMEOUT_MS); a slower list counts as unknown. */
  readonly modelsTimeoutMs?: number
  /** Where runtimes/ and node_modules/ are looked for (default: the working directory). */
  readonly projectRoot?: string
}

/**
 * Where this project keeps the CLIs, in order: the runtimes/ package (the worker image installs
 * only that one: `npm prune --omit=dev` removes the root's), then the root's own devDependencies
 * (`npm start` and the tests). OpenCode is installed as its Linux x64 build directly: its wrapper
 * package's other platform builds are not on every registry, and then `npm ci` refuses the lockfile.
 */
const PROJECT_BINARIES = [
  "runtimes/node_modules/.bin",
  "runtimes/node_modules/opencode-linux-x64/bin",
  "node_modules/.bin",
  "node_modules/opencode-linux-x64/bin",
]

/**
 * The runtime's executable: the configured path (SECOND_*_PATH) when set, else the first found on
 * PATH, else in the project (relative to `projectRoot`, the working directory by default: /app in the image).
 */
export function findBinary(runtime: RuntimeId, configuredPath: string | undefined, searchPath: string, projectRoot = process.cwd()): string | null {
  if (configuredPath) return existsSync(configuredPath) ? configuredPath : null
  const directories = [...searchPath.split(":").filter(Boolean), ...PROJECT_BINARIES.map((directory) => resolve(projectRoot, directory))]
  for (const directory of directories) {
    const candidate = join(directory, BINARY_NAMES[runtime])
    if (existsSync(candidate)) return candidate
  }
  return null
}

function findOnPath(name: string): string | null {
  for (const directory of ["/usr/local/bin", "/usr/bin", "/bin"]) if (existsSync(join(directory, name))) return join(directory, name)
  return null
}

/** The installation a binary needs visible: its node_modules tree when installed by npm, and node. */
export function installationOf(binary: string): string[] {
  const real = realpathSync(binary)
  const marker = `${sep}node_modules${sep}`
  const index = real.lastIndexOf(marker)
  const tree = index >= 0 ? real.slice(0, index + marker.length - 1) : dirname(real)
  return [...new Set([tree, dirname(process.execPath)])]
}

const PROBE_TIMEOUT_MS = 15_000
/**
 * OpenCode lists its models in about 2 s on two idle cores, and in 15 s with four listings on a
 * busy machine. Runtimes makes the list in the background, so it can take that long.
 */
const MODELS_TIMEOUT_MS = 60_000
/** `opencode models --verbose` prints some 200 KB for three providers. */
const PROBE_MAX_OUTPUT = 8 * 1024 * 1024
const PROBE_PATH = `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`

interface ProbeOptions {
  /** Added to a bare environment (PATH, a HOME that does not exist, NO_COLOR). */
  readonly env?: Readonly<Record<string, string>>
  readonly timeoutMs?: number
  /**
   * Standard output goes to this file instead of a pipe, and is read from it once the command
   * has exited. NOTE: OpenCode (Bun) exits without draining a full pipe: on a busy machine a
   * long listing through a pipe came back cut short, silently missing models.
   */
  readonly stdoutFile?: string
}

interface ProbeOutput {
  readonly stdout: string
  readonly stderr: string
  readonly exitedCleanly: boolean
}

/**
 * Runs a command with a deadline; null if it could not run, ran out of time or printed too much.
 * It runs in a process group of its own, killed whole at the deadline: a helper it started must
 * not hold its output open, and detection waiting, past the deadline.
 */
function probe(binary: string, args: readonly string[], options: ProbeOptions = {}): Promise<ProbeOutput | null> {
  return new Promise((done) => {
    const stdoutFd = options.stdoutFile === undefined ? null : openSync(options.stdoutFile, "w", 0o600)
    const child = spawn(binary, [...args], {
      detached: true,
      stdio: ["ignore", stdoutFd ?? "pipe", "pipe"],
      // NOTE: the project's ProcessEnv type requires NODE_ENV; a probe's environment is bare on purpose.
      env: { PATH: PROBE_PATH, HOME: "/nonexistent", NO_COLOR: "1", ...options.env } as unknown as NodeJS.ProcessEnv,
    })
    const output = { stdout: [] as Buffer[], stderr: [] as Buffer[], bytes: 0 }
    let answered = false
    // The child holds its own copy of the descriptor; ours is not needed past the spawn.
    if (stdoutFd !== null) closeSync(stdoutFd)
    const finish = (result: ProbeOutput | null) => {
      if (answered) return
      answered = true
      clearTimeout(deadline)
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killGroup(child.pid)
      done(result)
    }
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      output.bytes += chunk.length
      if (output.bytes > PROBE_MAX_OUTPUT) finish(null)
      else into.push(chunk)
    }
    const deadline = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid)
      finish(null)
    }, options.timeoutMs ?? PROBE_TIMEOUT_MS)
    child.stdout?.on("data", collect(output.stdout))
    child.stderr?.on("data", collect(output.stderr))
    child.on("error", () => finish(null))
    child.on("close", (code) => {
      // After a deadline the answer is given, and the output file may be gone with its directory.
      if (answered) return
      const stdout = options.stdoutFile === undefined ? Buffer.concat(output.stdout) : readOutputFile(options.stdoutFile)
      if (stdout === null || stdout.length > PROBE_MAX_OUTPUT) return finish(null)
      finish({ stdout: stdout.toString("utf8"), stderr: Buffer.concat(output.stderr).toString("utf8"), exitedCleanly: code === 0 })
    })
  })
}

function readOutputFile(path: string): Buffer | null {
  try {
    return readFileSync(path)
  } catch {
    return null
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL")
  } catch {
    // Already gone.
  }
}

/** What the command printed on stdout and stderr together (OpenCode prints help on stderr); null if it could not run. */
async function run(binary: string, args: readonly string[]): Promise<string | null> {
  const result = await probe(binary, args)
  if (result === null) return null
  const output = `${result.stdout}${result.stderr}`
  return result.exitedCleanly || output.length > 0 ? output : null
}

/** Codex's bundled catalog (no network, no login), else the table. */
async function codexModels(binary: string, timeoutMs: number): Promise<readonly RuntimeModel[]> {
  const result = await probe(binary, ["debug", "models", "--bundled"], { timeoutMs })
  return (result?.exitedCleanly ? parseCodexCatalog(result.stdout) : null) ?? CODEX_FALLBACK_MODELS
}

/**
 * The configured providers' models as OpenCode lists them offline: a private, throw-away home
 * and a placeholder in each key variable (OpenCode only checks that it is set), so no key and no
 * operator file is involved. Empty when OpenCode could not list them in time.
 */
async function opencodeModels(binary: string, providers: DetectionInput["opencodeProviders"], timeoutMs: number): Promise<readonly RuntimeModel[]> {
  if (providers.length === 0) return []
  const home = mkdtempSync(join(tmpdir(), "second-opencode-models-"))
  try {
    const keys = Object.fromEntries(providers.flatMap(({ keyVariables }) => keyVariables.map((name) => [name, "configured-on-the-worker"])))
    const result = await probe(binary, ["models", "--verbose", "--pure"], {
      timeoutMs,
      stdoutFile: join(home, "models.txt"),
      env: {
        HOME: home,
        XDG_CONFIG_HOME: join(home, ".config"),
        XDG_DATA_HOME: join(home, ".local/share"),
        XDG_STATE_HOME: join(home, ".local/state"),
        XDG_CACHE_HOME: join(home, ".cache"),
        ...OPENCODE_QUIET,
        ...keys,
      },
    })
    return result?.exitedCleanly ? parseOpencodeModels(result.stdout, providers.map(({ provider }) => provider)) : []
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

async function modelsOf(runtime: RuntimeId, binary: string, input: DetectionInput): Promise<Pick<RuntimeDetection, "models" | "defaultModel">> {
  const timeoutMs = input.modelsTimeoutMs ?? MODELS_TIMEOUT_MS
  switch (runtime) {
    case "claude":
      return { models: CLAUDE_MODELS, defaultModel: CLAUDE_DEFAULT_MODEL }
    case "codex": {
      // About 50 ms: it runs with the start-up probes, so it gets their deadline.
      const models = await codexModels(binary, Math.min(timeoutMs, PROBE_TIMEOUT_MS))
      return { models, defaultModel: codexDefault(models) }
    }
    case "opencode": {
      const models = await opencodeModels(binary, input.opencodeProviders, timeoutMs)
      return { models, defaultModel: opencodeDefault(models, input.opencodeProviders.map(({ provider }) => provider)) }
    }
  }
}

const MODELS_UNKNOWN = { models: [], defaultModel: null } as const

/** The detection with the models its runtime offers (unknown when the runtime was not found). */
export async function withModels(detection: RuntimeDetection, input: DetectionInput): Promise<RuntimeDetection> {
  if (detection.binary === null || detection.version === null) return { ...detection, ...MODELS_UNKNOWN }
  return { ...detection, ...(await modelsOf(detection.id, detection.binary, input)) }
}

/**
 * What the runtime is and whether it can be used; with `models: "later"`, without listing its
 * models (OpenCode's list costs about 2 s of CPU; `withModels` adds them when they are wanted).
 */
export async function detectRuntime(runtime: RuntimeId, input: DetectionInput, options: { readonly models?: "now" | "later" } = {}): Promise<RuntimeDetection> {
  const base = { id: runtime, credentialsConfigured: input.credentialsConfigured }
  const binary = findBinary(runtime, input.configuredPath, input.searchPath, input.projectRoot)
  const variable = `SECOND_${runtime.toUpperCase()}_PATH`
  const none = MODELS_UNKNOWN
  if (!binary) {
    return { ...base, ...none, usable: false, binary: null, version: null, installation: [], reason: `${BINARY_NAMES[runtime]} was not found on PATH; install it or set ${variable}.` }
  }
  const [versionOutput, runHelp, models] = await Promise.all([
    run(binary, ["--version"]),
    runtime === "opencode" ? run(binary, ["run", "--help"]) : Promise.resolve(null),
    options.models === "later" ? Promise.resolve(none) : modelsOf(runtime, binary, input),
  ])
  const version = versionOutput?.trim().split("\n")[0] || null
  const installation = installationOf(binary)
  const found = { ...base, binary, version, installation, ...models }
  if (version === null) return { ...found, ...none, usable: false, reason: `${binary} did not answer --version; check the installation.` }
  if (runtime === "opencode" && !(runHelp ?? "").includes("--format")) {
    return { ...found, usable: false, reason: OPENCODE_WITHOUT_JSON_REASON }
  }
  if (runtime === "claude" && input.claudeEnvScrub && process.platform === "linux") {
    // Claude's own sandbox for its commands uses bubblewrap, and socat to bridge its proxy sockets.
    const missing = [findBubblewrap() === null ? "bubblewrap (bwrap)" : null, findOnPath("socat") === null ? "socat" : null].filter(Boolean)
    if (missing.length > 0) {
      return {
        ...found,
        usable: false,
        reason: `Claude Code's subprocess env scrubbing needs ${missing.join(" and ")}; install them, or set CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=0 on an externally isolated worker.`,
      }
    }
  }
  if (!input.credentialsConfigured) return { ...found, usable: false, reason: `no provider key is configured: ${KEY_HINTS[runtime]}.` }
  return { ...found, usable: true, reason: null }
}
