import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import type { AgentsSummaryView } from "./agents-summary-view.ts"
import type { AgentRunView, AgentsPageView } from "./agents-view.ts"
import { approvalFactsWith, HASH } from "./agents-view.fixture.ts"
import { AgentsPanel } from "./agents-panel.tsx"

const ACTION = "/w/w/apps/a/agents"

const summary: AgentsSummaryView = {
  agents: [
    {
      id: "ticket-triage",
      name: "Ticket triage",
      description: "Sorts new support tickets.",
      dataCollections: ["tickets"],
      builtinTools: [],
      tools: [
        { name: "get_ticket", displayName: "Get ticket", description: "Reads one ticket.", method: "GET", domain: "example.zendesk.com", authType: "static", providerKey: null, scopes: [] },
        { name: "close_ticket", displayName: "close_ticket", description: "Closes one.", method: "PUT", domain: "example.zendesk.com", authType: "static", providerKey: null, scopes: [] },
      ],
    },
  ],
  appTools: [
    { name: "list_events", displayName: "list_events", description: "Lists events.", method: "GET", domain: "googleapis.com", authType: "oauth2", providerKey: "google", scopes: ["calendar.readonly"] },
  ],
  domains: ["example.zendesk.com", "googleapis.com"],
}

const run = (extra: Partial<AgentRunView>): AgentRunView => ({
  id: "r1",
  agentId: "ticket-triage",
  agentName: "Ticket triage",
  status: "completed",
  mode: "live",
  scope: "draft",
  triggeredBy: "Bea",
  prompt: "Sort the inbox",
  createdAt: "2026-03-05T14:03:00Z",
  endedAt: null,
  error: null,
  canCancel: false,
  ...extra,
})

const view = (extra: Partial<AgentsPageView> = {}): AgentsPageView => ({ present: true, problems: [], summary, approval: approvalFactsWith(), changes: null, runs: [], ...extra })
const render = (page: AgentsPageView) => renderInRouter(<AgentsPanel view={page} action={ACTION} />, `http://localhost${ACTION}`)
const tagOf = (html: string, testId: string) => new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0] ?? null

