import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { AgentRunsList } from "./agent-runs-list.tsx"
import { agentRunView } from "./agents-page-view.ts"
import type { AgentRunView } from "./agents-view.ts"

const ACTION = "/w/w/apps/a/agents"

const run = (extra: Partial<AgentRunView>): AgentRunView => ({
  id: "r1",
  agentId: "ticket-triage",
  agentName: "Ticket triage",
  status: "cancelled",
  mode: "live",
  scope: "draft",
  triggeredBy: "Bea",
  prompt: "Sort the inbox",
  createdAt: "2026-03-05T14:03:00Z",
  endedAt: "2026-03-05T14:04:00Z",
  error: null,
  canCancel: false,
  ...extra,
})

const rowsOf = async (runs: readonly AgentRunView[]) => {
  const html = await renderInRouter(<AgentRunsList runs={runs} action={ACTION} />, `http://localhost${ACTION}`)
  return [...html.matchAll(/<li [^>]*data-testid="agent-run"[^>]*>(.*?)<\/li>/g)].map(([, row]) => textOf(row ?? ""))
}

describe("a cancelled run in the list", () => {
  it("says who cancelled it, and just 'cancelled' when no person did", async () => {
    const rows = await rowsOf([
      run({ id: "r2", cancelledBy: "Grace" }),
      run({ id: "r1", cancelledBy: null, error: "Stopped because the person who started it can no longer see this app." }),
    ])
    expect(rows[0]).toMatch(/^Ticket triage cancelled by Grace Mar 5, 2026, 14:03 UTC · started by Bea Sort the inbox Show what it did in the run of Ticket triage Loading what it did…$/)
    expect(rows[1]).toMatch(/^Ticket triage cancelled Mar 5, 2026, 14:03 UTC · started by Bea Sort the inbox Stopped because the person who started it can no longer see this app\. Show what it did in the run of Ticket triage Loading what it did…$/)
  })

  it("takes who cancelled it from the server's run, and only for a cancelled one", () => {
    const server = {
      id: "r1",
      agentId: "triage",
      agentName: "Triage",
      status: "cancelled",
      mode: "live",
      scope: "draft",
      triggeredByName: "Bea",
      cancelledByName: "Grace",
      prompt: "Sort",
      createdAt: "2026-03-05T14:03:00Z",
      endedAt: null,
      error: null,
    } as const
    expect(agentRunView(server).cancelledBy).toBe("Grace")
    expect(agentRunView({ ...server, status: "completed" }).cancelledBy).toBeNull()
  })
})
