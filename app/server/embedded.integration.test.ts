// `npm start`'s process, run for real from the build: one process serving the home page, tRPC and
// /healthz, with its worker answering the internal token; data and secrets surviving a restart;
// bad configuration refused in one line.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createTRPCClient, httpBatchLink } from "@trpc/client"
import { afterEach, describe, expect, it } from "vitest"
import type { AppRouter } from "#app/trpc/root.server.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel } from "#tests/fixtures/fake-model/server.ts"
import { freePort } from "#tests/fixtures/free-port.ts"
import { startNodeProcess, type NodeProcess } from "#tests/fixtures/node-process.ts"

const RUNNING = /Second is running at (http:\/\/\S+)/
const WORKER = /Worker: (http:\/\/\S+) \(internal/

const running: NodeProcess[] = []
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((process) => process.stop()))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "second-embedded-"))
  dirs.push(dir)
  return join(dir, "data")
}

async function startEmbedded(env: Record<string, string>) {
  const process = startNodeProcess("embedded", env)
  running.push(process)
  const url = await process.waitFor((output) => RUNNING.exec(output)?.[1], "the embedded server to start")
  const workerUrl = WORKER.exec(process.output())?.[1]
  if (!workerUrl) throw new Error(`the embedded server did not say where its worker listens:\n${process.output()}`)
  return { process, url: new URL(url), workerUrl: new URL(workerUrl) }
}

const readSecrets = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8")) as { internalApiToken: string }

/** The installation time the home page states (the exact time of its <time dateTime>). */
const installedAt = (html: string) => /data-testid="installed-at">[^<]*<time dateTime="([^"]+)"/.exec(html)?.[1]

describe("the embedded default (npm start)", () => {
  it("serves the home page, tRPC health and /healthz, and its worker answers only the internal token", async () => {
    const dir = dataDir()
    const port = await freePort()
    // A provider key (never used here) makes Claude Code usable, so the worker is ready to run agents.
    const { url, workerUrl } = await startEmbedded({ SECOND_DATA_DIR: dir, PORT: String(port), ANTHROPIC_API_KEY: "not-used" })
    expect(url.href).toBe(`http://127.0.0.1:${port}/`)
    expect(workerUrl.hostname).toBe("127.0.0.1")

    const home = await fetch(url)
    expect(home.status).toBe(200)
    const html = await home.text()
    expect(html).toMatch(/<h1[^>]*>Build small web apps for your company<\/h1>/)
    for (const component of ["web", "store", "live", "worker"]) {
      expect(html).toMatch(new RegExp(`data-testid="state-${component}">(?:<svg.*?</svg>)?ready</span>`))
    }
    expect(home.headers.get("x-content-type-options")).toBe("nosniff")

    // The typed client scripts use, with a type-only import of AppRouter.
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: new URL("/api/trpc", url).href })] })
    expect(await client.health.query()).toEqual({ status: "ok", web: "ok", store: "ok", live: "ok", worker: "ok" })

    const healthz = await fetch(new URL("/healthz", url))
    expect(healthz.status).toBe(200)
    expect(await healthz.text()).toBe("ok")

    const token = readSecrets(dir).internalApiToken
    expect((await fetch(new URL("/health", workerUrl))).status).toBe(401)
    const workerHealth = await fetch(new URL("/health", workerUrl), { headers: { authorization: `Bearer ${token}` } })
    expect(workerHealth.status).toBe(200)
    expect(await workerHealth.json()).toMatchObject({ status: "ok" })
  })

  it("runs an agent turn on its worker with the runtime that is configured", async () => {
    const fake = await startFakeModel()
    try {
      fake.script([{ kind: "text", text: "Hello from the embedded worker" }])
      const dir = dataDir()
      const { workerUrl } = await startEmbedded({
        SECOND_DATA_DIR: dir,
        PORT: String(await freePort()),
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: FAKE_API_KEY,
        SECOND_WORKSPACES_DIR: join(testHomesRoot(), `embedded-${Date.now()}`),
      })
      const response = await fetch(new URL("/sessions/hello-app/messages", workerUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${readSecrets(dir).internalApiToken}`, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "Say hello", runtime: "claude", runId: "embedded-run" }),
      })
      expect(response.status).toBe(200)
      const events = await response.text()
      expect(events).toContain("Hello from the embedded worker")
      expect(events.trim().split("\n").at(-1)).toBe(JSON.stringify({ type: "turn.completed", outcome: "completed" }))
    } finally {
      await fake.stop()
    }
  }, 90_000)

  it("keeps its data and generated secrets, private to their owner, across a restart", async () => {
    const dir = dataDir()
    const port = String(await freePort())
    const first = await startEmbedded({ SECOND_DATA_DIR: dir, PORT: port })
    expect(first.process.output()).toContain("Created local secrets")
    const before = installedAt(await (await fetch(first.url)).text())
    const secretsBefore = readFileSync(join(dir, "secrets.json"), "utf8")
    expect(await first.process.stop("SIGTERM")).toBe(0)

    const second = await startEmbedded({ SECOND_DATA_DIR: dir, PORT: port })
    expect(second.process.output()).not.toContain("Created local secrets")
    expect(installedAt(await (await fetch(second.url)).text())).toBe(before)
    expect(readFileSync(join(dir, "secrets.json"), "utf8")).toBe(secretsBefore)
    const token = readSecrets(dir).internalApiToken
    const health = await fetch(new URL("/health", second.workerUrl), { headers: { authorization: `Bearer ${token}` } })
    expect(health.status).toBe(200)

    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, "secrets.json")).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, "second.db")).mode & 0o777).toBe(0o600)
  }, 90_000)

  it("stops on a bad value with one line naming the variable, and starts nothing", async () => {
    const dir = dataDir()
    const process = startNodeProcess("embedded", { SECOND_DATA_DIR: dir, SECOND_PUBLIC_URL: "localhost:3000" })
    expect(await process.exited()).toBe(1)
    expect(process.output().trim().split("\n")).toEqual([
      'Invalid configuration: SECOND_PUBLIC_URL must start with https:// or http:// (got "localhost:3000")' +
        ". Example: SECOND_PUBLIC_URL=https://second.example.com",
    ])
    expect(existsSync(dir)).toBe(false)
  })

  it("says in one line when its port is taken", async () => {
    const blocker = createServer()
    const port = await new Promise<number>((done) =>
      blocker.listen(0, "127.0.0.1", () => done((blocker.address() as { port: number }).port)),
    )
    try {
      const process = startNodeProcess("embedded", { SECOND_DATA_DIR: dataDir(), PORT: String(port) })
      running.push(process)
      expect(await process.exited()).toBe(1)
      expect(process.stderr().trim()).toBe(
        "Port is already in use: stop the other process or choose another with PORT=<port>.",
      )
    } finally {
      blocker.close()
    }
  })
})