describe("the Agents panel", () => {
  it("says what agents are, and that the builder writes agents.json, when the app has none", async () => {
    const html = await render(view({ present: false, summary: null }))
    expect(textOf(html)).toContain("No agents yet")
    expect(textOf(html)).toMatch(/nothing runs until it has been approved here/)
    expect(textOf(html)).toMatch(/The builder declares them in the app's agents\.json when you ask for one in the chat/)
    expect(html).not.toContain('data-testid="agents-approval"')
    expect(html).not.toContain("style=")
  })

  it("shows each agent's tools with method, domain and credential, its data, and the app's own tools", async () => {
    const text = textOf(await render(view()))
    expect(text).toContain("Ticket triage ticket-triage Sorts new support tickets. App data tickets 2 tools")
    expect(text).toContain("Get ticket get_ticket Reads one ticket. Method: GET Domain: example.zendesk.com Credential: app key")
    // A tool without a display name of its own is named once.
    expect(text).toContain("close_ticket Closes one. Method: PUT")
    expect(text).toContain("list_events Lists events. Method: GET Domain: googleapis.com Credential: user's account · google Scopes: calendar.readonly")
  })

  it("offers an admin “Approve — live calls” and a builder “Approve for mock data”, naming the configuration shown", async () => {
    const admin = await render(view())
    expect(textOf(tagOf(admin, "approve-agents") ?? "")).toBe("")
    expect(admin).toContain(`<input type="hidden" name="expectedHash" value="${HASH}"/>`)
    expect(admin).toMatch(/<form method="post" action="\/w\/w\/apps\/a\/agents"/)
    expect(textOf(admin)).toContain("Approve — live calls")
    const builder = await render(view({ approval: approvalFactsWith({ approveMode: "mock" }) }))
    expect(textOf(builder)).toContain("Approve for mock data")
    const onlooker = await render(view({ approval: approvalFactsWith({ canApprove: false }) }))
    expect(onlooker).not.toContain('data-testid="approve-agents"')
  })

  it("says who approved and when; offers Revoke to those allowed and no Approve that would change nothing", async () => {
    const live = approvalFactsWith({ state: "live", approvedHash: HASH, approvedBy: "Ada", approvedAt: "2026-03-05T14:03:00Z", approvedMode: "live", canRevoke: true })
    const html = await render(view({ approval: live }))
    expect(textOf(html)).toMatch(/Live The agents and the app's tools call the real APIs, as reviewed\. Approved live by Ada · Mar 5, 2026, 14:03 UTC/)
    expect(html).toContain('data-testid="revoke-agents"')
    expect(html).not.toContain('data-testid="approve-agents"')
    // A mock-only approval an admin can make live.
    const mock = await render(view({ approval: { ...live, state: "mock", approvedMode: "mock", approvedBy: "Bea" } }))
    expect(textOf(mock)).toMatch(/Mock data only .* Approved for mock data by Bea/)
    expect(textOf(mock)).toContain("Approve — live calls")
  })

  it("says an approval was cleared, when and why, and that live calls wait for a new one", async () => {
    const cleared = approvalFactsWith({
      state: "cleared",
      approvedBy: "Ada",
      approvedAt: "2026-03-05T14:03:00Z",
      approvedMode: "live",
      clearedAt: "2026-03-05T15:10:00Z",
      clearedReason: "The builder changed agents.json in run r9",
    })
    const text = textOf(await render(view({ approval: cleared, changes: { approved: '{"agents":[]}', current: '{"agents":[1]}', since: "approval" } })))
    expect(text).toContain("Approval cleared Cleared Mar 5, 2026, 15:10 UTC : The builder changed agents.json in run r9 It had been approved live by Ada")
    expect(text).toContain("Live calls are refused until someone approves the current configuration.")
    expect(text).toContain("Changes since approval +3 −1")
  })

  it("shows an admin facing a mock-only approval the changes since the last live approval, or that nothing was approved live", async () => {
    const mock = approvalFactsWith({ state: "mock", approvedHash: HASH, approvedBy: "Bea", approvedAt: "2026-03-05T14:03:00Z", approvedMode: "mock" })
    const text = textOf(await render(view({ approval: mock, changes: { approved: '{"agents":[]}', current: '{"agents":[1]}', since: "live-approval" } })))
    expect(text).toContain("Changes since the last live approval +3 −1")
    expect(text).toContain("Lines marked − are in the configuration last approved live; lines marked + are in the current agents.json.")
    expect(text).not.toContain("is the same as")
    const never = textOf(await render(view({ approval: mock, changes: { approved: null, current: '{"agents":[1]}', since: "live-approval" } })))
    expect(never).toContain("Changes since the last live approval +5 −0")
    expect(never).toContain("Nothing has been approved for live calls yet: every line of the current agents.json is new to a live review.")
  })

  it("wraps long diff lines instead of cutting them off at the side of a phone's screen", async () => {
    const long = `https://example.zendesk.com/api/v2/${"very-long-segment/".repeat(20)}{{input.ticketId}}`
    const html = await render(view({ changes: { approved: JSON.stringify({ url: "https://example.zendesk.com" }), current: JSON.stringify({ url: long }), since: "approval" } }))
    const code = /<code[^>]*>/.exec(html.slice(html.indexOf('data-testid="agents-diff"')))?.[0] ?? ""
    expect(code).not.toContain("w-max")
    const lines = [...html.matchAll(/<span [^>]*data-testid="agents-diff-line"[^>]*>/g)].map(([tag]) => tag)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      expect(line).toContain("whitespace-pre-wrap")
      expect(line).toContain("wrap-anywhere")
      expect(line).not.toMatch(/whitespace-pre(?!-wrap)/)
    }
  })

  it("lists what is wrong with agents.json at its JSON path, and offers nothing to approve", async () => {
    const html = await render(view({ summary: null, approval: approvalFactsWith({ currentHash: null }), problems: [{ path: "agents[0].tools[1].endpoint.url", message: "must start with https://" }] }))
    expect(textOf(html)).toContain("agents.json has problems")
    expect(textOf(html)).toContain("agents[0].tools[1].endpoint.url must start with https://")
    expect(html).not.toContain('data-testid="approve-agents"')
  })

  it("lists recent runs with who started them, a mock label, and Cancel only for one still running", async () => {
    const html = await render(
      view({
        runs: [
          run({ id: "r2", status: "running", mode: "mock", canCancel: true, prompt: "Triage #42" }),
          run({ id: "r1", status: "failed", error: "Zendesk answered 401." }),
        ],
      }),
    )
    const rows = [...html.matchAll(/<li [^>]*data-testid="agent-run"[^>]*>(.*?)<\/li>/g)].map(([, row]) => textOf(row ?? ""))
    expect(rows[0]).toMatch(/^Ticket triage running mock data Mar 5, 2026, 14:03 UTC · started by Bea Triage #42 Show what it did in the run of Ticket triage Loading what it did… Cancel the run of Ticket triage$/)
    expect(rows[1]).toMatch(/^Ticket triage failed .* Zendesk answered 401\. Show what it did in the run of Ticket triage Loading what it did…$/)
    expect(html.match(/data-testid="cancel-agent-run"/g)).toHaveLength(1)
    expect(html).toContain('<input type="hidden" name="runId" value="r2"/>')
  })
})
