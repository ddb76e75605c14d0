// compose.yaml cannot run on these machines (no Docker engine), so its structure is checked here:
// the four services, what each may reach, the URLs between them as seen from inside the
// containers, and that every variable it passes is one the process actually reads.
// NOT checked: that the images build and the stack starts. Run `npm run compose` where Docker runs.

import { readFileSync } from "node:fs"
import { parse } from "yaml"
import { describe, expect, it } from "vitest"
import { webEnvSpec } from "#app/config/config.server.ts"
import { workerEnvSpec } from "#worker/src/config/WorkerConfig.ts"

interface Service {
  readonly image?: string
  readonly build?: { readonly context: string; readonly target: string }
  readonly command?: readonly string[]
  readonly environment?: Readonly<Record<string, string>>
  readonly ports?: readonly string[]
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>
  readonly healthcheck?: { readonly test: readonly string[] }
  readonly networks?: readonly string[]
}

const compose = parse(readFileSync("compose.yaml", "utf8"), { merge: true }) as {
  services: Readonly<Record<string, Service>>
  networks: Readonly<Record<string, { internal?: boolean } | null>>
}
const { mongo, redis, worker, web } = compose.services as Record<"mongo" | "redis" | "worker" | "web", Service>
const env = (service: Service) => service.environment ?? {}
const names = (spec: Readonly<Record<string, { name: string }>>) => new Set(Object.values(spec).map((v) => v.name))

/** Where a URL in one container's env points: which service and port. */
const target = (value: string | undefined) => {
  const url = new URL(value ?? "")
  return { host: url.hostname, port: url.port }
}
const shareNetwork = (a: Service, b: Service) => (a.networks ?? []).some((network) => (b.networks ?? []).includes(network))

describe("compose.yaml", () => {
  it("starts exactly MongoDB, Redis, the worker and the web", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["mongo", "redis", "web", "worker"])
  })

  it("runs MongoDB as a single-node replica set that its healthcheck initiates", () => {
    expect(mongo.command).toEqual(expect.arrayContaining(["--replSet", "rs0"]))
    const check = mongo.healthcheck?.test.join(" ") ?? ""
    expect(check).toContain("rs.initiate")
    expect(check).toContain("host: 'mongo:27017'")
  })

  it("runs Redis with the append-only file on", () => {
    expect(redis.command?.join(" ")).toMatch(/--appendonly yes/)
  })

  it("publishes only the web's port", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name !== "web") expect(service.ports, `${name} must not publish ports`).toBeUndefined()
    }
    expect(web.ports).toEqual(["${SECOND_WEB_PORT:-3000}:3000"])
    expect(env(web)["PORT"]).toBe("3000")
  })

  it("points the web at the other services by their names, on the ports they listen on", () => {
    expect(target(env(web)["WORKER_URL"])).toEqual({ host: "worker", port: env(worker)["PORT"] })
    expect(env(worker)["HOST"]).toBe("0.0.0.0")
    const mongoUri = new URL(env(web)["MONGODB_URI"] ?? "")
    expect(mongoUri.hostname).toBe("mongo")
    expect(mongoUri.pathname).toBe("/second")
    expect(mongoUri.searchParams.get("replicaSet")).toBe("rs0")
    expect(target(env(web)["REDIS_URL"]).host).toBe("redis")
  })

  it("points the worker at the web's internal routes from inside its container", () => {
    expect(target(env(worker)["WEB_URL"])).toEqual({ host: "web", port: env(web)["PORT"] })
    expect(env(worker)["TOOL_EXECUTE_URL"]).toBe(`http://web:${env(web)["PORT"]}/api/internal/tool-execute`)
    expect(env(web)["HOST"]).toBe("0.0.0.0")
  })

  it("gives web and worker the same required internal token", () => {
    expect(env(web)["INTERNAL_API_TOKEN"]).toMatch(/^\$\{INTERNAL_API_TOKEN:\?/)
    expect(env(worker)["INTERNAL_API_TOKEN"]).toBe(env(web)["INTERNAL_API_TOKEN"])
    expect(env(web)["SECOND_PUBLIC_URL"]).toMatch(/^\$\{SECOND_PUBLIC_URL:\?/)
  })

  it("keeps each store reachable only by who needs it", () => {
    expect(shareNetwork(web, mongo) && shareNetwork(web, redis) && shareNetwork(web, worker)).toBe(true)
    expect(shareNetwork(worker, mongo)).toBe(false)
    for (const network of new Set([...(mongo.networks ?? []), ...(redis.networks ?? [])])) {
      expect(compose.networks[network]?.internal, `${network} must be internal`).toBe(true)
    }
  })

  it("starts the web only once its dependencies are healthy, and each of them has a healthcheck", () => {
    for (const dependency of ["mongo", "redis", "worker"]) {
      expect(web.depends_on?.[dependency]?.condition).toBe("service_healthy")
      expect(compose.services[dependency]?.healthcheck).toBeDefined()
    }
  })

  it("passes only variables that the web and the worker read", () => {
    for (const name of Object.keys(env(web))) expect(names(webEnvSpec), `web reads ${name}`).toContain(name)
    for (const name of Object.keys(env(worker))) expect(names(workerEnvSpec), `worker reads ${name}`).toContain(name)
  })

  it("builds web and worker from Dockerfile targets that exist", () => {
    const dockerfile = readFileSync("Dockerfile", "utf8")
    for (const service of [web, worker]) {
      expect(service.build?.context).toBe(".")
      expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${service.build?.target}$`, "m"))
    }
    expect(dockerfile).toMatch(/CMD \["node", "build\/node\/web\.js"\]/)
    expect(dockerfile).toMatch(/CMD \["node", "build\/node\/worker\.js"\]/)
  })
})
