// The worker running the real Claude Code, Codex and OpenCode against a scripted fake model,
// through its HTTP API as the web calls it, inside bubblewrap when the machine has it. For each
// runtime: a text turn, a turn whose tool call writes a file into the app's directory, a second
// turn in the same session, and a cancel mid-turn, or a caller hanging up mid-turn, after which no
// process of the tree remains.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { loadWorkerConfig } from "../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../main.ts"
import { descendantsOf, isAlive } from "./process/process-tree.ts"

const token = "runtime-tests-internal-token-0123456789"
const MODELS: Readonly<Record<RuntimeId, string>> = { claude: "claude-opus-4-8", codex: "gpt-5.5", opencode: "openai/fake-model" }
/** Another model per runtime, and the name the model server sees for it. */
const OTHER_MODELS: Readonly<Record<RuntimeId, { readonly picked: string; readonly sent: string }>> = {
  claude: { picked: "claude-sonnet-4-9", sent: "claude-sonnet-4-9" },
  codex: { picked: "gpt-5.4", sent: "gpt-5.4" },
  opencode: { picked: "openai/gpt-4.1", sent: "gpt-4.1" },
}

let fake: FakeModel
let worker: RunningWorker
let workspaces: string

beforeAll(async () => {
  fake = await startFakeModel()
  workspaces = mkdtempSync(join(testHomesRoot(), "worker-"))
  worker = await startWorker(
    loadWorkerConfig({
      PORT: "0",
      INTERNAL_API_TOKEN: token,
      SECOND_WORKSPACES_DIR: workspaces,
      ANTHROPIC_BASE_URL: fake.url,
      OPENAI_BASE_URL: `${fake.url}/v1`,
      ANTHROPIC_API_KEY: FAKE_API_KEY,
      OPENAI_API_KEY: FAKE_API_KEY,
      // Warm Codex app-servers (the local default); the canary test and the bench run them cold.
      SECOND_SESSION_IDLE_SECONDS: "5",
    }),
  )
}, 120_000)

afterAll(async () => {
  await worker?.close()
  await fake?.stop()
  if (workspaces) rmSync(workspaces, { recursive: true, force: true })
})

const call = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, worker.url), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers } })

let runs = 0
async function* send(appId: string, runtime: RuntimeId, prompt: string, signal?: AbortSignal, model = MODELS[runtime]): AsyncGenerator<RunEvent> {
  runs += 1
  const response = await call(`/sessions/${appId}/messages`, {
    method: "POST",
    body: JSON.stringify({ prompt, runtime, runId: `run-${runs}`, model }),
    ...(signal ? { signal } : {}),
  })
  // Only a refusal is read whole: a turn's events are read as they come.
  if (response.status !== 200) expect(response.status, await response.text()).toBe(200)
  let buffered = ""
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffered += chunk.value
    const lines = buffered.split("\n")
    buffered = lines.pop() ?? ""
    for (const line of lines) if (line.trim()) yield JSON.parse(line) as RunEvent
  }
}

const collect = async (events: AsyncGenerator<RunEvent>) => {
  const all: RunEvent[] = []
  for await (const event of events) all.push(event)
  return all
}
const textOf = (events: readonly RunEvent[]) =>
  events.flatMap((event) => (event.type === "text.delta" ? [event.text] : [])).join("")

