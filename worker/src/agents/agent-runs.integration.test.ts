// App agent runs through the worker's HTTP API with the real CLIs against the fake model, and a
// fake web that answers tool-execute and takes the completion report: an agent calls its custom
// tool through the broker, the web's answer reaches the agent and the run's stream, the run is
// reported, and nothing of it stays on the worker. Also: a cancel mid-turn (no process left), a
// run id already running (409), a worker shutting down mid-run, requests the worker refuses, and
// the tools an agent is not offered.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { STREAM_START, type LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { agentRunCancelPath, agentRunStartPath } from "#shared/runs/agent-runs.ts"
import type { RunCompletion } from "#shared/runs/internal-api.ts"
import { decodeRunStreamRecord, runLeaseKey, runStreamKey } from "#shared/runs/run-stream.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { eventually, eventuallyValue } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { loadWorkerConfig } from "../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../main.ts"
import { MOCK_PREFIX } from "../mcp/AppTools.ts"
import { descendantsOf, isAlive } from "../runtime/process/process-tree.ts"

const token = "agent-runs-internal-token-0123456789abcdef"
const MODELS: Readonly<Record<RuntimeId, string>> = { claude: "claude-opus-4-8", codex: "gpt-5.5", opencode: "openai/fake-model" }

interface ToolCall {
  readonly authorization: string | undefined
  readonly body: { claims: Record<string, unknown>; toolSet: string; tool: string; input: Record<string, unknown>; declaredCollections?: string[] }
}

let fake: FakeModel
let root: string
let live: LiveCoordination
let worker: RunningWorker
let web: Server
const toolCalls: ToolCall[] = []
const reports = new Map<string, RunCompletion>()

