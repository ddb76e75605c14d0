import type { ReactElement } from "react"
import { renderToStaticMarkup } from "react-dom/server"
// NOTE: react-router-dom comes with @remix-run/react, whose Form is its Form.
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server"
import { beforeAll, describe, expect, it } from "vitest"
import { foldEvents, type Transcript, type TranscriptPart } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { CONTINUE_MESSAGE } from "./build-incomplete.tsx"
import { awaitsApproval, type PlanApproval, type RunAnswer } from "./builder-run.ts"
import { ChatStatus } from "./chat-status.tsx"
import { loadRichText } from "./rich-text.tsx"
import { RunCard, type BuilderRun, type RunCardProps } from "./run-card.tsx"
import { TranscriptView } from "./transcript-view.tsx"

// Markdown and highlighting are a chunk of their own; the server has it before it renders.
beforeAll(async () => {
  expect(await loadRichText()).not.toBeNull()
})

const bash: RunEvent = { type: "tool.started", callId: "c1", name: "Bash", input: { command: "npm test" } }

/** Each tool row as a person reads it: its one line (the closed <details>' summary), and its state. */
const toolRowsOf = (parts: Transcript) =>
  [...renderToStaticMarkup(<TranscriptView parts={parts} />).matchAll(/<details[^>]*data-testid="tool-call" data-tool-state="([^"]+)"><summary[^>]*>(.*?)<\/summary>/g)].map(
    ([, state, summary]) => `${textOf(summary ?? "")} (${state})`,
  )

const toolRows = (events: RunEvent[]) => toolRowsOf(foldEvents(events))

describe("a tool row", () => {
  it("says what runs while it runs, and that it was stopped once the run was stopped", () => {
    expect(toolRows([bash])).toEqual(["Running npm test (running)"])
    expect(toolRows([bash, { type: "turn.completed", outcome: "cancelled" }])).toEqual(["Ran npm test stopped (stopped)"])
  })

  it("says failed when the run failed under it, and keeps what a finished tool said", () => {
    const finished: RunEvent = { type: "tool.result", callId: "c1", output: "ok", isError: false }
    expect(toolRows([bash, { type: "turn.completed", outcome: "failed" }])).toEqual(["Ran npm test failed (failed)"])
    expect(toolRows([bash, finished, { type: "turn.completed", outcome: "cancelled" }])).toEqual(["Ran npm test · exit 0 (done)"])
  })

  it("is a sentence, not the call's JSON, and keeps the details folded", () => {
    const edit = tool(
      "Edit",
      { file_path: "/var/lib/second/apps/k3mx7q2vb4n5c6d7e8f9g2h3/src/App.tsx", old_string: "const a = 1\n", new_string: "const a = 2\nconst b = 3\n" },
      "The file has been updated.",
    )
    const parts = [edit, { kind: "file", path: "src/App.tsx", change: "modified" } as const]
    expect(toolRowsOf(parts)).toEqual(["Edited src/App.tsx +2 −1 (done)"])
    const html = renderToStaticMarkup(<TranscriptView parts={parts} />)
    // The row's line: no braces, no field names, no absolute path.
    const line = /<summary[^>]*>(.*?)<\/summary>/.exec(html)?.[1] ?? ""
    expect(line).not.toMatch(/[{}]|file_path|old_string|\/var\/lib/)
    // Folded (no `open`), and opening onto the change as a diff rather than as JSON.
    expect(html).toMatch(/<details class="[^"]*" data-testid="tool-call"/)
    expect(html).toContain('data-testid="tool-diff"')
    expect(html).not.toContain("old_string")
  })

  it("says an unknown tool was used, and shows its input only in the details", () => {
    expect(toolRowsOf([tool("frobnicate", { level: 3 })])).toEqual(["Used frobnicate (done)"])
  })
})

