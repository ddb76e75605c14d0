// The builder's own tools, end to end, with each of the three real CLIs against the scripted
// model and the embedded Second in between: the agent names the app and presents a plan through
// the MCP broker; the turn ends at the plan (nothing of the model's after it is run); the plan is
// in the transcript under its canonical name; approving it records who approved and sends the
// follow-up message; the follow-up turn builds and calls done_building, and the run says "built".
// A turn that writes files without done_building ends "incomplete".

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RUNTIME_IDS, type RuntimeId } from "#shared/runtime/run-event.ts"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { followRun } from "#tests/fixtures/sse-client.ts"

type ToolPart = { kind: "tool"; name: string; input?: unknown; inputText: string; output: string | null; isError: boolean }
type Run = {
  id: string
  appId: string
  prompt: string
  status: string
  transcript: { kind: string }[]
  build: { state: "built"; summary: string } | { state: "incomplete" } | null
  approval: { byUserId: string; byName: string; at: string; followUpRunId: string | null } | null
}
type Created = { app: { id: string; name: string }; run: Run }
type Event = { type: string; name?: string; isError?: boolean; text?: string }

const PLAN = {
  title: "Lunch spots",
  overview: "A shared list of places to eat near the office.",
  features: [{ name: "List", description: "Shows the places with their cuisine.", emoji: "🍜" }],
  dataFlow: "Places are kept in the app's own data.",
}
const METADATA = { name: "Lunch Spots", description: "Where the team eats." }

let fake: FakeModel
let second: SecondServer
let person: HttpPerson
let workspaceId: string

beforeAll(async () => {
  fake = await startFakeModel()
  second = await startSecond({
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: FAKE_API_KEY,
  })
  person = await new HttpPerson(second.url).signIn("planner@example.com", "Pat Planner")
  workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Planners" })).id
}, 120_000)

afterAll(async () => {
  await second?.stop()
  await fake?.stop()
})

/** The run's events to the end of its stream, as a browser would read them. */
const eventsOf = async (runId: string): Promise<Event[]> =>
  (await followRun(person, runId)).filter((message) => message.event === "message").map((message) => JSON.parse(message.data) as Event)

const runsOf = async (appId: string) => (await person.must<{ runs: Run[] }>("query", "runs.list", { workspaceId, appId })).runs

const settled = (appId: string, runId: string) =>
  eventuallyValue(async () => {
    const run = (await runsOf(appId)).find((candidate) => candidate.id === runId)
    return run && run.status !== "running" ? run : undefined
  }, 60_000)

const toolParts = (run: Run) => run.transcript.filter((part): part is ToolPart => part.kind === "tool")

describe.each(RUNTIME_IDS)("with %s", (runtime: RuntimeId) => {
  it("names the app, stops at its plan, and builds once the plan is approved", { timeout: 180_000 }, async () => {
    fake.clearScript()
    fake.script([
      { kind: "toolCalls", calls: [{ kind: "named", name: /set_app_metadata/, input: METADATA }] },
      { kind: "toolCalls", calls: [{ kind: "named", name: /present_plan/, input: PLAN }] },
      // Never shown: the turn ends at the plan.
      { kind: "text", text: "I went on without waiting." },
    ])
    const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Plan an app for our lunch spots", runtime })
    const events = await eventsOf(created.run.id)
    const tools = events.filter((event) => event.type === "tool.started").map((event) => event.name)
    expect(tools).toEqual(["second.set_app_metadata", "second.present_plan"])
    expect(events.filter((event) => event.type === "tool.result").every((event) => event.isError === false)).toBe(true)
    expect(events.slice(-2)).toEqual([
      { type: "turn.completed", outcome: "completed" },
      { type: "run.settled", status: "completed" },
    ])
    // The CLI may already have asked the model for more when it is stopped; nothing of that is run or shown.
    expect(events.some((event) => event.type === "text.delta" && event.text?.includes("went on"))).toBe(false)
    fake.clearScript()

    const planned = await settled(created.app.id, created.run.id)
    expect(planned.status).toBe("completed")
    expect(toolParts(planned).map((part) => part.name)).toEqual(["second.set_app_metadata", "second.present_plan"])
    const plan = toolParts(planned)[1]!
    // Claude streams a tool's input (inputText); the others report it whole (input).
    expect(plan.input ?? JSON.parse(plan.inputText)).toEqual(PLAN)
    expect(plan.isError).toBe(false)
    expect(planned.approval).toBeNull()
    expect(planned.build).toBeNull()
    const app = await person.must<{ name: string; description: string | null }>("query", "apps.get", { workspaceId, appId: created.app.id })
    expect(app).toMatchObject(METADATA)

    // Approving sends the message the approval stands for; the agent builds and says so.
    fake.script([
      { kind: "writeFile", path: "lunch.html", content: "<h1>Lunch spots</h1>" },
      { kind: "toolCalls", calls: [{ kind: "named", name: /done_building/, input: { summary: "A page listing our lunch spots." } }] },
      { kind: "text", text: "The app is ready." },
    ])
    const followUp = await person.must<Run>("mutation", "runs.approve", { workspaceId, runId: created.run.id })
    expect(followUp.prompt).toBe("Approved: build “Lunch spots” as planned.")
    const builtEvents = await eventsOf(followUp.id)
    expect(builtEvents.filter((event) => event.type === "tool.started").map((event) => event.name)).toContain("second.done_building")
    const built = await settled(created.app.id, followUp.id)
    expect(built.status).toBe("completed")
    expect(built.build).toEqual({ state: "built", summary: "A page listing our lunch spots." })
    const approvedPlan = (await runsOf(created.app.id)).find((run) => run.id === created.run.id)!
    expect(approvedPlan.approval).toMatchObject({ byName: "Pat Planner", followUpRunId: followUp.id })
    const asked = fake.scriptedRequests().find((request) => request.lastUserText?.includes("Approved: build"))
    expect(asked, "the approval reached the model as the next message").toBeDefined()
  })
})

it("a turn that changes files without saying it is done ends incomplete", { timeout: 120_000 }, async () => {
  fake.clearScript()
  fake.script([{ kind: "writeFile", path: "lunch.html", content: "<p>half</p>", then: "Stopping here." }])
  const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Start a page", runtime: "claude" })
  await eventsOf(created.run.id)
  const run = await settled(created.app.id, created.run.id)
  expect(run.status).toBe("completed")
  expect(run.build).toEqual({ state: "incomplete" })
})
