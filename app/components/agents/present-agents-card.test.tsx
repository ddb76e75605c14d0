import type { ReactElement } from "react"
import { renderToStaticMarkup } from "react-dom/server"
// NOTE: react-router-dom comes with @remix-run/react, whose hooks and Form are its own.
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server"
import { beforeAll, describe, expect, it } from "vitest"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { summarizeAgents } from "#shared/agents/agents-summary.ts"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"
import { textOf } from "#tests/fixtures/render-in-router.tsx"
import type { RunAnswer } from "../builder/builder-run.ts"
import { TranscriptView } from "../builder/transcript-view.tsx"
import { approvalFactsWith, HASH } from "./agents-view.fixture.ts"
import { loadAgentsCards } from "./lazy-agents-cards.tsx"
import { standingOf } from "./agents-card-standing.tsx"

// The cards' bodies are a chunk of their own; the server has it before it renders.
beforeAll(async () => {
  expect(await loadAgentsCards()).not.toBeNull()
})

const OTHER = `v1:${"b".repeat(64)}`

function summary() {
  const result = validateAgentsConfig(exampleAgentsConfig(), { declaredCollections: ["tickets"] })
  if (!result.ok) throw new Error("the example agents.json is valid")
  return summarizeAgents(result.config)
}

const call = (name: string, output: string | null, extra: Partial<Extract<TranscriptPart, { kind: "tool" }>> = {}): TranscriptPart => ({
  kind: "tool",
  callId: name,
  name,
  input: {},
  inputText: "{}",
  output,
  isError: false,
  ...extra,
})
const presented = (hash = HASH) => call("second.present_agents", JSON.stringify({ ok: true, status: "presented", hash, summary: summary(), next: "Wait." }))
const answer: RunAnswer = { runId: "r1", answerable: true, approval: null, pending: null }

/** As the app's chat renders it: inside the app's route, so the card knows its Agents page. */
async function inTheAppChat(element: ReactElement): Promise<string> {
  const handler = createStaticHandler([{ path: "/w/:workspaceId/apps/:appId", element }])
  const context = await handler.query(new Request("http://localhost/w/w1/apps/a1"))
  if (context instanceof Response) throw new Error(`the test route answered ${context.status}`)
  return renderToStaticMarkup(<StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />)
}

describe("the chat's present_agents card", () => {
  it("shows each agent with its tools, the domains they call and the data they use", () => {
    const html = renderToStaticMarkup(<TranscriptView parts={[presented()]} />)
    const text = textOf(html)
    expect(html).toContain(`data-hash="${HASH}"`)
    expect(text).toContain("Agents for review 2 agents Calls example.zendesk.com googleapis.com notes.example.com")
    expect(text).toContain("Ticket triage ticket-triage Sorts new support tickets. App data tickets 1 tool Get ticket get_ticket Reads one ticket. Method: GET")
    expect(text).toContain("Researcher researcher Looks things up on the web. App data None: it cannot read or change the app's data. Also WebSearch WebFetch")
    expect(text).toContain("App tools Called by the app's own screens, as the person using it. list_events")
    // Read-only (no answer): nothing to approve from here.
    expect(html).not.toContain('data-testid="agents-card-standing"')
  })

  it("in the app's chat, leads to the Agents page before it knows where the agents stand", async () => {
    const html = await inTheAppChat(<TranscriptView parts={[presented()]} answer={answer} ended />)
    expect(html).toMatch(/data-testid="agents-card-standing" data-standing="unknown"/)
    const link = /<a [^>]*data-testid="agents-card-page"[^>]*>([^<]*)<\/a>/.exec(html)
    expect(link?.[0]).toContain('href="/w/w1/apps/a1/agents"')
    expect(link?.[1]).toBe("Review on the Agents page")
  })

  it("gives way to the generic tool card when the call failed (agents.json had problems) or its answer cannot be read", () => {
    const failed = call("second.present_agents", "agents[0].id: must be lower-case words joined by -", { isError: true })
    const unreadable = call("second.present_agents", "Shown.")
    for (const part of [failed, unreadable]) {
      const html = renderToStaticMarkup(<TranscriptView parts={[part]} />)
      expect(html).not.toContain('data-testid="agents-card"')
      expect(html).toContain('data-testid="tool-call"')
    }
  })

  it("shows the integrations to set up: what for, the permissions, the secrets an admin provides", () => {
    const setup = {
      ok: true,
      status: "presented",
      summary: {
        integrations: [
          {
            name: "Zendesk",
            domain: "example.zendesk.com",
            capabilityLabel: "Read and update tickets",
            why: "The triage agent reads new tickets.",
            permissionGroups: [{ name: "Tickets", permissions: ["tickets:read"] }],
            secrets: [{ name: "API_TOKEN", label: "API token", required: true }],
          },
        ],
      },
    }
    const parts: Transcript = [call("second.present_integration_setup", JSON.stringify(setup))]
    expect(textOf(renderToStaticMarkup(<TranscriptView parts={parts} />))).toBe(
      "Integrations to set up Zendesk needs setting up An admin provides what each one needs. Until then its tools answer with their mock data. " +
        "Zendesk example.zendesk.com Read and update tickets The triage agent reads new tickets. Permissions tickets:read Secrets an admin provides API token API_TOKEN",
    )
  })
})

describe("where a card's configuration stands", () => {
  it("is approved when the standing approval is for exactly this configuration", () => {
    expect(standingOf(approvalFactsWith({ state: "live", approvedHash: HASH }), HASH)).toBe("approved")
    expect(standingOf(approvalFactsWith({ state: "mock", approvedHash: HASH }), HASH)).toBe("approved")
  })

  it("is stale once agents.json is something else (changed, broken or removed): approving it would approve what nobody looked at", () => {
    expect(standingOf(approvalFactsWith({ currentHash: OTHER }), HASH)).toBe("stale")
    expect(standingOf(approvalFactsWith({ currentHash: null }), HASH)).toBe("stale")
    expect(standingOf(approvalFactsWith({ state: "live", approvedHash: OTHER, currentHash: OTHER }), HASH)).toBe("stale")
  })

  it("is open to approval while it is the current configuration and nothing approved counts for it", () => {
    expect(standingOf(approvalFactsWith({}), HASH)).toBe("open")
    expect(standingOf(approvalFactsWith({ state: "cleared", clearedReason: "Revoked by Ada" }), HASH)).toBe("open")
  })
})