describe("the agent's text", () => {
  const render = (text: string) => renderToStaticMarkup(<TranscriptView parts={[{ kind: "text", text }]} />)

  it("is Markdown: a table and highlighted code, coloured by classes, with no style attribute anywhere", () => {
    const html = render(
      ["| Dish | Price |", "| :-- | --: |", "| Soup | 4 |", "", "```ts", 'const greeting: string = "hi" // say it', "```"].join("\n"),
    )
    expect(html).toMatch(/<table[^>]*>.*<th class="[^"]*text-left[^"]*">Dish<\/th><th class="[^"]*text-right[^"]*">Price<\/th>/)
    expect(html).toMatch(/<td class="[^"]*">Soup<\/td>/)
    expect(html).toMatch(/<span class="text-code-keyword">const<\/span>/)
    expect(html).toMatch(/<span class="text-code-string">&quot;hi&quot;<\/span>/)
    expect(html).toMatch(/<span class="text-code-comment italic">\/\/ say it<\/span>/)
    expect(html).toMatch(/<figcaption[^>]*>.*>ts<\/span>.*Copy/)
    // The production CSP refuses style attributes, and sugar-high's own HTML carries them.
    expect(html).not.toMatch(/style=/)
    expect(html).not.toContain("--sh-")
  })

  it("links only to web and mail addresses, in a new tab, and shows raw HTML as text", () => {
    const html = render('[docs](https://example.com/docs) [bad](javascript:alert(1)) <script>alert("x")</script> **bold**')
    expect(html).toMatch(/<a href="https:\/\/example.com\/docs" target="_blank" rel="noreferrer noopener"[^>]*>docs<\/a>/)
    expect(html).not.toContain("javascript:")
    expect(html).not.toContain("<script")
    expect(html).toContain("&lt;script&gt;")
    expect(html).toMatch(/<strong[^>]*>bold<\/strong>/)
  })

  it("keeps the reply's line breaks", () => {
    expect(render("Your page is ready.\nOpen lunch.html to see it.")).toMatch(/<p class="[^"]*whitespace-pre-line[^"]*">Your page is ready.\nOpen lunch.html to see it.<\/p>/)
  })
})

