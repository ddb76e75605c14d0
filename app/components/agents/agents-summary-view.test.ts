import { describe, expect, it } from "vitest"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { summarizeAgents } from "#shared/agents/agents-summary.ts"
import { summarizeIntegrationSetup, validateIntegrationSetup } from "#shared/agents/integration-setup.ts"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import { agentsSummaryView, presentedAgents, presentedIntegrationSetup } from "./agents-summary-view.ts"

const HASH = `v1:${"a".repeat(64)}`

function summary() {
  const result = validateAgentsConfig(exampleAgentsConfig(), { declaredCollections: ["tickets"] })
  if (!result.ok) throw new Error(result.problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n"))
  return summarizeAgents(result.config)
}

describe("reading present_agents' answer in the browser", () => {
  it("reads the summary the worker makes, unchanged (the guards keep in step with shared/agents/agents-summary.ts)", () => {
    const made = summary()
    // The credential's key slug is for the integrations settings, not for reviewing: the cards leave it out.
    const shown = (tool: { keySlug: string }) => {
      const { keySlug, ...rest } = tool
      return rest
    }
    expect(agentsSummaryView(JSON.parse(JSON.stringify(made)))).toEqual({
      ...made,
      agents: made.agents.map((agent) => ({ ...agent, tools: agent.tools.map(shown) })),
      appTools: made.appTools.map(shown),
    })
  })

  it("reads the answer as JSON text, as MCP content blocks, or as a whole MCP result", () => {
    const answer = { ok: true, status: "presented", hash: HASH, summary: summary(), next: "Wait for the person." }
    const text = JSON.stringify(answer)
    for (const output of [text, JSON.stringify([{ type: "text", text }]), JSON.stringify({ content: [{ type: "text", text }] })]) {
      expect(presentedAgents(output)?.hash).toBe(HASH)
      expect(presentedAgents(output)?.summary.agents.map((agent) => agent.id)).toEqual(["ticket-triage", "researcher"])
    }
  })

  it("gives way to the generic tool card for an answer it cannot read", () => {
    const good = { ok: true, hash: HASH, summary: summary() }
    expect(presentedAgents(null)).toBeNull()
    expect(presentedAgents("agents.json has problems: agents[0].id is missing")).toBeNull()
    expect(presentedAgents(JSON.stringify({ ...good, ok: false }))).toBeNull()
    expect(presentedAgents(JSON.stringify({ ...good, hash: undefined }))).toBeNull()
    const badTool = structuredClone(good)
    ;(badTool.summary.agents[0]!.tools[0] as { authType: string }).authType = "magic"
    expect(presentedAgents(JSON.stringify(badTool))).toBeNull()
  })
})

describe("reading present_integration_setup's answer", () => {
  const integration = {
    name: "Zendesk",
    domain: "example.zendesk.com",
    keySlug: "default",
    capabilityLabel: "Read and update tickets",
    why: "The triage agent reads new tickets.",
    permissionGroups: [{ name: "Tickets", description: "", permissions: ["tickets:read", "tickets:write"] }],
    secrets: [
      { name: "API_TOKEN", label: "API token", description: "", required: true },
      { name: "SUBDOMAIN", label: "Subdomain", description: "", required: false },
    ],
  }

  it("lists each integration with what it is for, its permissions and the secrets an admin provides", () => {
    const read = presentedIntegrationSetup(JSON.stringify({ ok: true, status: "presented", summary: { integrations: [integration] } }))
    expect(read?.integrations).toEqual([
      {
        name: "Zendesk",
        domain: "example.zendesk.com",
        capability: "Read and update tickets",
        why: "The triage agent reads new tickets.",
        authType: null,
        providerKey: null,
        scopes: [],
        permissions: ["tickets:read", "tickets:write"],
        secrets: [
          { name: "API_TOKEN", label: "API token", required: true },
          { name: "SUBDOMAIN", label: "Subdomain", required: false },
        ],
        setup: { overview: null, steps: [] },
      },
    ])
  })

  it("reads an OAuth integration's scopes, and nothing from an answer without integrations", () => {
    const oauth = { ...integration, secrets: [], auth: { type: "oauth2", scopes: ["calendar.readonly"] } }
    const read = presentedIntegrationSetup(JSON.stringify({ ok: true, summary: { integrations: [oauth] } }))
    expect(read?.integrations[0]).toMatchObject({ authType: "oauth2", scopes: ["calendar.readonly"] })
    expect(presentedIntegrationSetup(JSON.stringify({ ok: true, summary: {} }))).toBeNull()
    expect(presentedIntegrationSetup("integration-setup.json: integrations[0].domain is missing")).toBeNull()
  })

  it("reads the summary the worker makes (shared/agents/integration-setup.ts), with the admin's steps, and links only to https", () => {
    const setup = {
      integrations: [
        {
          ...integration,
          keyName: "Zendesk key",
          permissionGroups: [{ name: "Tickets", description: "Read and update tickets", permissions: ["tickets:read", "tickets:write"] }],
          secrets: [{ name: "API_TOKEN", label: "API token", description: "Admin → API", required: true }],
          auth: { type: "static" },
          setupInstructions: {
            overview: "Create an API token.",
            steps: [
              { title: "Open the admin center", description: "Go to Admin.", url: "https://example.zendesk.com/admin" },
              { title: "Copy the token", description: "Keep it secret." },
            ],
            links: [],
          },
        },
      ],
    }
    const checked = validateIntegrationSetup(JSON.stringify(setup))
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems))
    const read = presentedIntegrationSetup(JSON.stringify({ ok: true, status: "presented", summary: summarizeIntegrationSetup(checked.config), next: "Stop." }))
    expect(read?.integrations[0]).toMatchObject({
      authType: "static",
      permissions: ["tickets:read", "tickets:write"],
      secrets: [{ name: "API_TOKEN", label: "API token", required: true }],
      setup: {
        overview: "Create an API token.",
        steps: [
          { title: "Open the admin center", description: "Go to Admin.", url: "https://example.zendesk.com/admin" },
          { title: "Copy the token", description: "Keep it secret.", url: null },
        ],
      },
    })
    const sneaky = { ok: true, summary: { integrations: [{ ...integration, setupInstructions: { steps: [{ title: "Click", url: "javascript:alert(1)" }] } }] } }
    expect(presentedIntegrationSetup(JSON.stringify(sneaky))?.integrations[0]?.setup.steps[0]?.url).toBeNull()
  })
})
