// How to call every tRPC procedure successfully: the input each needs, with fresh targets made in
// the world. The enumeration test fails for a procedure missing here, so nothing ships untested.
// For workspace procedures the test adds workspaceId (W's) itself.

import { integrationGrants } from "#app/integrations/integration-collections.server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { integrationGrantDocument } from "#tests/fixtures/integration-grant.ts"
import { makeApp, makeAppWithAgents, makeAppWithPlan, makeAppWithVersions, publishedByAnAdmin } from "./app-fixtures.ts"
import type { World } from "./world.ts"

/** A document in a fresh app of the caller's, in its draft data. */
async function appDocument(world: World, caller: HttpPerson) {
  const { appId } = await makeApp(world, caller)
  const { id } = await caller.must<{ id: string }>("mutation", "appData.insert", { workspaceId: world.workspaceId, appId, collection: "todos", data: { title: "Milk" } })
  return { appId, collection: "todos", id }
}

/** A fresh app of the caller's with its agents approved by them (mock-only for a member: enough to run). */
async function appWithApprovedAgents(world: World, caller: HttpPerson) {
  const { appId, agentsHash } = await makeAppWithAgents(world, caller)
  await caller.must("mutation", "agents.approve", { workspaceId: world.workspaceId, appId, expectedHash: agentsHash })
  return { appId, agentId: "ticket-triage" }
}

/** An agent run the caller triggered (running, or failed at once when the worker has no agent runs). */
async function agentRun(world: World, caller: HttpPerson) {
  const { appId, agentId } = await appWithApprovedAgents(world, caller)
  const { runId } = await caller.must<{ runId: string }>("mutation", "agentRuns.trigger", { workspaceId: world.workspaceId, appId, agentId, prompt: "Triage ticket 42" })
  return { appId, runId }
}

/**
 * A fresh app of the caller's with one static integration key (API_KEY), stored as a synced
 * present_integration_setup stores it: syncing needs a builder turn, the grants tests' business.
 */
async function appKeySecret(world: World, caller: HttpPerson) {
  const { appId } = await makeApp(world, caller)
  const store = await world.server.openStore()
  try {
    await store.collection(integrationGrants).insert(integrationGrantDocument({ workspaceId: world.workspaceId, appId, requestedByUserId: world.userId("owner") }))
  } finally {
    await store.close()
  }
  return { appId, domain: "api.helpdesk.example.com", keySlug: "default", name: "API_KEY" }
}

/** A customer-owned OAuth client under a fresh provider key (its endpoints are never called here). */
function oauthClientInput(world: World) {
  const providerKey = `enum-${world.freshEmail().replace(/[^a-z0-9]/g, "")}`.slice(0, 40)
  return {
    providerKey,
    displayName: "Enumeration Mail",
    clientId: "enumeration-client",
    clientSecret: "enumeration-client-secret",
    authorizationUrl: "https://accounts.example.com/o/oauth2/auth",
    tokenUrl: "https://accounts.example.com/o/oauth2/token",
    tokenAuthMethod: "client_secret_post",
  }
}

/** A fresh built app of the caller's, published (directly, as an admin) or asked for review (requestReview, or as a member). */
async function publishedOrAsked(world: World, caller: HttpPerson, requestReview = false) {
  const { appId } = await makeAppWithVersions(world, caller)
  const outcome = await caller.must<{ kind: string; release?: { id: string }; review?: { id: string } }>("mutation", "publishing.publish", {
    workspaceId: world.workspaceId,
    appId,
    visibility: "workspace",
    teamIds: [],
    requestReview,
  })
  return { appId, releaseId: outcome.release?.id ?? null, reviewId: outcome.review?.id ?? null }
}

/** Builds the input for one procedure. `caller` is who will make the call that must succeed. */
export type CaseInput = (world: World, caller: HttpPerson) => Promise<Record<string, unknown> | undefined>

const none: CaseInput = async () => undefined
const empty: CaseInput = async () => ({})

