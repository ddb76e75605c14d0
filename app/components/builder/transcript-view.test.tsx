import type { ReactElement } from "react"
import { renderToStaticMarkup } from "react-dom/server"
// NOTE: react-router-dom comes with @remix-run/react, whose Form is its Form.
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server"
import { describe, expect, it } from "vitest"
import { foldEvents, type Transcript, type TranscriptPart } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { CONTINUE_MESSAGE } from "./build-incomplete.tsx"
import { awaitsApproval, type PlanApproval, type RunAnswer } from "./builder-run.ts"
import { ChatStatus } from "./chat-status.tsx"
import { RunCard, type BuilderRun, type RunCardProps } from "./run-card.tsx"
import { TranscriptView } from "./transcript-view.tsx"

const bash: RunEvent = { type: "tool.started", callId: "c1", name: "Bash", input: { command: "npm test" } }

/** What each generic tool card says, as a person reads it. */
const toolCardsOf = (parts: Transcript) =>
  [
    ...renderToStaticMarkup(<TranscriptView parts={parts} />).matchAll(
      /data-tool-state="([^"]+)"><div class="tool-head"><span class="tool-name">([^<]+)<\/span> <span class="muted">([^<]+)<\/span>/g,
    ),
  ].map(([, state, name, label]) => `${name}: ${label} (${state})`)

const toolCards = (events: RunEvent[]) => toolCardsOf(foldEvents(events))

describe("a tool card", () => {
  it("says running while its tool runs, and stopped once the run was stopped", () => {
    expect(toolCards([bash])).toEqual(["Bash: running… (running)"])
    expect(toolCards([bash, { type: "turn.completed", outcome: "cancelled" }])).toEqual(["Bash: stopped (stopped)"])
  })

  it("says failed when the run failed under it, and keeps what a finished tool said", () => {
    const finished: RunEvent = { type: "tool.result", callId: "c1", output: "ok", isError: false }
    expect(toolCards([bash, { type: "turn.completed", outcome: "failed" }])).toEqual(["Bash: failed (failed)"])
    expect(toolCards([bash, finished, { type: "turn.completed", outcome: "cancelled" }])).toEqual(["Bash: done (done)"])
  })
})

// The builder tools' cards. The read-only cards use no router; the ones a person can answer hold
// Remix forms, rendered the way the server renders them: inside a static data router.

const tool = (name: string, input: unknown, output: string | null = "{}", extra: Partial<Extract<TranscriptPart, { kind: "tool" }>> = {}): TranscriptPart => ({
  kind: "tool",
  callId: `call-${name}`,
  name,
  input,
  inputText: "",
  output,
  isError: false,
  ...extra,
})

const planInput = {
  title: "Team lunch orders",
  overview: "Lets a team collect lunch orders in one place.",
  features: [
    { emoji: "🥗", name: "Order form", description: "Each person picks a dish." },
    { name: "Daily totals", description: "Sums what the team owes." },
  ],
  dataFlow: "Orders are kept in the app; only the team sees them.",
  agents: null,
  backend: "A collection of orders.",
}
const plan = tool("second.present_plan", planInput, "Plan shown; waiting for the person.")
const suggestions = tool("second.present_suggestions", {
  suggestions: [
    { emoji: "📧", title: "Email the totals", subtitle: "Every day at noon" },
    { title: "Add a menu", subtitle: null },
  ],
})

const answer = (overrides: Partial<RunAnswer> = {}): RunAnswer => ({ runId: "run-1", answerable: true, approval: null, pending: null, ...overrides })

const render = (parts: TranscriptPart[]) => renderToStaticMarkup(<TranscriptView parts={parts} />)

async function renderInRouter(element: ReactElement): Promise<string> {
  const handler = createStaticHandler([{ path: "/", element }])
  const context = await handler.query(new Request("http://localhost/"))
  if (context instanceof Response) throw new Error(`the test route answered ${context.status}`)
  return renderToStaticMarkup(<StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />)
}

const ENTITIES: Readonly<Record<string, string>> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'" }

