// A property of the turn pipeline, checked against the real Claude Code and a scripted model that
// stalls mid-answer: whatever stops a turn — a cancel, the idle deadline, or the reader hanging up
// — and at whatever moment (before the CLI is up, while it starts, mid-answer, while it stalls),
// afterwards no process of the turn is left and the app's session takes the next message.
// The moments and the ways are drawn from a seeded generator; SEED=<n> replays a run.

import { mkdtempSync, rmSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventually } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { loadWorkerConfig } from "../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../main.ts"
import { descendantsOf, isAlive } from "./process/process-tree.ts"

const token = "interruptions-internal-token-0123456789"
const ROUNDS = 8
const SEED = Number(process.env["SEED"] ?? Date.now() % 100_000)

/** mulberry32: small, seeded, good enough to pick moments. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

let fake: FakeModel
let worker: RunningWorker
let workspaces: string

beforeAll(async () => {
  fake = await startFakeModel()
  workspaces = mkdtempSync(join(testHomesRoot(), "interruptions-"))
  const settings = loadWorkerConfig({
    PORT: "0",
    INTERNAL_API_TOKEN: token,
    SECOND_WORKSPACES_DIR: workspaces,
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
  })
  // Shorter than the configurable minimum, so the idle deadline is one of the ways a turn ends here.
  // NOTE: it also bounds a cold start (Claude connects its MCP servers before it says anything),
  // which on a loaded CI machine has taken over 3 s: long enough for that, short enough for a test.
  worker = await startWorker({ ...settings, turnIdleTimeoutMs: 8_000 })
}, 120_000)

afterAll(async () => {
  await worker?.close()
  await fake?.stop()
  if (workspaces) rmSync(workspaces, { recursive: true, force: true })
})

const call = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, worker.url), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } })

const status = async (appId: string) => (await (await call(`/sessions/${appId}/status`)).json()) as { busy: boolean }

describe(`stopping a turn at a random moment (SEED=${SEED})`, () => {
  it("always leaves no process behind and the session free for the next message", async () => {
    const next = random(SEED)
    const appId = "app-interrupted"
    const before = new Set(descendantsOf(process.pid))
    const seen: string[] = []
    for (let round = 0; round < ROUNDS; round += 1) {
      const way = (["cancel", "idle deadline", "reader gone"] as const)[Math.floor(next() * 3)]!
      const afterMs = Math.floor(next() * 4_000)
      seen.push(`${way} after ${afterMs} ms`)
      // A turn stopped before it asked the model leaves its step behind: start each round afresh.
      fake.clearScript()
      fake.script([{ kind: "hang", text: "Thinking" }])
      const reader = new AbortController()
      const runId = `interrupted-${round}`
      const response = await call(`/sessions/${appId}/messages`, {
        method: "POST",
        body: JSON.stringify({ prompt: `Round ${round}`, runtime: "claude", runId, model: "claude-opus-4-8" }),
        signal: reader.signal,
      })
      expect(response.status, seen.join("; ")).toBe(200)
      const body = response.text().catch(() => "")
      let tree: number[] = []
      const started = Date.now()
      // Watch the tree grow until the moment comes, so whatever started is checked afterwards.
      await eventually(() => {
        for (const pid of descendantsOf(process.pid)) if (!before.has(pid) && !tree.includes(pid)) tree.push(pid)
        return Date.now() - started >= afterMs
      }, afterMs + 5_000)
      if (way === "cancel") await call(`/sessions/${appId}/cancel?runId=${runId}`, { method: "POST" })
      if (way === "reader gone") reader.abort()
      const events = await body
      if (way !== "reader gone") {
        const lines = events.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { type: string; outcome?: string })
        expect(lines.filter((event) => event.type === "turn.completed"), `${seen.join("; ")}: one end`).toHaveLength(1)
      }
      await eventually(async () => !(await status(appId)).busy, 15_000)
      await eventually(() => tree.every((pid) => !isAlive(pid)), 10_000).catch(() => {
        throw new Error(`${seen.join("; ")}: processes left running: ${tree.filter(isAlive).join(", ")}`)
      })
    }
    // And the session still answers.
    fake.clearScript()
    fake.script([{ kind: "text", text: "Still here." }])
    const last = await call(`/sessions/${appId}/messages`, {
      method: "POST",
      body: JSON.stringify({ prompt: "Are you there?", runtime: "claude", runId: "after-all", model: "claude-opus-4-8" }),
    })
    expect(await last.text(), seen.join("; ")).toContain("Still here.")
  }, 240_000)
})
