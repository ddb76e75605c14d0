// The worker's session API at its edges: app ids that try to leave the workspaces root, the files
// answer (limits, no dotfiles, no symlinks), the runtime report, a runtime that keeps crashing at
// start-up (retried with backoff, then reported), and a model-side failure (reported, not retried).

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RuntimesReport } from "#shared/runs/internal-api.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { loadWorkerConfig } from "../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../main.ts"
import { FILE_LIMITS } from "./app-files.ts"

const token = "session-routes-internal-token-0123456789"
let fake: FakeModel
let root: string
let worker: RunningWorker
let crashing: RunningWorker

/** A `claude` that answers --version and crashes on every real start, counting its starts. */
function crashingClaude(directory: string): string {
  const path = join(directory, "claude")
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "2.1.197 (Claude Code)"; exit 0; fi\necho start >> "$HOME/starts"\necho "boom: cannot reach the model" >&2\nexit 1\n`,
  )
  chmodSync(path, 0o755)
  return path
}

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "routes-"))
  const common = {
    PORT: "0",
    INTERNAL_API_TOKEN: token,
    ANTHROPIC_BASE_URL: fake.url,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
    OPENAI_API_KEY: FAKE_API_KEY,
  }
  mkdirSync(join(root, "bin"))
  ;[worker, crashing] = await Promise.all([
    startWorker(loadWorkerConfig({ ...common, SECOND_WORKSPACES_DIR: join(root, "workspaces") })),
    startWorker(loadWorkerConfig({ ...common, SECOND_WORKSPACES_DIR: join(root, "crashing"), SECOND_CLAUDE_PATH: crashingClaude(join(root, "bin")) })),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all([worker?.close(), crashing?.close()])
  await fake?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

const call = (on: RunningWorker, path: string, init: RequestInit = {}) =>
  fetch(new URL(path, on.url), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } })

const turn = async (on: RunningWorker, appId: string, prompt: string): Promise<RunEvent[]> => {
  const response = await call(on, `/sessions/${appId}/messages`, {
    method: "POST",
    body: JSON.stringify({ prompt, runtime: "claude", runId: `${appId}-run`, model: "claude-opus-4-8" }),
  })
  expect(response.status).toBe(200)
  return (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as RunEvent)
}

describe("command-line values", () => {
  it.each([
    ["a model that reads as an option", { model: "--dangerously-skip-permissions" }],
    ["a model with a space", { model: "opus --verbose" }],
    ["a session to resume that reads as an option", { resumeSessionId: "--fork-session" }],
  ])("refuses %s before starting anything", async (_what, extra) => {
    const response = await call(worker, "/sessions/cli-args-app/messages", {
      method: "POST",
      body: JSON.stringify({ prompt: "hello", runtime: "claude", runId: "cli-args-run", ...extra }),
    })
    expect(response.status).toBe(400)
    const status = await call(worker, "/sessions/cli-args-app/status")
    expect(await status.json()).toMatchObject({ busy: false })
  })
})

describe("a message that does not match the shared contract", () => {
  it.each([
    ["not JSON", "{prompt:"],
    ["no runtime", JSON.stringify({ prompt: "hello", runId: "contract-run" })],
    ["an unknown runtime", JSON.stringify({ prompt: "hello", runtime: "gpt", runId: "contract-run" })],
    ["an empty handover", JSON.stringify({ prompt: "hello", runtime: "claude", runId: "contract-run", handoffPrompt: "" })],
    ["a lease out of range", JSON.stringify({ prompt: "hello", runtime: "claude", runId: "contract-run", delivery: { leaseMs: 5 } })],
    ["source that is not text", JSON.stringify({ prompt: "hello", runtime: "claude", runId: "contract-run", sourceFiles: { "a.txt": 1 } })],
  ])("is refused with a typed 400 (%s), and claims nothing", async (_what, body) => {
    const response = await fetch(new URL("/sessions/contract-app/messages", worker.url), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
    })
    expect(response.status).toBe(400)
    expect((await response.json()).error.code).toMatch(/^(invalid_request|bad_request)$/)
    expect(await (await call(worker, "/sessions/contract-app/status")).json()).toMatchObject({ exists: false, busy: false })
  })
})

describe("app ids", () => {
  it.each(["..", "%2e%2e", "..%2Fetc", "a%2Fb", "App", "-x", "x".repeat(65), "a.b"])("refuses %s before touching the disk", async (appId) => {
    for (const [method, path] of [
      ["GET", `/sessions/${appId}/files`],
      ["GET", `/sessions/${appId}/status`],
      ["POST", `/sessions/${appId}/cancel`],
      ["DELETE", `/sessions/${appId}`],
    ] as const) {
      const response = await call(worker, path, { method })
      expect([400, 404], `${method} ${path}`).toContain(response.status)
      if (response.status === 400) expect((await response.json()).error.code).toBe("invalid_app_id")
    }
  })
})

describe("the app's files", () => {
  it("are the sources by relative path, binaries as base64, without dotfiles, dependencies, symlinks or huge files", async () => {
    const app = join(root, "workspaces", "apps", "files-app")
    mkdirSync(join(app, "src", "lib"), { recursive: true })
    mkdirSync(join(app, ".git"))
    mkdirSync(join(app, "node_modules", "dep"), { recursive: true })
    writeFileSync(join(app, "index.html"), "<h1>hi</h1>")
    writeFileSync(join(app, "src", "lib", "util.ts"), "export const x = 1\n")
    writeFileSync(join(app, ".env"), "API_KEY=do-not-send")
    writeFileSync(join(app, ".git", "config"), "[core]")
    writeFileSync(join(app, "node_modules", "dep", "index.js"), "module.exports = 1")
    writeFileSync(join(app, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))
    writeFileSync(join(app, "huge.txt"), "x".repeat(FILE_LIMITS.maxFileBytes + 1))
    symlinkSync("/etc/passwd", join(app, "passwd"))
    const response = await call(worker, "/sessions/files-app/files")
    expect(response.status).toBe(200)
    const body = (await response.json()) as { files: Record<string, string>; binaryFiles: Record<string, string>; skipped: string[] }
    expect(body.files).toEqual({ "index.html": "<h1>hi</h1>", "src/lib/util.ts": "export const x = 1\n" })
    expect(body.binaryFiles).toEqual({ "logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]).toString("base64") })
    expect(body.skipped).toEqual(["huge.txt"])
  })

  it("refuses, with 413, to send more source than the limit", async () => {
    const app = join(root, "workspaces", "apps", "big-app")
    mkdirSync(app, { recursive: true })
    const chunk = "y".repeat(FILE_LIMITS.maxFileBytes)
    for (let index = 0; index <= FILE_LIMITS.maxTotalBytes / FILE_LIMITS.maxFileBytes; index += 1) writeFileSync(join(app, `part-${index}.txt`), chunk)
    const response = await call(worker, "/sessions/big-app/files")
    expect(response.status).toBe(413)
    expect((await response.json()).error.code).toBe("too_large")
  })

  it("are empty for an app that has none yet", async () => {
    expect(await (await call(worker, "/sessions/new-app/files")).json()).toEqual({ files: {}, binaryFiles: {}, skipped: [] })
  })
})

describe("the runtime report", () => {
  it("lists the three runtimes, whether each is usable, the models each offers, and the sandbox", { timeout: 90_000 }, async () => {
    const fetchReport = async () => {
      const body: unknown = await (await call(worker, "/runtimes")).json()
      return { body, report: Schema.decodeUnknownSync(RuntimesReport)(body) }
    }
    // OpenCode's list is made on the first report, which waits for it only so long: on a busy
    // machine the list arrives in a later one.
    const { body, report } = await eventuallyValue(async () => {
      const answer = await fetchReport()
      return answer.report.runtimes[2]?.models.length ? answer : null
    }, 80_000)
    expect(report.runtimes.map((runtime) => [runtime.id, runtime.usable, runtime.credentialsConfigured])).toEqual([
      ["claude", true, true],
      ["codex", true, true],
      ["opencode", true, true],
    ])
    expect(report.runtimes.map((runtime) => runtime.defaultModel)).toEqual(["opus", "gpt-5.5", "openai/gpt-5.5"])
    for (const runtime of report.runtimes) expect(runtime.models.map((model) => model.id)).toContain(runtime.defaultModel)
    // OpenCode lists the models of the providers this worker has keys for (OpenAI through the fake
    // gateway, Anthropic), and of no other. (Its list once came back cut short through a pipe on a
    // busy machine, without OpenAI's default: detection now reads it from a file.)
    const providers = new Set(report.runtimes[2]?.models.map((model) => model.id.split("/")[0]))
    expect([...providers].sort()).toEqual(["anthropic", "openai"])
    expect(report.sandbox).toEqual({ mode: "bubblewrap", missingProtections: [] })
    expect(JSON.stringify(body)).not.toContain(FAKE_API_KEY)
  })
})

describe("failures", () => {
  it("retries a runtime that crashes at start-up, then says so, retryable", async () => {
    const events = await turn(crashing, "crash-app", "Hello?")
    expect(events).toEqual([
      { type: "error", message: expect.stringMatching(/^Claude Code stopped before it started \(exit code 1\): boom: cannot reach the model/), retryable: true, code: "runtime_start_failed" },
      { type: "turn.completed", outcome: "failed" },
    ])
    const starts = readFileSync(join(root, "crashing", "homes", "crash-app", "claude", "home", "starts"), "utf8").trim().split("\n")
    expect(starts).toHaveLength(3)
  }, 60_000)

  it("reports a model-side failure once, as not retryable, without trying again", async () => {
    const before = fake.scriptedRequests().length
    fake.script([{ kind: "error", status: 400, message: "prompt is too long" }])
    const events = await turn(worker, "model-error-app", "A very long prompt")
    expect(events).toContainEqual(expect.objectContaining({ type: "error", retryable: false }))
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "failed" })
    expect(fake.scriptedRequests().length - before).toBe(1)
  }, 60_000)
})
