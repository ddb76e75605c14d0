// The perf trace's lines, in process: what a request line and a turn's lines hold, and that
// nothing the request or turn carried (URL ids and tokens, cookies, headers, prompts, model text,
// tool input and output, source) reaches them, only allowlisted names, ids and numbers.

import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { it as vitestIt } from "vitest"
import { Effect, Stream } from "effect"
import { TestClock } from "effect/testing"
import type { ServerBuild } from "@remix-run/node"
import { routeOfRequest } from "#app/perf/request-route.server.ts"
import { createRequestTrace } from "#app/perf/request-trace.server.ts"
import { perfLine } from "#shared/perf/perf-line.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { makeTurnTrace } from "#worker/src/perf/TurnTrace.ts"
import { canary } from "#tests/fixtures/canary-search.ts"

const manifest = {
  root: { id: "root", path: "" },
  "routes/_index": { id: "routes/_index", parentId: "root", index: true },
  "routes/apps.$appId": { id: "routes/apps.$appId", parentId: "root", path: "apps/:appId" },
  "routes/preview.$token.$": { id: "routes/preview.$token.$", parentId: "root", path: "preview/:token/*" },
} as unknown as ServerBuild["routes"]

const REQUEST_FIELDS = ["perf", "at", "requestId", "method", "route", "status", "elapsedMs", "bytesOut", "aborted", "cpuUserMs", "cpuSystemMs", "rssBytes", "heapUsedBytes"]

describe("perfLine", () => {
  it("keeps only allowlisted fields holding names, ids and numbers", () => {
    const secret = canary("line")
    const line = JSON.parse(
      perfLine("request", {
        route: "routes/apps.$appId",
        status: 200,
        elapsedMs: 12.3456,
        prompt: secret,
        cookie: `second_session=${secret}`,
        method: `GET ${secret} with spaces`,
        procedures: ["apps.list", `https://x.test/?token=${secret}`],
      }),
    )
    expect(line).toEqual({ perf: "request", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), route: "routes/apps.$appId", status: 200, elapsedMs: 12.3 })
  })
})

describe("a request's route name", () => {
  it("is the Remix route id, never the path's ids or tokens", () => {
    const secret = canary("path")
    expect(routeOfRequest("GET", `/apps/${secret}?token=${secret}`, manifest)).toEqual({ route: "routes/apps.$appId" })
    expect(routeOfRequest("GET", `/preview/${secret}/index.html`, manifest)).toEqual({ route: "routes/preview.$token.$" })
    expect(routeOfRequest("GET", "/", manifest)).toEqual({ route: "routes/_index" })
    expect(routeOfRequest("GET", "/assets/entry-abc123.js", manifest)).toEqual({ route: "static" })
    expect(routeOfRequest("GET", `/apps/${secret}%E0%A4%A`, manifest)).toEqual({ route: "unmatched" })
  })

  it("is the tRPC procedure paths of a call or batch", () => {
    const secret = canary("input")
    expect(routeOfRequest("GET", `/api/trpc/apps.list,runs.list?batch=1&input=${secret}`, manifest)).toEqual({ route: "trpc", procedures: ["apps.list", "runs.list"] })
    expect(routeOfRequest("POST", `/api/trpc/${secret}%20x.y`, manifest)).toEqual({ route: "trpc", procedures: [] })
    expect(routeOfRequest("GET", "/api/trpc/apps.list%E0%A4%A", manifest)).toEqual({ route: "trpc", procedures: [] })
    expect(routeOfRequest("GET", "/api/trpc/sec_KCsU5MNKM4Cwh6qD3B0Y5wUQH8ACcZZPMXU8hhGttAc", manifest)).toEqual({ route: "trpc", procedures: [] })
  })
})

describe("the request trace", () => {
  vitestIt("writes one line when the response is over, without the request's cookies, headers or URL", async () => {
    const secret = canary("request")
    const lines: string[] = []
    let written: () => void = () => undefined
    const wrote = new Promise<void>((resolve) => (written = resolve))
    const trace = createRequestTrace({ routes: async () => manifest, write: (line) => (lines.push(line), written()) })
    let answeredId: string | null = null
    const server: Server = createServer((req, res) => {
      trace(req, res)
      res.statusCode = 201
      res.end("hello")
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const { port } = server.address() as AddressInfo
      const response = await fetch(`http://127.0.0.1:${port}/apps/${secret}?token=${secret}`, {
        headers: { cookie: `second_session=${secret}`, authorization: `Bearer sec_${secret}`, "x-custom": secret },
      })
      expect(response.status).toBe(201)
      answeredId = response.headers.get("x-request-id")
      await wrote
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain(secret)
    const line = JSON.parse(lines[0]!)
    expect(Object.keys(line).sort()).toEqual([...REQUEST_FIELDS].sort())
    expect(line).toMatchObject({ perf: "request", method: "GET", route: "routes/apps.$appId", status: 201, aborted: false })
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/)
    // The response names its line, so a person can quote it.
    expect(answeredId).toBe(line.requestId)
    expect(line.bytesOut).toBeGreaterThan("hello".length)
  })
})

describe("the turn trace", () => {
  it.effect("writes a line per phase with timings and counts, never the turn's text", () =>
    Effect.gen(function* () {
      const secret = canary("turn")
      const lines: string[] = []
      const trace = yield* makeTurnTrace({ runId: "run_perf1", runtime: "claude" }, (line) => Effect.sync(() => void lines.push(line)))
      // Each event arrives 10 ms after the one before it.
      const events: RunEvent[] = [
        { type: "session.started", runtime: "claude", sessionId: secret, model: null },
        { type: "text.delta", text: secret },
        { type: "tool.started", callId: "c1", name: "Write", input: { path: "src/App.tsx", content: secret } },
        { type: "tool.result", callId: "c1", output: secret, isError: false },
        { type: "build.started", buildId: "b1" },
        { type: "build.output", buildId: "b1", step: "build", text: secret },
        { type: "build.finished", buildId: "b1", ok: true, durationMs: 5, message: secret, problems: [], versionNumber: 2 },
        { type: "turn.completed", outcome: "completed" },
      ]
      const paced = Stream.fromIterable(events).pipe(Stream.tap(() => TestClock.adjust(10)))
      yield* Stream.runDrain(trace.observe(paced))
      yield* TestClock.adjust(7)
      yield* trace.settled

      for (const line of lines) expect(line).not.toContain(secret)
      const parsed = lines.map((line) => JSON.parse(line))
      expect(parsed.map((line) => line.phase)).toEqual(["session_started", "first_model_event", "build", "turn_completed", "settled"])
      for (const line of parsed) {
        expect(line).toMatchObject({ perf: "turn", runId: "run_perf1", runtime: "claude" })
        for (const field of ["elapsedMs", "sinceStartMs", "cpuUserMs", "cpuSystemMs", "rssBytes", "heapUsedBytes"]) expect(typeof line[field]).toBe("number")
      }
      const [session, model, build, completed, settled] = parsed
      expect(session).toMatchObject({ elapsedMs: 10, events: 1 })
      expect(model).toMatchObject({ elapsedMs: 10, events: 2 })
      expect(build).toMatchObject({ elapsedMs: 20, buildOk: true, builds: 1, toolCalls: 1 })
      expect(completed).toMatchObject({ elapsedMs: 60, outcome: "completed", events: 8, toolCalls: 1, builds: 1 })
      expect(settled).toMatchObject({ elapsedMs: 7, sinceStartMs: 87 })
    }),
  )
})
