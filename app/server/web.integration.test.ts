// The production shape: web and worker as separate processes from the build, talking over real
// HTTP with the shared internal token, the web on a real Redis. (MongoDB cannot run on these
// machines, so the web uses its SQLite store here; the store contract suite covers Mongo.)

import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createTRPCClient, httpBatchLink } from "@trpc/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { AppRouter } from "#app/trpc/root.server.ts"
import { freePort } from "#tests/fixtures/free-port.ts"
import { startNodeProcess, type NodeProcess } from "#tests/fixtures/node-process.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"

const token = "separate-processes-token-0123456789abcdef"

describe("web and worker as separate processes", () => {
  let redis: RedisServer
  let worker: NodeProcess
  let workerUrl: string
  let dir: string
  const processes: NodeProcess[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "second-web-"))
    redis = await startRedisServer()
    const port = await freePort()
    worker = startNodeProcess("worker", { PORT: String(port), INTERNAL_API_TOKEN: token, WEB_URL: "http://127.0.0.1:1" })
    processes.push(worker)
    await worker.waitFor((output) => output.includes("worker listening on"), "the worker to listen")
    workerUrl = `http://127.0.0.1:${port}`
  })

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()))
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  async function startWeb(env: Record<string, string>) {
    const port = await freePort()
    const web = startNodeProcess("web", {
      PORT: String(port),
      WORKER_URL: workerUrl,
      REDIS_URL: redis.url,
      SECOND_DATA_DIR: join(dir, `web-${port}`),
      ...env,
    })
    processes.push(web)
    await web.waitFor((output) => output.includes("Second web listening on"), "the web to listen")
    const url = `http://127.0.0.1:${port}`
    return { web, url, client: createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/api/trpc` })] }) }
  }

  it("reports every component up when both share the token, and that this worker has no runtime to run agents with", async () => {
    const { client, url } = await startWeb({ INTERNAL_API_TOKEN: token })
    // The worker answers, but it has no provider key: nothing can be built until an operator sets one.
    expect(await client.health.query()).toEqual({ status: "degraded", web: "ok", store: "ok", live: "ok", worker: "no-runtime" })
    expect(await (await fetch(`${url}/healthz`)).text()).toBe("ok")
  })

  it("reports the worker as refusing a web that holds the wrong token", async () => {
    const { client } = await startWeb({ INTERNAL_API_TOKEN: `${token}-wrong` })
    expect(await client.health.query()).toMatchObject({ status: "degraded", worker: "unauthorized" })
  })

  it("refuses to start either process in production without the internal token, in one line", async () => {
    const web = startNodeProcess("web", { NODE_ENV: "production" })
    const lonelyWorker = startNodeProcess("worker", { NODE_ENV: "production", WEB_URL: "http://web:3000" })
    expect(await web.exited()).toBe(1)
    expect(await lonelyWorker.exited()).toBe(1)
    const example = "Example: INTERNAL_API_TOKEN=$(openssl rand -hex 32)"
    expect(web.output().trim()).toBe(`Invalid configuration: INTERNAL_API_TOKEN is required in production. ${example}`)
    expect(lonelyWorker.output().trim()).toBe(`Invalid configuration: INTERNAL_API_TOKEN is required in production. ${example}`)
  })
})