export const procedureCases: Readonly<Record<string, CaseInput>> = {
  health: none,

  "auth.me": none,
  "auth.updateProfile": async () => ({ displayName: "Renamed by the enumeration" }),
  "auth.sessions": none,
  "auth.revokeSession": async (world, caller) => {
    // A second browser of the same person, which the caller signs out.
    const email = world.emails.get(caller)
    if (!email) throw new Error("revokeSession needs a caller made by the world")
    const other = await new HttpPerson(world.server.url).signIn(email)
    const sessions = await other.must<{ id: string; current: boolean }[]>("query", "auth.sessions")
    return { sessionId: sessions.find((session) => session.current)!.id }
  },

  "workspaces.list": none,
  "workspaces.create": async () => ({ name: "Created by the enumeration" }),
  "workspaces.get": empty,
  "workspaces.rename": async () => ({ name: "Acme renamed" }),
  "workspaces.runtimeSettings": empty,
  "workspaces.saveRuntimeSettings": async () => ({ scripts: true, clipboard: false, externalLinks: true }),

  "members.list": empty,
  "members.changeRole": async (world) => ({ userId: (await world.join("member")).userId, role: "admin" }),
  "members.remove": async (world) => ({ userId: (await world.join("member")).userId }),

  "invitations.list": empty,
  "invitations.create": async (world) => ({ email: world.freshEmail(), role: "member", teamIds: [] }),
  "invitations.resend": async (world) => ({ invitationId: (await world.invite()).invitationId }),
  "invitations.revoke": async (world) => ({ invitationId: (await world.invite()).invitationId }),
  "invitations.preview": async (world) => ({ token: (await world.invite()).token }),
  "invitations.accept": async (world, caller) => ({ token: (await world.invite(world.emails.get(caller))).token }),

  "teams.list": empty,
  "teams.create": async (world) => ({ name: `Created ${world.freshEmail()}`.slice(0, 80) }),
  "teams.rename": async (world) => ({ teamId: await world.team(), name: `Renamed ${world.freshEmail()}`.slice(0, 80) }),
  "teams.delete": async (world) => ({ teamId: await world.team() }),
  "teams.addMember": async (world) => ({ teamId: await world.team(), userId: world.userId("member") }),
  "teams.removeMember": async (world) => ({ teamId: await world.team([world.userId("member")]), userId: world.userId("member") }),

  "audit.list": async () => ({ limit: 10 }),
  "audit.feed": async () => ({ limit: 10, action: "member.", from: "2020-01-01" }),
  "audit.retention": empty,
  "audit.setRetention": async () => ({ retentionDays: 365 }),

  // Nothing recorded yet answers empty figures; forApp on an app of the caller's own.
  "usage.summary": async () => ({ groupBy: "app" }),
  "usage.forApp": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId }),

  // Each case makes its app as the caller: an app is visible only to its creator (and admins).
  "apps.list": empty,
  "apps.runtimes": empty,
  "apps.get": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId }),
  "apps.create": async () => ({ prompt: "A counter with a reset button", runtime: "claude" }),
  "apps.rename": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId, name: "Renamed by the enumeration" }),
  "apps.delete": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId }),
  "apps.files": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId }),
  "apps.addCollaborator": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId, userId: world.userId("owner") }),
  "apps.removeCollaborator": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId, userId: world.userId("owner") }),

  // App data follows the app's visibility: each case makes its app (and document) as the caller.
  "appData.collections": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId }),
  "appData.list": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId, collection: "todos" }),
  "appData.get": appDocument,
  "appData.insert": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId, collection: "todos", data: { title: "Eggs" } }),
  "appData.update": async (world, caller) => ({ ...(await appDocument(world, caller)), data: { done: true } }),
  "appData.remove": appDocument,

  // A member's approval is mock-only, so the appTool answers its mock data without reaching the network.
  "appTools.execute": async (world, caller) => ({
    appId: (await appWithApprovedAgents(world, caller)).appId,
    toolName: "create_note",
    input: { title: "Called by the enumeration", tag: "work" },
  }),

  "runs.list": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId }),
  "runs.send": async (world, caller) => ({ appId: (await makeApp(world, caller)).appId, prompt: "Make the text bigger" }),
  // Stopping a run that has already ended answers with the run as it is.
  "runs.stop": async (world, caller) => ({ runId: (await makeApp(world, caller)).runId }),
  "runs.retry": async (world, caller) => ({ runId: (await makeApp(world, caller)).runId }),
  "runs.approve": async (world, caller) => ({ runId: (await makeAppWithPlan(world, caller)).planRunId }),

  // The caller is the app's creator (a member): their approval is mock-only, and theirs to revoke.
  "agents.overview": async (world, caller) => ({ appId: (await makeAppWithAgents(world, caller)).appId }),
  "agents.approve": async (world, caller) => {
    const { appId, agentsHash } = await makeAppWithAgents(world, caller)
    return { appId, expectedHash: agentsHash }
  },
  "agents.revoke": async (world, caller) => {
    const { appId, agentsHash } = await makeAppWithAgents(world, caller)
    await caller.must("mutation", "agents.approve", { workspaceId: world.workspaceId, appId, expectedHash: agentsHash })
    return { appId }
  },

  // Agent runs follow the app's visibility: each case makes (and approves) its app as the caller.
  "agentRuns.trigger": async (world, caller) => ({ ...(await appWithApprovedAgents(world, caller)), prompt: "Triage ticket 42" }),
  "agentRuns.get": async (world, caller) => ({ runId: (await agentRun(world, caller)).runId }),
  "agentRuns.list": async (world, caller) => ({ appId: (await agentRun(world, caller)).appId }),
  "agentRuns.cancel": async (world, caller) => ({ runId: (await agentRun(world, caller)).runId }),

  // Admins' page: the caller (an admin) makes the app and its key.
  "integrationKeys.list": empty,
  "integrationKeys.setSecret": async (world, caller) => ({ ...(await appKeySecret(world, caller)), value: "set-by-the-enumeration" }),
  "integrationKeys.clearSecret": appKeySecret,

  // Settings → Integrations (admins) and Connected apps (everyone): each case saves its own
  // provider key, so deleting one never takes another case's.
  "oauthProviders.list": empty,
  "oauthProviders.save": async (world) => oauthClientInput(world),
  "oauthProviders.delete": async (world, caller) => {
    const input = oauthClientInput(world)
    await caller.must("mutation", "oauthProviders.save", { ...input, workspaceId: world.workspaceId })
    return { providerKey: input.providerKey }
  },
  "connections.list": empty,
  "connections.start": async (world) => {
    const input = oauthClientInput(world)
    await world.as("admin").must("mutation", "oauthProviders.save", { ...input, workspaceId: world.workspaceId })
    return { providerKey: input.providerKey }
  },
  // Nothing connected: answers { disconnected: false }.
  "connections.disconnect": async (world) => ({ providerKey: oauthClientInput(world).providerKey }),

  "versions.list": async (world, caller) => ({ appId: (await makeAppWithVersions(world, caller)).appId }),
  "versions.preview": async (world, caller) => {
    const { appId, versionIds } = await makeAppWithVersions(world, caller)
    return { appId, versionId: versionIds[0] }
  },
  "versions.restore": async (world, caller) => {
    const { appId, versionIds } = await makeAppWithVersions(world, caller)
    return { appId, versionId: versionIds[0] }
  },

  // Publishing: apps:build cases run as a member (publish asks for a review), apps:publish ones as an admin.
  "publishing.state": async (world, caller) => ({ appId: (await makeAppWithVersions(world, caller)).appId }),
  "publishing.publish": async (world, caller) => ({ appId: (await makeAppWithVersions(world, caller)).appId, visibility: "workspace", teamIds: [] }),
  "publishing.unpublish": async (world, caller) => ({ appId: (await publishedOrAsked(world, caller)).appId }),
  "publishing.releases": async (world, caller) => ({ appId: (await makeAppWithVersions(world, caller)).appId }),
  "publishing.rollback": async (world, caller) => {
    const { appId, releaseId } = await publishedOrAsked(world, caller)
    return { appId, releaseId }
  },
  "publishing.withdrawReview": async (world, caller) => ({ appId: (await publishedOrAsked(world, caller, true)).appId }),
  "reviews.list": empty,
  "reviews.get": async (world, caller) => ({ reviewId: (await publishedOrAsked(world, caller, true)).reviewId }),
  "reviews.approve": async (world, caller) => ({ reviewId: (await publishedOrAsked(world, caller, true)).reviewId }),
  "reviews.requestChanges": async (world, caller) => ({ reviewId: (await publishedOrAsked(world, caller, true)).reviewId, comment: "Add a title" }),

  // Personal API tokens: each case makes its own token as the caller (a member), at their role.
  "apiTokens.list": empty,
  "apiTokens.create": async () => ({ name: "Made by the enumeration", role: "member", expiresInDays: 7 }),
  "apiTokens.revoke": async (world, caller) => {
    const { view } = await caller.must<{ view: { id: string } }>("mutation", "apiTokens.create", { workspaceId: world.workspaceId, name: "To revoke", role: "member", expiresInDays: 7 })
    return { tokenId: view.id }
  },

  // The caller (a member) builds the app and an admin publishes it to the workspace: open needs a release.
  "publishedApps.forYou": empty,
  "publishedApps.open": async (world, caller) => ({ appId: (await publishedByAnAdmin(world, caller)).appId }),
}