it("folds the agent's reasoning away", () => {
  const html = renderToStaticMarkup(<TranscriptView parts={[{ kind: "reasoning", text: "Let me think." }]} />)
  expect(html).toMatch(/<details class="[^"]*" data-testid="reasoning"><summary[^>]*>.*Reasoning/)
  expect(html).not.toMatch(/<details[^>]* open/)
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
    expect(html).toMatch(/<input type="hidden" name="runId" value="run-1"\/><button type="submit"[^>]* name="intent" value="approve"[^>]*data-testid="approve-plan">.*?Approve<\/button>/)
    expect(html).toMatch(/<a href="#message" data-testid="request-changes"[^>]*>Request changes<\/a>/)
    const approving = await renderInRouter(<TranscriptView parts={[plan]} answer={answer({ pending: "approve" })} />)
    expect(approving).toMatch(/disabled=""[^>]*data-testid="approve-plan">.*?Approving…/)
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

  it("falls back to a tool row when its input is malformed or the call failed", () => {
    const malformed = tool("second.present_plan", { ...planInput, features: "lots" })
    expect(toolRowsOf([malformed])).toEqual(["Planned the app (done)"])
    const failed = tool("second.present_plan", planInput, "features: expected an array", { isError: true })
    expect(toolRowsOf([failed])).toEqual(["Planned the app failed (error)"])
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
    expect(live).toMatch(/<button type="submit" name="prompt" value="Email the totals" class="[^"]*" data-testid="suggestion-chip">/)
    const older = renderToStaticMarkup(<TranscriptView parts={[suggestions]} answer={answer({ answerable: false })} />)
    expect(older).not.toContain("<form")
    expect(older.match(/<button type="button" class="[^"]*" disabled=""/g)).toHaveLength(2)
  })
})

describe("the builder's other tools", () => {
  it("say the app's new name in one line", () => {
    const html = render([tool("second.set_app_metadata", { name: "Lunch", description: "Team lunch orders" }, '{"nameApplied":true}')])
    expect(html).toContain('data-testid="app-metadata"')
    expect(textOf(html)).toBe("Named the app “Lunch” — Team lunch orders")
  })

  it("say the app is being named while the call is on its way, then the name the web stored", () => {
    const asked = { name: "  Lunch\u0007 ", description: "Team lunch orders" }
    expect(textOf(render([tool("second.set_app_metadata", asked, null)]))).toContain("Naming the app…")
    const stored = render([tool("second.set_app_metadata", asked, '{"nameApplied":true,"name":"Lunch","description":"Team lunch orders"}')])
    expect(textOf(stored)).toBe("Named the app “Lunch” — Team lunch orders")
  })

  it("show a Built card with the summary", () => {
    const html = render([tool("second.done_building", { summary: "Added the order form." }, "Noted.")])
    expect(html).toContain('data-testid="done-building"')
    expect(textOf(html)).toBe("Built Added the order form.")
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
    expect(html).not.toContain('data-testid="done-building" aria-label="Built"')
    expect(textOf(html)).toContain("Built in 2.1 s · version 3 Added the order form.")
    const problem = { step: "typecheck" as const, file: "src/App.tsx", line: 3, column: 7, message: "Type 'string' is not assignable to type 'number'." }
    const failed = foldEvents([
      call("d2"),
      { type: "build.started", buildId: "b2" },
      { type: "build.finished", buildId: "b2", ok: false, durationMs: 1900, message: "The build failed with 1 problem.", problems: [problem], versionNumber: null },
      { type: "tool.result", callId: "d2", output: "The build failed with 1 problem.", isError: true },
    ])
    expect(toolRowsOf(failed), "the failed call's raw error is not shown beside its build").toEqual([])
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
  const statusOf = (html: string) => /data-run-status="([a-z]+)">([^<]+)</.exec(html)?.slice(1)

  it("says incomplete when the turn changed files without saying the app is ready, and offers to continue on the latest run", async () => {
    const incomplete = run({ build: { state: "incomplete" } })
    const latest = await renderInRouter(card({ run: incomplete, latest: true }))
    expect(statusOf(latest)).toEqual(["incomplete", "incomplete"])
    expect(textOf(latest)).toContain("The agent changed files but did not say the app is ready.")
    expect(latest).toContain(`<input type="hidden" name="prompt" value="${CONTINUE_MESSAGE}"/>`)
    expect(latest).toMatch(/<button type="submit"[^>]* name="intent" value="send"[^>]*data-testid="continue-building">.*?Continue<\/button>/)

    const older = renderToStaticMarkup(card({ run: incomplete }))
    expect(statusOf(older)).toEqual(["incomplete", "incomplete"])
    expect(older).not.toContain("build-incomplete")
    expect(statusOf(renderToStaticMarkup(card({ run: run({ build: { state: "built", summary: "Done." } }) })))).toEqual(["completed", "done"])
    expect(statusOf(renderToStaticMarkup(card({ run: run() })))).toEqual(["completed", "done"])
  })

  it("keeps the usage behind its toggle: no token counts under the reply until it is opened", () => {
    const usage = (inputTokens: number, outputTokens: number, cachedInputTokens: number | null, costUsd: number | null): TranscriptPart => ({
      kind: "usage",
      inputTokens,
      outputTokens,
      cachedInputTokens,
      costUsd,
    })
    // OpenCode reports each step's usage; the toggle adds them up.
    const used = run({ transcript: [{ kind: "text", text: "Done." }, usage(1_200, 300, 1_000, 0.01), usage(800, 200, null, 0.02)] })
    const html = renderToStaticMarkup(card({ run: used }))
    const toggle = /<details class="[^"]*" data-testid="usage"><summary[^>]*>(.*?)<\/summary>(.*?)<\/details>/.exec(html)
    expect(toggle, "a closed Usage toggle").not.toBeNull()
    expect(textOf(toggle?.[1] ?? "")).toBe("Usage")
    expect(textOf(toggle?.[2] ?? "")).toBe("Input tokens 2,000 Output tokens 500 Cached input tokens 1,000 Cost $0.03")
    // Outside the toggle nothing says tokens.
    expect(textOf(html.replace(toggle?.[0] ?? "", ""))).not.toMatch(/tokens|2,000|\$/)
    // The transcript itself shows no usage at all.
    expect(renderToStaticMarkup(<TranscriptView parts={used.transcript} />)).not.toMatch(/tokens|usage/i)
    expect(renderToStaticMarkup(card({ run: run() }))).not.toContain('data-testid="usage"')
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
