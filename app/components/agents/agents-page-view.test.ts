import { describe, expect, it } from "vitest"
import type { AgentsOverview } from "../../agents/agents-overview.server.ts"
import { agentRunView, agentsPageView, approvalFacts } from "./agents-page-view.ts"

const HASH = `v1:${"a".repeat(64)}`
const OTHER = `v1:${"b".repeat(64)}`
const viewer = { canApprove: true, approveMode: "live", canRevoke: true, canRevokePublished: false } as const
const approval = (extra: Partial<NonNullable<AgentsOverview["draftApproval"]>> = {}): NonNullable<AgentsOverview["draftApproval"]> => ({
  mode: "live",
  hash: HASH,
  by: "Ada",
  byUserId: "u1",
  at: "2026-03-05T14:03:00Z",
  effective: true,
  cleared: null,
  ...extra,
})
const overview = (extra: Partial<AgentsOverview> = {}): AgentsOverview => ({
  appId: "a",
  present: true,
  problems: [],
  hash: HASH,
  summary: { agents: [], appTools: [], domains: [] },
  draftApproval: null,
  publishedApproval: null,
  changedSinceApproval: false,
  diff: { approved: null, current: "{}", since: "approval" },
  viewer,
  ...extra,
})

describe("where the agents stand", () => {
  it("is not approved until someone approves, and says what the viewer's approval would give", () => {
    expect(approvalFacts(overview())).toMatchObject({ state: "not-approved", approvedBy: null, currentHash: HASH, canApprove: true, approveMode: "live" })
  })

  it("is live or mock-only while the approval counts, with who approved and when", () => {
    expect(approvalFacts(overview({ draftApproval: approval() }))).toMatchObject({ state: "live", approvedHash: HASH, approvedBy: "Ada", approvedAt: "2026-03-05T14:03:00Z" })
    expect(approvalFacts(overview({ draftApproval: approval({ mode: "mock", by: "Bea" }) }))).toMatchObject({ state: "mock", approvedBy: "Bea", approvedMode: "mock" })
  })

  it("is cleared, with the reason, when a change or a revoke undid the approval; the old approver is still named", () => {
    const revoked = approval({ effective: false, cleared: { at: "2026-03-05T15:00:00Z", reason: "Revoked by Ada", revokedBy: "Ada" } })
    expect(approvalFacts(overview({ draftApproval: revoked }))).toMatchObject({
      state: "cleared",
      approvedHash: null,
      approvedBy: "Ada",
      clearedAt: "2026-03-05T15:00:00Z",
      clearedReason: "Revoked by Ada",
    })
    // The draft moved on before the turn that changed it settled: not counting, for a reason the page can say.
    const stale = overview({ hash: OTHER, changedSinceApproval: true, draftApproval: approval({ effective: false }) })
    expect(approvalFacts(stale)).toMatchObject({ state: "cleared", clearedAt: null, clearedReason: "agents.json changed since it was approved" })
    const removed = overview({ present: false, hash: null, summary: null, changedSinceApproval: true, draftApproval: approval({ effective: false }) })
    expect(approvalFacts(removed).clearedReason).toBe("agents.json was removed")
  })
})

describe("the page's view", () => {
  it("compares with the last approval only once there was one", () => {
    expect(agentsPageView(overview(), []).changes).toBeNull()
    const changed = overview({ draftApproval: approval({ effective: false }), diff: { approved: '{"agents":[]}', current: "{}", since: "approval" } })
    expect(agentsPageView(changed, []).changes).toEqual({ approved: '{"agents":[]}', current: "{}", since: "approval" })
  })

  it("shows an admin facing a mock-only approval the change since the last live approval, all of it when there was none", () => {
    const mock = approval({ mode: "mock", by: "Bea" })
    const sinceLive = overview({ draftApproval: mock, diff: { approved: '{"agents":[]}', current: "{}", since: "live-approval" } })
    expect(agentsPageView(sinceLive, []).changes).toEqual({ approved: '{"agents":[]}', current: "{}", since: "live-approval" })
    const neverLive = overview({ draftApproval: mock, diff: { approved: null, current: "{}", since: "live-approval" } })
    expect(agentsPageView(neverLive, []).changes).toEqual({ approved: null, current: "{}", since: "live-approval" })
  })

  it("lists runs with who started them, their error in words, and Cancel only while they may still stop", () => {
    const run = {
      id: "r1",
      agentId: "triage",
      agentName: "Triage",
      status: "running",
      mode: "mock",
      scope: "draft",
      triggeredByName: "Bea",
      prompt: "Sort the inbox",
      createdAt: "2026-03-05T14:03:00Z",
      endedAt: null,
      error: null,
    } as const
    expect(agentRunView(run)).toMatchObject({ triggeredBy: "Bea", mode: "mock", canCancel: true, error: null })
    const failed = agentRunView({ ...run, status: "failed", error: { message: "Zendesk answered 401.", code: "tool_failed", retryable: false } })
    expect(failed).toMatchObject({ canCancel: false, error: "Zendesk answered 401." })
  })
})
