// A valid agents.json used by the tests beside it: a static-secret agent, a web research agent, an
// OAuth appTool and a public appTool with a JSON body. Each call returns a fresh copy to mutate.

import { validateAgentsConfig } from "./validate-agents-config.ts"

/** Loosely typed on purpose: tests break it in every way the schema must catch. */
export type LooseJson = any

export function exampleAgentsConfig(): LooseJson {
  return {
    agents: [
      {
        id: "ticket-triage",
        name: "Ticket triage",
        description: "Sorts new support tickets.",
        systemPrompt: "You triage support tickets.",
        dataCollections: ["tickets"],
        tools: [
          {
            type: "custom",
            name: "get_ticket",
            displayName: "Get ticket",
            description: "Reads one ticket.",
            recommended: true,
            integration: { name: "Zendesk", domain: "example.zendesk.com", auth: { type: "static" } },
            endpoint: {
              method: "GET",
              url: "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}",
              headers: { Authorization: "Bearer {{secrets.API_TOKEN}}", Accept: "application/json" },
            },
            input: { ticketId: { type: "string", required: true, description: "The ticket's id." } },
            responseSchema: { type: "object", properties: { id: { type: "string" }, subject: { type: "string" } } },
            mockData: [{ id: "1", subject: "Printer on fire" }],
          },
        ],
      },
      {
        id: "researcher",
        name: "Researcher",
        description: "Looks things up on the web.",
        systemPrompt: "Research the question.",
        tools: [
          { type: "builtin", name: "WebSearch" },
          { type: "builtin", name: "WebFetch" },
        ],
      },
    ],
    appTools: [
      {
        type: "custom",
        name: "list_events",
        description: "Lists the person's calendar events.",
        integration: {
          name: "Google Calendar",
          domain: "googleapis.com",
          auth: googleCalendarAuth(),
        },
        endpoint: { method: "GET", url: "https://www.googleapis.com/calendar/v3/calendars/primary/events", queryParams: { maxResults: "{{input.limit}}" } },
        input: { limit: { type: "integer" } },
        mockData: [{ items: [] }],
      },
      {
        type: "custom",
        name: "create_note",
        description: "Creates a note.",
        enabled: true,
        integration: { name: "Notes", domain: "notes.example.com" },
        endpoint: { method: "POST", url: "https://notes.example.com/v1/notes", body: { title: "{{input.title}}", tags: ["{{input.tag}}"], draft: false } },
        input: { title: { type: "string", required: true }, tag: { type: "string", enum: ["work", "home"] } },
        mockData: [{ id: "n1" }],
      },
    ],
  }
}

/** The example after `change`, validated (a failure throws with the problems). */
export function validExampleConfig(change: (config: LooseJson) => void = () => {}) {
  const config = exampleAgentsConfig()
  change(config)
  const result = validateAgentsConfig(config)
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return result.config
}

/** The OAuth credential of the example's list_events (Google Calendar), a fresh copy each call. */
export function googleCalendarAuth(): LooseJson {
  return {
    type: "oauth2",
    providerKey: "google",
    identity: "triggering_user",
    authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth",
    tokenUrl: "https://oauth2.googleapis.com/token",
    scopes: ["https://www.googleapis.com/auth/calendar.readonly"],
    tokenAuthMethod: "client_secret_post",
  }
}