describe.each(["claude", "codex", "opencode"] as const)("the %s runtime", (runtime) => {
  const appId = `app-${runtime}`

  it("answers a text turn", async () => {
    fake.script([{ kind: "text", text: `Hello from ${runtime}` }])
    const events = await collect(send(appId, runtime, "Say hello"))
    expect(events[0]).toMatchObject({ type: "session.started", runtime })
    expect(textOf(events)).toContain(`Hello from ${runtime}`)
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
  }, 90_000)

  it("writes a file into the app's directory in a tool turn, and continues the session", async () => {
    fake.script([{ kind: "writeFile", path: "hello.txt", content: `written by ${runtime}\n`, then: "File written." }])
    const events = await collect(send(appId, runtime, "Write hello.txt"))
    const file = join(workspaces, "apps", appId, "hello.txt")
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file, "utf8")).toBe(`written by ${runtime}\n`)
    expect(events.some((event) => event.type === "tool.started")).toBe(true)
    expect(events).toContainEqual(expect.objectContaining({ type: "file.changed", path: "hello.txt" }))
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })

    const status = await (await call(`/sessions/${appId}/status`)).json()
    expect(status).toMatchObject({ exists: true, busy: false, runtime })
    fake.script([{ kind: "text", text: "Second turn here." }])
    const second = await collect(send(appId, runtime, "And now?"))
    expect(textOf(second)).toContain("Second turn here.")
    // The same conversation: the model saw the earlier messages again.
    const lastRequest = fake.scriptedRequests().at(-1)
    expect(JSON.stringify(lastRequest?.body)).toContain("Write hello.txt")
  }, 120_000)

  it("answers each message with the model picked for it, keeping the conversation", async () => {
    const other = OTHER_MODELS[runtime]
    fake.script([{ kind: "text", text: "Answered by the other model." }])
    const events = await collect(send(appId, runtime, "Which model are you?", undefined, other.picked))
    expect(textOf(events)).toContain("Answered by the other model.")
    const asked = fake.scriptedRequests().at(-1)
    expect(asked?.model, "the model the runtime asked the model server for").toBe(other.sent)
    // The same conversation, continued under the new model.
    expect(JSON.stringify(asked?.body).includes("Write hello.txt"), "the earlier messages were sent to the new model").toBe(true)

    fake.script([{ kind: "text", text: "Back to the first model." }])
    await collect(send(appId, runtime, "And back again"))
    expect(fake.scriptedRequests().at(-1)?.model).not.toBe(other.sent)
  }, 120_000)

  it("closes a session left idle, with every process it started", async () => {
    fake.script([{ kind: "text", text: "Then silence." }])
    const before = new Set(descendantsOf(process.pid))
    const idleApp = `${appId}-idle`
    const events = send(idleApp, runtime, "Hello, then nothing")
    let tree: number[] = []
    for await (const event of events) if (event.type === "session.started") tree = descendantsOf(process.pid).filter((pid) => !before.has(pid))
    expect((await (await call(`/sessions/${idleApp}/status`)).json()).exists).toBe(true)
    await eventually(async () => (await (await call(`/sessions/${idleApp}/status`)).json()).exists === false, 20_000)
    await eventually(() => tree.every((pid) => !isAlive(pid)), 5_000)
  }, 60_000)

  it("stops a turn on cancel, leaving no process behind", async () => {
    fake.script([{ kind: "hang", text: "Thinking" }])
    const before = new Set(descendantsOf(process.pid))
    const events = send(`${appId}-cancel`, runtime, "Take your time")
    const collected = collect(events)
    await fake.waitForHang(60_000)
    // This session's processes: everything the worker started for it (other apps' sessions stay).
    const tree = descendantsOf(process.pid).filter((pid) => !before.has(pid))
    expect(tree.length).toBeGreaterThan(0)
    const busy = await call(`/sessions/${appId}-cancel/messages`, {
      method: "POST",
      body: JSON.stringify({ prompt: "Another", runtime, runId: "busy-run", model: MODELS[runtime] }),
    })
    expect(busy.status).toBe(409)
    expect(await (await call(`/sessions/${appId}-cancel/cancel`, { method: "POST" })).json()).toEqual({ cancelled: true })
    const all = await collected
    expect(all.at(-1)).toEqual({ type: "turn.completed", outcome: "cancelled" })
    expect(tree.filter(isAlive), "processes of the cancelled turn still running").toEqual([])
  }, 120_000)

  it("stops a turn whose reader goes away mid-turn, leaving no process behind and the session free", async () => {
    fake.script([{ kind: "hang", text: "Thinking" }])
    const before = new Set(descendantsOf(process.pid))
    const reader = new AbortController()
    const prompt = `Take your time, ${runtime}`
    const events = send(`${appId}-gone`, runtime, prompt, reader.signal)
    void events.next().catch(() => undefined)
    // Mid-turn: the model has this turn's request and stalls on it.
    await fake.waitForRequest((request) => request.scripted && (request.lastUserText ?? "").includes(prompt), 60_000)
    const tree = descendantsOf(process.pid).filter((pid) => !before.has(pid))
    expect(tree.length).toBeGreaterThan(0)
    // The caller hangs up (the web restarted, a script was interrupted).
    reader.abort()
    await eventually(async () => (await (await call(`/sessions/${appId}-gone/status`)).json()).busy === false, 15_000)
    await eventually(() => tree.every((pid) => !isAlive(pid)), 10_000)
  }, 120_000)
})

describe("a model the runtime does not have", () => {
  it("ends the turn saying which model OpenCode could not use and why, as a retryable error", async () => {
    const events = await collect(send("app-unknown-model", "opencode", "Say hello", undefined, "foo/bar"))
    expect(events).toContainEqual({
      type: "error",
      message: expect.stringMatching(/^Model foo\/bar is not available to OpenCode: Model not found: foo\/bar/),
      retryable: true,
      code: "model_unavailable",
    })
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "failed" })
  }, 90_000)
})
