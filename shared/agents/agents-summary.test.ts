import { describe, expect, it } from "vitest"
import { validExampleConfig } from "./agents-config.fixture.ts"
import { summarizeAgents } from "./agents-summary.ts"

describe("summarizeAgents", () => {
  it("shows each agent's effective tools with their domain and kind of credential, as plain JSON", () => {
    const summary = summarizeAgents(validExampleConfig())
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary)
    expect(summary).toEqual({
      agents: [
        {
          id: "ticket-triage",
          name: "Ticket triage",
          description: "Sorts new support tickets.",
          dataCollections: ["tickets"],
          builtinTools: [],
          tools: [
            { name: "get_ticket", displayName: "Get ticket", description: "Reads one ticket.", method: "GET", domain: "example.zendesk.com", keySlug: "default", authType: "static", providerKey: null, scopes: [] },
          ],
        },
        { id: "researcher", name: "Researcher", description: "Looks things up on the web.", dataCollections: [], builtinTools: ["WebSearch", "WebFetch"], tools: [] },
      ],
      appTools: [
        {
          name: "list_events",
          displayName: "list_events",
          description: "Lists the person's calendar events.",
          method: "GET",
          domain: "googleapis.com",
          keySlug: "default",
          authType: "oauth2",
          providerKey: "google",
          scopes: ["https://www.googleapis.com/auth/calendar.readonly"],
        },
        { name: "create_note", displayName: "create_note", description: "Creates a note.", method: "POST", domain: "notes.example.com", keySlug: "default", authType: "none", providerKey: null, scopes: [] },
      ],
      domains: ["example.zendesk.com", "googleapis.com", "notes.example.com"],
    })
  })

  it("leaves out disabled tools and their domains", () => {
    const summary = summarizeAgents(
      validExampleConfig((config) => {
        config.appTools[1].enabled = false
        config.agents[1].tools[0].enabled = false
      }),
    )
    expect(summary.appTools.map((tool) => tool.name)).toEqual(["list_events"])
    expect(summary.agents[1]?.builtinTools).toEqual(["WebFetch"])
    expect(summary.domains).toEqual(["example.zendesk.com", "googleapis.com"])
  })
})
