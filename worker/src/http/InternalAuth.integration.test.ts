// The worker's HTTP surface over real loopback HTTP: only liveness is public; everything else,
// including paths that do not exist, needs the internal token.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadWorkerConfig } from "../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../main.ts"

const token = "t".repeat(24) + "-internal-token-for-tests"

describe("worker HTTP authentication", () => {
  let worker: RunningWorker
  beforeAll(async () => {
    worker = await startWorker(loadWorkerConfig({ PORT: "0", INTERNAL_API_TOKEN: token, NODE_ENV: "test" }))
  })
  afterAll(async () => {
    await worker?.close()
  })

  const call = (path: string, authorization?: string) =>
    fetch(new URL(path, worker.url), { headers: authorization ? { authorization } : {} })

  it("answers liveness to anyone, with nothing but ok", async () => {
    const response = await call("/healthz")
    expect(response.status).toBe(200)
    expect(await response.text()).toBe("ok")
  })

  it("refuses health without the token, with a wrong one, or with another scheme", async () => {
    for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`]) {
      const response = await call("/health", authorization)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        error: { code: "unauthorized", message: "Send Authorization: Bearer <INTERNAL_API_TOKEN>." },
      })
    }
  })

  it("answers health with the token", async () => {
    const response = await call("/health", `Bearer ${token}`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: "ok" })
  })

  it("refuses the agent-run routes without the token, before reading the body", async () => {
    for (const path of ["/agent-runs", "/agent-runs/run1/cancel"]) {
      const response = await fetch(new URL(path, worker.url), { method: "POST", body: "{}", headers: { authorization: `Bearer ${token}x` } })
      expect(response.status, path).toBe(401)
    }
  })

  it("does not reveal which routes exist to callers without the token", async () => {
    expect((await call("/sessions/app-1/status")).status).toBe(401)
    const known = await call("/no-such-route", `Bearer ${token}`)
    expect(known.status).toBe(404)
    expect(await known.json()).toEqual({ error: { code: "not_found", message: "No such route." } })
  })
})

describe("worker without a token outside production", () => {
  it("serves requests (it warned at startup), and production would not have started at all", async () => {
    const worker = await startWorker(loadWorkerConfig({ PORT: "0", NODE_ENV: "development" }))
    try {
      expect((await fetch(new URL("/health", worker.url))).status).toBe(200)
    } finally {
      await worker.close()
    }
    expect(() => loadWorkerConfig({ NODE_ENV: "production", WEB_URL: "http://web:3000" })).toThrow(
      /^Invalid configuration: INTERNAL_API_TOKEN is required in production\. Example: /,
    )
  })
})