/** The text a person reads, without markup. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, " ")
    .trim()

describe("a plan card", () => {
  it("reads as a plan: title, overview, features, data flow and backend, and no JSON", () => {
    const html = render([plan])
    expect(html).toContain('data-testid="plan-card"')
    const text = textOf(html)
    for (const piece of ["Team lunch orders", "Lets a team collect", "🥗", "Order form", "Each person picks a dish.", "Daily totals", "Data flow", "only the team sees them", "Backend", "A collection of orders."]) {
      expect(text).toContain(piece)
    }
    expect(text).not.toContain("Agents")
    expect(html).not.toMatch(/"features"|&quot;features&quot;|dataFlow|\{/)
    expect(html).not.toContain('data-testid="tool-call"')
  })

  it("offers Approve and Request changes on the plan the latest run ended at", async () => {
    const html = await renderInRouter(<TranscriptView parts={[{ kind: "text", text: "Here is my plan." }, plan]} answer={answer()} />)
    expect(html).toMatch(/<input type="hidden" name="runId" value="run-1"\/><button type="submit" name="intent" value="approve"[^>]*data-testid="approve-plan">Approve<\/button>/)
    expect(html).toMatch(/<a href="#message"[^>]*data-testid="request-changes">Request changes<\/a>/)
    const approving = await renderInRouter(<TranscriptView parts={[plan]} answer={answer({ pending: "approve" })} />)
    expect(approving).toMatch(/disabled=""[^>]*data-testid="approve-plan">Approving…/)
  })

  it("has no buttons while the run streams it, on an older run, or once the turn went on past it", () => {
    const streaming = tool("second.present_plan", undefined, null, { inputText: JSON.stringify(planInput) })
    expect(renderToStaticMarkup(<TranscriptView parts={[streaming]} answer={answer({ answerable: false })} />)).toContain("Team lunch orders")
    for (const [parts, runAnswer] of [
      [[plan], answer({ answerable: false })],
      [[streaming], answer()],
      [[plan, tool("Bash", { command: "ls" })], answer()],
    ] as const) {
      const html = renderToStaticMarkup(<TranscriptView parts={[...parts]} answer={runAnswer} />)
      expect(html).toContain('data-testid="plan-card"')
      expect(html).not.toContain("approve-plan")
      expect(html).not.toContain("request-changes")
    }
  })

  it("says who approved it and when, the same on the server and in any browser, without buttons", () => {
    const approval = { byUserId: "u1", byName: "Ada Lovelace", at: "2025-03-05T14:03:09.000Z", followUpRunId: "run-2" }
    const html = renderToStaticMarkup(<TranscriptView parts={[plan]} answer={answer({ approval })} />)
    expect(html).toContain('data-testid="plan-approved"')
    expect(textOf(html)).toContain("Approved by Ada Lovelace · Mar 5, 2025, 14:03 UTC")
    expect(html).toContain('<time dateTime="2025-03-05T14:03:09.000Z">')
    expect(html).not.toContain("approve-plan")
  })

  it("falls back to the generic tool card when its input is malformed or the call failed", () => {
    const malformed = tool("second.present_plan", { ...planInput, features: "lots" })
    expect(toolCardsOf([malformed])).toEqual(["second.present_plan: done (done)"])
    const failed = tool("second.present_plan", planInput, "features: expected an array", { isError: true })
    expect(toolCardsOf([failed])).toEqual(["second.present_plan: failed (error)"])
    expect(render([malformed, failed])).not.toContain('data-testid="plan-card"')
  })
})

describe("suggestion chips", () => {
  it("show each suggestion's title and subtitle", () => {
    const html = render([suggestions])
    expect(html.match(/data-testid="suggestion-chip"/g)).toHaveLength(2)
    expect(textOf(html)).toContain("📧 Email the totals Every day at noon")
    expect(textOf(html)).toContain("Add a menu")
  })

  it("send the chosen title as the next message on the latest run, and are disabled elsewhere", async () => {
    const live = await renderInRouter(<TranscriptView parts={[suggestions]} answer={answer()} />)
    expect(live).toContain('<input type="hidden" name="intent" value="send"/>')
    expect(live).toMatch(/<button type="submit" name="prompt" value="Email the totals" class="suggestion-chip" data-testid="suggestion-chip">/)
    const older = renderToStaticMarkup(<TranscriptView parts={[suggestions]} answer={answer({ answerable: false })} />)
    expect(older).not.toContain("<form")
    expect(older.match(/<button type="button" class="suggestion-chip" disabled=""/g)).toHaveLength(2)
  })
})

describe("the builder's other tools", () => {
  it("say the app's new name in one line", () => {
    const html = render([tool("second.set_app_metadata", { name: "Lunch", description: "Team lunch orders" }, '{"nameApplied":true}')])
    expect(html).toMatch(/data-testid="app-metadata">Named the app “Lunch” — Team lunch orders</)
  })

  it("say the app is being named while the call is on its way, then the name the web stored", () => {
    const asked = { name: "  Lunch\u0007 ", description: "Team lunch orders" }
    expect(textOf(render([tool("second.set_app_metadata", asked, null)]))).toContain("Naming the app…")
    const stored = render([tool("second.set_app_metadata", asked, '{"nameApplied":true,"name":"Lunch","description":"Team lunch orders"}')])
    expect(stored).toMatch(/data-testid="app-metadata">Named the app “Lunch” — Team lunch orders</)
  })

  it("show a Built card with the summary", () => {
    const html = render([tool("second.done_building", { summary: "Added the order form." }, "Noted.")])
    expect(html).toContain('data-testid="done-building"')
    expect(textOf(html)).toContain("✓ Built Added the order form.")
  })

  it("fold a done_building call into the build it ran: one card with the summary, or with the problems the agent was told", () => {
    const call = (callId: string): RunEvent => ({ type: "tool.started", callId, name: "second.done_building", input: { summary: "Added the order form." } })
    const built = foldEvents([
      call("d1"),
      { type: "build.started", buildId: "b1" },
      { type: "build.finished", buildId: "b1", ok: true, durationMs: 2100, message: "Built in 2.1 s: version 3.", problems: [], versionNumber: 3 },
      { type: "tool.result", callId: "d1", output: '{"ok":true}', isError: false },
    ])
    const html = render([...built])
    expect(html.match(/data-testid="build-card"/g)).toHaveLength(1)
    expect(html).not.toContain("✓ Built")
    expect(textOf(html)).toContain("Built in 2.1 s · version 3 Added the order form.")
    const problem = { step: "typecheck" as const, file: "src/App.tsx", line: 3, column: 7, message: "Type 'string' is not assignable to type 'number'." }
    const failed = foldEvents([
      call("d2"),
      { type: "build.started", buildId: "b2" },
      { type: "build.finished", buildId: "b2", ok: false, durationMs: 1900, message: "The build failed with 1 problem.", problems: [problem], versionNumber: null },
      { type: "tool.result", callId: "d2", output: "The build failed with 1 problem.", isError: true },
    ])
    expect(toolCardsOf(failed), "the failed call's raw error is not shown beside its build").toEqual([])
    expect(textOf(render([...failed]))).toContain("src/App.tsx:3:7 Type 'string' is not assignable to type 'number'.")
  })

  it("count the integration keys in one line", () => {
    const none = tool("second.list_app_integration_keys", {}, '{"keys":[]}')
    const two = tool("second.list_app_integration_keys", { domain: "api.github.com" }, '{"keys":[{},{}]}')
    expect(textOf(render([none]))).toBe("Checked the app's integration keys: none")
    expect(textOf(render([two]))).toBe("Checked the app's integration keys for api.github.com: 2 keys")
  })
})

describe("a run card", () => {
  const run = (overrides: Partial<BuilderRun> = {}): BuilderRun => ({
    id: "run-1",
    prompt: "Build a lunch app",
    runtime: "claude",
    model: null,
    status: "completed",
    error: null,
    transcript: [{ kind: "text", text: "I added the order form." }],
    retryOf: null,
    ...overrides,
  })
  const card = (props: Partial<RunCardProps>) => <RunCard run={run()} live={null} canRetry={false} latest={false} pending={null} fileHref={(path) => path} {...props} />
  const statusOf = (html: string) => /class="run-status status-([a-z]+)">([^<]+)</.exec(html)?.slice(1)

  it("says incomplete when the turn changed files without saying the app is ready, and offers to continue on the latest run", async () => {
    const incomplete = run({ build: { state: "incomplete" } })
    const latest = await renderInRouter(card({ run: incomplete, latest: true }))
    expect(statusOf(latest)).toEqual(["incomplete", "incomplete"])
    expect(textOf(latest)).toContain("The agent changed files but did not say the app is ready.")
    expect(latest).toContain(`<input type="hidden" name="prompt" value="${CONTINUE_MESSAGE}"/>`)
    expect(latest).toMatch(/<button type="submit" name="intent" value="send" data-testid="continue-building">Continue<\/button>/)

    const older = renderToStaticMarkup(card({ run: incomplete }))
    expect(statusOf(older)).toEqual(["incomplete", "incomplete"])
    expect(older).not.toContain("build-incomplete")
    expect(statusOf(renderToStaticMarkup(card({ run: run({ build: { state: "built", summary: "Done." } }) })))).toEqual(["completed", "done"])
    expect(statusOf(renderToStaticMarkup(card({ run: run() })))).toEqual(["completed", "done"])
  })

  it("offers the plan's buttons only on the latest run", async () => {
    const planned = run({ transcript: [plan] })
    expect(await renderInRouter(card({ run: planned, latest: true }))).toContain('data-testid="approve-plan"')
    expect(renderToStaticMarkup(card({ run: planned }))).not.toContain('data-testid="approve-plan"')
  })
})

describe("the chat's status line", () => {
  const ended = (transcript: TranscriptPart[], approval: PlanApproval | null = null) => ({ status: "completed", transcript, approval })

  it("says the agent waits for approval when the latest run ended at a plan nobody approved", () => {
    expect(awaitsApproval(ended([{ kind: "text", text: "Here is the plan." }, plan, { kind: "usage", inputTokens: 1, outputTokens: 1, cachedInputTokens: null, costUsd: null }]))).toBe(true)
    expect(renderToStaticMarkup(<ChatStatus state="awaiting-approval" empty={false} />)).toContain("The agent is waiting for your approval of its plan.")
  })

  it("does not once the plan is approved, while it runs, or when the turn went on past the plan", () => {
    const approval = { byUserId: "u1", byName: "Ada", at: "2025-03-05T14:03:09.000Z", followUpRunId: null }
    expect(awaitsApproval(ended([plan], approval))).toBe(false)
    expect(awaitsApproval({ ...ended([plan]), status: "running" })).toBe(false)
    expect(awaitsApproval(ended([plan, suggestions]))).toBe(false)
    expect(awaitsApproval(ended([tool("second.present_plan", planInput, "bad input", { isError: true })]))).toBe(false)
  })
})