/** What the fake web answers per tool: a live answer, a mock one, and the report of a failure. */
function toolAnswer(body: ToolCall["body"]): unknown {
  if (body.tool === "get_weather") return { mock: false, mockReason: null, status: 200, body: { city: body.input["city"], temperatureC: 21 } }
  if (body.tool === "get_forecast") return { mock: true, mockReason: "Approved for mock data only.", status: null, body: { forecast: "sunny-mock" } }
  return { recorded: true }
}

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "agent-runs-"))
  live = createMemoryLive()
  web = createServer((request, response) => {
    let text = ""
    request.on("data", (chunk: Buffer) => (text += chunk.toString()))
    request.on("end", () => {
      response.setHeader("content-type", "application/json")
      if (request.url === "/api/internal/tool-execute") {
        const body = JSON.parse(text) as ToolCall["body"]
        toolCalls.push({ authorization: request.headers.authorization, body })
        return response.end(JSON.stringify({ result: toolAnswer(body) }))
      }
      const runId = /^\/api\/internal\/runs\/([^/]+)\/complete$/.exec(request.url ?? "")?.[1]
      if (runId) reports.set(runId, JSON.parse(text) as RunCompletion)
      response.writeHead(runId ? 200 : 404).end("{}")
    })
  })
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve))
  const address = web.address()
  const webUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`
  worker = await startWorker(
    loadWorkerConfig({
      PORT: "0",
      INTERNAL_API_TOKEN: token,
      WEB_URL: webUrl,
      SECOND_WORKSPACES_DIR: join(root, "workspaces"),
      ANTHROPIC_BASE_URL: fake.url,
      OPENAI_BASE_URL: `${fake.url}/v1`,
      ANTHROPIC_API_KEY: FAKE_API_KEY,
      OPENAI_API_KEY: FAKE_API_KEY,
    }),
    { live },
  )
}, 120_000)

afterAll(async () => {
  await worker?.close()
  await new Promise((resolve) => web?.close(resolve))
  await fake?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

const call = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, worker.url), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } })

const weatherTool = {
  name: "get_weather",
  description: "The weather in a city now.",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
}
const forecastTool = { ...weatherTool, name: "get_forecast", description: "Tomorrow's weather in a city." }

const runRequest = (runId: string, runtime: RuntimeId, extra: Record<string, unknown> = {}) => ({
  runId,
  workspaceId: "workspace1",
  appId: "weatherapp",
  agentId: "weather-bot",
  runtime,
  model: MODELS[runtime],
  systemPrompt: "You are the weather app's agent. Answer with the tools you have.",
  prompt: "What is the weather in Oslo?",
  tools: [weatherTool, forecastTool],
  dataCollections: [],
  builtinTools: [],
  delivery: { leaseMs: 4_000 },
  ...extra,
})

const startRun = (body: unknown) => call(agentRunStartPath, { method: "POST", body: JSON.stringify(body) })

type StreamEvent = ReturnType<typeof decodeRunStreamRecord>["event"]

const streamEvents = async (runId: string): Promise<StreamEvent[]> =>
  (await live.read(runStreamKey(runId), { after: STREAM_START, limit: 10_000 })).map((entry) => decodeRunStreamRecord(entry.data).event)

const agentDirectories = (runId: string) => [join(root, "workspaces", "apps", `agent-${runId}`), join(root, "workspaces", "homes", `agent-${runId}`)]

/** The tools the agent's runtime offered the model in its first request of the turn. */
const offeredTools = (prompt: string) => fake.scriptedRequests().find((request) => (request.lastUserText ?? "").includes(prompt))?.toolNames ?? []

describe("an app agent run", () => {
  it("calls its custom tool through the broker as Claude Code; the web's answer reaches the agent, the stream and the report", { timeout: 90_000 }, async () => {
    const prompt = "What is the weather in Oslo? (claude)"
    fake.script([
      {
        kind: "toolCalls",
        calls: [
          { kind: "named", name: "mcp__app_tools__get_weather", input: { city: "Oslo" } },
          { kind: "named", name: "mcp__app_tools__get_forecast", input: { city: "Oslo" } },
        ],
        then: "It is 21 degrees in Oslo.",
      },
    ])
    const response = await startRun(runRequest("agentclaude1", "claude", { prompt, dataCollections: ["notes"] }))
    expect(response.status, await response.clone().text()).toBe(202)
    expect(await response.json()).toEqual({ accepted: true })

    const report = await eventuallyValue(() => reports.get("agentclaude1"), 60_000)
    expect(report).toMatchObject({ appId: "weatherapp", outcome: "completed", error: null, runtime: "claude", source: null })

    // The web was asked with the run's claims, the agent included, by tool name only.
    const weather = toolCalls.find((entry) => entry.body.claims["runId"] === "agentclaude1" && entry.body.tool === "get_weather")
    expect(weather?.authorization).toBe(`Bearer ${token}`)
    expect(weather?.body).toEqual({
      claims: { workspaceId: "workspace1", appId: "weatherapp", runId: "agentclaude1", runtime: "claude", agentId: "weather-bot" },
      toolSet: "app_tools",
      tool: "get_weather",
      input: { city: "Oslo" },
    })

    // The answer reached the agent: the model's next request carries it, the mock one labelled.
    const next = fake.scriptedRequests().find((request) => request.toolResults.some((result) => result.includes("temperatureC")))
    expect(next?.toolResults.join("\n")).toContain('"temperatureC":21')
    expect(next?.toolResults.join("\n")).toContain(MOCK_PREFIX)

    // And the run's stream: the tool results, the reply, and the end.
    const events = await streamEvents("agentclaude1")
    const results = events.filter((event): event is Extract<StreamEvent, { type: "tool.result" }> => event.type === "tool.result")
    expect(results.map((result) => result.output).join("\n")).toContain('"temperatureC":21')
    expect(results.find((result) => result.output.includes("sunny-mock"))?.output.startsWith(MOCK_PREFIX)).toBe(true)
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
    await eventually(async () => (await live.getKey(runLeaseKey("agentclaude1"))) === null, 10_000)

    // Offered: its tools, report_tool_call_failed and app_data (it was granted collections); no file or shell tool.
    const offered = offeredTools(prompt)
    expect(offered).toEqual(
      expect.arrayContaining(["mcp__app_tools__get_weather", "mcp__app_tools__get_forecast", "mcp__app_tools__report_tool_call_failed", "mcp__app_data__list_documents"]),
    )
    expect(offered.filter((name) => !/^mcp__app_(tools|data)__/.test(name)), "tools other than the agent's").toEqual([])
    // Nothing of the run stays on the worker.
    for (const directory of agentDirectories("agentclaude1")) expect(existsSync(directory)).toBe(false)
  })

  it.each(["opencode", "codex"] as const)("calls the same tool as %s, offered no shell and no app_data", { timeout: 90_000 }, async (runtime) => {
    const prompt = `What is the weather in Oslo? (${runtime})`
    const runId = `agent${runtime}1`
    fake.script([{ kind: "toolCalls", calls: [{ kind: "named", name: /get_weather/, input: { city: "Oslo" } }], then: "It is 21 degrees in Oslo." }])
    expect((await startRun(runRequest(runId, runtime, { prompt }))).status).toBe(202)
    const report = await eventuallyValue(() => reports.get(runId), 60_000)
    expect(report).toMatchObject({ appId: "weatherapp", outcome: "completed", error: null, runtime })

    const weather = toolCalls.find((entry) => entry.body.claims["runId"] === runId)
    expect(weather?.body).toMatchObject({ toolSet: "app_tools", tool: "get_weather", input: { city: "Oslo" }, claims: { agentId: "weather-bot", runtime } })
    const asked = fake.scriptedRequests().find((request) => (request.lastUserText ?? "").includes(prompt))!
    const answered = fake.scriptedRequests().find((request) => request.seq > asked.seq && request.toolResults.some((result) => result.includes('"temperatureC":21')))
    expect(answered, "the model's request after the call carries the web's answer").toBeDefined()
    const events = await streamEvents(runId)
    expect(events.some((event) => event.type === "tool.result" && event.output.includes('"temperatureC":21'))).toBe(true)

    const offered = offeredTools(prompt)
    if (runtime === "opencode") {
      expect(offered).toEqual(expect.arrayContaining(["app_tools_get_weather", "app_tools_report_tool_call_failed"]))
      expect(offered.filter((name) => !name.startsWith("app_tools_")), "tools other than the agent's").toEqual([])
    } else {
      for (const tool of ["exec_command", "shell", "shell_command", "view_image"]) expect(offered).not.toContain(tool)
    }
    expect(offered.some((name) => name.includes("list_documents")), "app_data without granted collections").toBe(false)
    for (const directory of agentDirectories(runId)) expect(existsSync(directory)).toBe(false)
  })

  it("stops on cancel with every process of the run gone, ending its stream as cancelled; a second start of it is refused", { timeout: 90_000 }, async () => {
    fake.script([{ kind: "hang", text: "Checking the weather" }])
    const before = new Set(descendantsOf(process.pid))
    const prompt = "What is the weather in Oslo? (cancelled)"
    expect((await startRun(runRequest("agentcancel1", "claude", { prompt, builtinTools: ["WebFetch"] }))).status).toBe(202)
    await fake.waitForHang(60_000)
    // A granted built-in is offered, and still nothing that touches files or runs commands.
    expect([...offeredTools(prompt)].filter((name) => !name.startsWith("mcp__app_tools__"))).toEqual(["WebFetch"])
    const tree = descendantsOf(process.pid).filter((pid) => !before.has(pid))
    expect(tree.length).toBeGreaterThan(0)

    const again = await startRun(runRequest("agentcancel1", "claude"))
    expect(again.status).toBe(409)
    expect((await again.json()).error.code).toBe("already_running")

    expect(await call(agentRunCancelPath("agentcancel1"), { method: "POST" }).then((r) => r.json())).toEqual({ cancelled: true })
    const report = await eventuallyValue(() => reports.get("agentcancel1"), 30_000)
    expect(report.outcome).toBe("cancelled")
    expect((await streamEvents("agentcancel1")).at(-1)).toEqual({ type: "turn.completed", outcome: "cancelled" })
    // The stream ends only once the run's processes are gone.
    expect(tree.filter(isAlive), "processes of the cancelled run still running").toEqual([])
    for (const directory of agentDirectories("agentcancel1")) expect(existsSync(directory)).toBe(false)
    // Nothing left to cancel.
    expect(await call(agentRunCancelPath("agentcancel1"), { method: "POST" }).then((r) => r.json())).toEqual({ cancelled: false })
  })


  it("leaves Codex no shell, and its one file tool (apply_patch) meets a read-only sandbox", { timeout: 90_000 }, async () => {
    const prompt = "Write a file (codex)"
    fake.script([{ kind: "writeFile", path: "written.txt", content: "x", then: "done" }])
    expect((await startRun(runRequest("agentcodexwrite", "codex", { prompt }))).status).toBe(202)
    expect(await eventuallyValue(() => reports.get("agentcodexwrite"), 60_000)).toMatchObject({ outcome: "completed" })
    const asked = fake.scriptedRequests().find((request) => (request.lastUserText ?? "").includes(prompt))!
    for (const tool of ["exec_command", "shell", "shell_command", "view_image"]) expect(asked.toolNames).not.toContain(tool)
    const refused = fake.scriptedRequests().find((request) => request.seq > asked.seq)?.toolResults.join("\n")
    expect(refused).toMatch(/rejected: writing is blocked by read-only sandbox/)
    // Every setting of the agent's Codex configuration is one Codex knows.
    expect(JSON.stringify(await streamEvents("agentcodexwrite"))).not.toMatch(/unrecognized configuration|deprecated/)
  })

  it("ends a run cut short by the worker shutting down as a retryable failure, with no process left; a new worker clears what a crash left", { timeout: 120_000 }, async () => {
    const workspaces = join(root, "stopping")
    for (const parent of ["apps", "homes"]) mkdirSync(join(workspaces, parent, "agent-leftover"), { recursive: true })
    const address = web.address()
    const stopping = await startWorker(
      loadWorkerConfig({
        PORT: "0",
        INTERNAL_API_TOKEN: token,
        WEB_URL: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
        SECOND_WORKSPACES_DIR: workspaces,
        // No drain: the run is cut short at once, as by a deadline that has passed.
        SECOND_WORKER_DRAIN_SECONDS: "0",
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: FAKE_API_KEY,
      }),
      { live },
    )
    let closed = false
    try {
      for (const parent of ["apps", "homes"]) expect(existsSync(join(workspaces, parent, "agent-leftover"))).toBe(false)
      fake.script([{ kind: "hang", text: "Checking the weather" }])
      const before = new Set(descendantsOf(process.pid))
      const started = await fetch(new URL(agentRunStartPath, stopping.url), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(runRequest("agentstopping1", "claude")),
      })
      expect(started.status).toBe(202)
      await fake.waitForHang(60_000)
      const tree = descendantsOf(process.pid).filter((pid) => !before.has(pid))
      expect(tree.length).toBeGreaterThan(0)

      await stopping.close()
      closed = true
      const report = await eventuallyValue(() => reports.get("agentstopping1"), 30_000)
      expect(report).toMatchObject({ outcome: "failed", error: { code: "worker_stopping", retryable: true } })
      expect((await streamEvents("agentstopping1")).at(-1)).toEqual({ type: "turn.completed", outcome: "failed" })
      expect(tree.filter(isAlive), "processes of the stopped run still running").toEqual([])
    } finally {
      if (!closed) await stopping.close()
    }
  })

  it("refuses a request it cannot run, saying what to fix", async () => {
    const missing = await startRun({ ...runRequest("agentbad1", "claude"), prompt: undefined })
    expect(missing.status).toBe(400)
    expect((await missing.json()).error).toMatchObject({ code: "invalid_request", message: expect.stringContaining("prompt") })

    const upper = await startRun(runRequest("AgentUpper", "claude"))
    expect(upper.status).toBe(400)
    expect((await upper.json()).error.code).toBe("invalid_run_id")

    const unauthenticated = await fetch(new URL(agentRunStartPath, worker.url), { method: "POST", body: JSON.stringify(runRequest("agentnoauth", "claude")) })
    expect(unauthenticated.status).toBe(401)
    expect(reports.has("agentbad1") || reports.has("agentnoauth")).toBe(false)
  })

  it("is refused with 503 by a worker that has nowhere to write run streams", { timeout: 60_000 }, async () => {
    const streamless = await startWorker(loadWorkerConfig({ PORT: "0", INTERNAL_API_TOKEN: token, SECOND_WORKSPACES_DIR: join(root, "streamless") }))
    try {
      const response = await fetch(new URL(agentRunStartPath, streamless.url), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(runRequest("agentstreamless", "claude")),
      })
      expect(response.status).toBe(503)
      expect((await response.json()).error.code).toBe("run_streams_unavailable")
    } finally {
      await streamless.close()
    }
  })
})
