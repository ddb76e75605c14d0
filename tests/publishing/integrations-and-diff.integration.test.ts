// Outside local mode an app's integrations must be set up before it is published or a review of it
// approved, and what is missing is said in words; the reviewer reads the diff since the current
// release: files (the build as one line), agents and their permissions, integration keys.

import { afterEach, describe, expect, it } from "vitest"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { newId } from "#shared/ids.ts"
import { integrationGrants, oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { cleanUp, publishingWorld, refusal, type PublishingWorld } from "./publishing-world.ts"

afterEach(cleanUp)

async function saveOAuthClient(p: PublishingWorld, providerKey: string) {
  const at = new Date().toISOString()
  await p.world.services.store.collection(oauthProviders).insert({
    id: newId(),
    workspaceId: p.ofApp.workspaceId,
    providerKey,
    displayName: "Google",
    clientId: "client",
    clientSecretRef: null,
    authorizationUrl: "https://accounts.google.com/o/oauth2/auth",
    tokenUrl: "https://oauth2.googleapis.com/token",
    revocationUrl: null,
    tokenAuthMethod: "none",
    authorizationParams: {},
    createdByUserId: p.admin.id,
    createdAt: at,
    updatedByUserId: p.admin.id,
    updatedAt: at,
  })
}

describe("integrations required outside local mode", () => {
  it("lists what is missing and refuses publishing and approving until it is set up", async () => {
    const p = await publishingWorld()
    await p.build("one")
    await p.grant({})
    await p.grant({ domain: "googleapis.com", name: "Google Calendar", authType: "oauth2", providerKey: "google", requiredScopes: ["calendar.readonly"], secrets: [] })

    // Local mode: nothing is required.
    expect(await p.caller(p.admin).publishing.state(p.ofApp)).toMatchObject({ integrationsRequired: false, missingIntegrations: [] })

    p.external()
    const state = await p.caller(p.creator).publishing.state(p.ofApp)
    expect(state.integrationsRequired).toBe(true)
    expect(state.missingIntegrations).toEqual([
      { domain: "example.zendesk.com", name: "Zendesk", missing: "store the secret API_TOKEN (Settings → Integrations)" },
      { domain: "googleapis.com", name: "Google Calendar", missing: "add the OAuth client for google (Settings → Integrations)" },
    ])

    const refused = await refusal(p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] }))
    expect(refused).toMatchObject({ status: 409, reasonCode: "integrations_setup_required" })
    expect(refused.message).toContain("API_TOKEN")
    expect(refused.message).toContain("OAuth client for google")

    // A member may ask; the reviewer sees what is missing and cannot approve until it is set up.
    const asked = await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    if (asked.kind !== "review") throw new Error("expected a review")
    const detail = await p.caller(p.admin).reviews.get({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id })
    expect(detail.missingIntegrations).toHaveLength(2)
    expect(detail.canDecide).toBe(true)
    expect(await refusal(p.caller(p.admin).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id }))).toMatchObject({
      status: 409,
      reasonCode: "integrations_setup_required",
    })

    await saveOAuthClient(p, "google")
    await storeSecret(p)
    expect((await p.caller(p.creator).publishing.state(p.ofApp)).missingIntegrations).toEqual([])
    const release = await p.caller(p.admin).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id })
    expect(release.number).toBe(1)
  })
})

/** The grant's secret stored, as Settings → Integrations leaves it (a ref; the value is the secret store's business). */
async function storeSecret(p: PublishingWorld) {
  const grant = await p.world.services.store.collection(integrationGrants).findOne({ appId: p.app.id, domain: "example.zendesk.com" })
  await p.world.services.store
    .collection(integrationGrants)
    .updateOne({ id: grant!.id }, { secrets: grant!.secrets.map((secret) => ({ ...secret, ref: "secret-ref", updatedAt: new Date().toISOString() })) })
}

describe("the review's diff", () => {
  it("shows source files line by line, the build as one line, agents, permissions and integrations since the current release", async () => {
    const p = await publishingWorld()
    await p.build("one", null)
    await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })

    await p.build("two")
    await p.approveAgents()
    await p.grant({})
    const asked = await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    if (asked.kind !== "review") throw new Error("expected a review")
    const { diff } = await p.caller(p.admin).reviews.get({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id })

    expect(diff.base).toEqual({ releaseNumber: 1, versionNumber: 1 })
    expect(diff.filesNotShown).toBe(0)
    expect(diff.files.map((file) => [file.path, file.change])).toEqual([
      ["dist/ (the build)", "changed"],
      ["agents.json", "added"],
      ["src/App.tsx", "changed"],
    ])
    const app = diff.files.find((file) => file.path === "src/App.tsx")!
    expect(app).toMatchObject({ addedLines: 1, removedLines: 1 })
    expect(app.lines).toEqual([
      { kind: "removed", text: 'export const App = () => "one"' },
      { kind: "added", text: 'export const App = () => "two"' },
    ])
    expect(diff.files[0]!.lines).toBeNull()

    const subjects = diff.agents.map((change) => `${change.kind} ${change.subject} ${change.change}`)
    expect(subjects).toEqual(
      expect.arrayContaining([
        "agent ticket-triage added",
        "agent researcher added",
        "tool ticket-triage/get_ticket added",
        "tool app/list_events added",
        "collection tickets added",
      ]),
    )
    const tool = diff.agents.find((change) => change.subject === "ticket-triage/get_ticket")!
    expect(tool.details).toEqual(["GET https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}", "integration example.zendesk.com (default) with a stored key"])
    expect(diff.agents.find((change) => change.kind === "collection")?.details).toEqual(["read and write access added for agent ticket-triage"])
    expect(diff.integrations).toEqual([{ kind: "integration", subject: "example.zendesk.com (default)", change: "added", details: ["Zendesk: a stored key"] }])
  })

  it("names a changed tool's endpoint, and nothing for agents that did not change", async () => {
    const p = await publishingWorld()
    await p.build("one")
    await p.approveAgents()
    await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    const edited = exampleAgentsConfig()
    edited.agents[0].tools[0].endpoint.method = "POST"
    await p.build("two", edited)
    await p.approveAgents()
    const asked = await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    if (asked.kind !== "review") throw new Error("expected a review")
    const { diff } = await p.caller(p.creator).reviews.get({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id })
    expect(diff.agents).toEqual([
      {
        kind: "tool",
        subject: "ticket-triage/get_ticket",
        change: "changed",
        details: ["GET https://example.zendesk.com/api/v2/tickets/{{input.ticketId}} → POST https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}"],
      },
    ])
  })
})
