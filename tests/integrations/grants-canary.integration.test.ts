// Integration secrets and OAuth tokens never reach a runtime. A real embedded Second (from the
// build) with Claude Code behind a scripted model: the builder writes an app whose agent has a
// static tool and an OAuth tool, presents its integration setup (the real worker → web sync); an
// admin stores the static secret through integrationKeys.setSecret; the OAuth client secret and
// the person's refresh and access tokens are stored through the same secret store, under the
// server's key, as Settings → Integrations and the connect callback store them. The agent calls
// both tools live (the fake HTTPS provider sees each value where its template puts it), then a
// builder turn lists the app's keys (list_app_integration_keys through the real broker) and its
// shell searches its environment, every process it can see and the filesystem.
// No canary value may appear in what the shell found, in any file under the data directory (app
// directories, runtime homes, the SQLite file: ciphertext only), or in the server's output.

import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, expect, it } from "vitest"
import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import type { IntegrationSetup } from "#shared/agents/integration-setup.ts"
import { newId } from "#shared/ids.ts"
import { parseEncryptionKey } from "#shared/secrets/envelope.ts"
import { oauthConnections, oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { createLocalSecretStore } from "#app/secrets/local-secret-store.server.ts"
import { canary, CANARY_SEARCH, filesUnder, readIfStillThere } from "#tests/fixtures/canary-search.ts"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"
import { PROVIDER_HOST, startFakeHttpsProvider, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { doneBuilding, writeFiles } from "#tests/fixtures/notes-app.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { followRun } from "#tests/fixtures/sse-client.ts"

const canaries = {
  staticSecret: canary("static"),
  clientSecret: canary("client"),
  refreshToken: canary("refresh"),
  accessToken: canary("access"),
}
const ENCRYPTION_KEY = randomBytes(32).toString("base64")

const oauthAuth = {
  type: "oauth2" as const,
  providerKey: "people",
  identity: "triggering_user" as const,
  authorizationUrl: `https://${PROVIDER_HOST}/authorize`,
  tokenUrl: `https://${PROVIDER_HOST}/token`,
  scopes: ["profile.read"],
  tokenAuthMethod: "client_secret_post" as const,
}

const AGENTS: AgentsConfig = {
  agents: [
    {
      id: "support",
      name: "Support",
      description: "Looks up the person's tickets and profile.",
      systemPrompt: "Call list_tickets, then my_profile, and answer in one sentence.",
      tools: [
        {
          type: "custom",
          name: "list_tickets",
          description: "Lists the company's open tickets.",
          integration: { name: "Helpdesk", domain: PROVIDER_HOST, keySlug: "default", auth: { type: "static" } },
          endpoint: { method: "GET", url: `https://${PROVIDER_HOST}/tickets`, headers: { "X-Api-Key": "{{secrets.API_KEY}}" } },
          mockData: [{ tickets: ["mock"] }],
        },
        {
          type: "custom",
          name: "my_profile",
          description: "The person's profile.",
          integration: { name: "People", domain: PROVIDER_HOST, keySlug: "people", auth: oauthAuth },
          endpoint: { method: "GET", url: `https://${PROVIDER_HOST}/me` },
          mockData: [{ name: "Mock" }],
        },
      ],
    },
  ],
}

const SETUP: IntegrationSetup = {
  integrations: [
    {
      name: "Helpdesk",
      domain: PROVIDER_HOST,
      keyName: "Helpdesk key",
      capabilityLabel: "Read tickets",
      why: "The support agent lists tickets.",
      permissionGroups: [],
      secrets: [{ name: "API_KEY", label: "API key", description: "From the admin console.", required: true }],
      auth: { type: "static" },
      setupInstructions: { overview: "Create a key.", steps: [], links: [] },
    },
    {
      name: "People",
      domain: PROVIDER_HOST,
      keySlug: "people",
      keyName: "People",
      capabilityLabel: "Read the person's profile",
      why: "The support agent greets the person.",
      permissionGroups: [],
      secrets: [],
      auth: oauthAuth,
      setupInstructions: { overview: "Register an OAuth client.", steps: [], links: [] },
    },
  ],
}

let provider: FakeHttpsProvider
let fake: FakeModel
let server: SecondServer
let owner: HttpPerson
let workspaceId: string

beforeAll(async () => {
  provider = await startFakeHttpsProvider()
  // The provider's answers never echo what it was sent.
  for (const path of ["/tickets", "/me"]) {
    provider.route(path, (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ ok: true, path }))
    })
  }
  fake = await startFakeModel()
  server = await startSecond({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY, SECOND_TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY, ...provider.env() })
  owner = await new HttpPerson(server.url).signIn("owner@example.com", "Olive Owner")
  workspaceId = (await owner.must<{ id: string }>("mutation", "workspaces.create", { name: "Canary Co" })).id
}, 120_000)

afterAll(async () => {
  await server?.stop()
  await fake?.stop()
  await provider?.close()
})

type Run = { id: string; status: string; transcript?: unknown }

/** Sends one builder message (or creates the app) and reads the run's events to the end. */
async function builderTurn(appId: string | null, prompt: string): Promise<{ appId: string; runId: string }> {
  const started = appId
    ? { app: { id: appId }, run: await owner.must<Run>("mutation", "runs.send", { workspaceId, appId, prompt }) }
    : await owner.must<{ app: { id: string }; run: Run }>("mutation", "apps.create", { workspaceId, prompt, runtime: "claude" })
  await followRun(owner, started.run.id)
  await eventuallyValue(async () => {
    const runs = (await owner.must<{ runs: Run[] }>("query", "runs.list", { workspaceId, appId: started.app.id })).runs
    const run = runs.find((candidate) => candidate.id === started.run.id)
    return run && run.status !== "running" ? run : undefined
  }, 60_000)
  return { appId: started.app.id, runId: started.run.id }
}

/** The OAuth client and the person's connection, stored as Settings → Integrations and the connect callback store them. */
async function storeOAuthConnection(userId: string) {
  const store = await server.openStore()
  try {
    const secrets = createLocalSecretStore({ store, current: parseEncryptionKey(ENCRYPTION_KEY) })
    const at = new Date()
    const providerId = newId()
    await store.collection(oauthProviders).insert({
      id: providerId,
      workspaceId,
      providerKey: "people",
      displayName: "People",
      clientId: "canary-client",
      clientSecretRef: await secrets.put({ workspaceId, purpose: "oauth_client_secret" }, canaries.clientSecret),
      authorizationUrl: oauthAuth.authorizationUrl,
      tokenUrl: oauthAuth.tokenUrl,
      revocationUrl: null,
      tokenAuthMethod: "client_secret_post",
      authorizationParams: {},
      createdByUserId: userId,
      createdAt: at.toISOString(),
      updatedByUserId: userId,
      updatedAt: at.toISOString(),
    })
    await store.collection(oauthConnections).insert({
      id: newId(),
      workspaceId,
      userId,
      providerKey: "people",
      providerId,
      status: "connected",
      grantedScopes: ["profile.read"],
      refreshTokenRef: await secrets.put({ workspaceId, purpose: "oauth_refresh_token" }, canaries.refreshToken),
      accessTokenRef: await secrets.put({ workspaceId, purpose: "oauth_access_token" }, canaries.accessToken),
      accessTokenExpiresAt: new Date(at.getTime() + 3_600_000).toISOString(),
      connectedAt: at.toISOString(),
      lastRefreshAt: null,
      lastErrorCode: null,
      updatedAt: at.toISOString(),
    })
  } finally {
    await store.close()
  }
}

it("keeps integration secrets and OAuth tokens out of every runtime, file and log while its agent uses them", { timeout: 300_000 }, async () => {
  const me = await owner.must<{ user: { id: string } }>("query", "auth.me")

  // Turn 1: the app, its agents and its integration setup; the agents are presented.
  fake.clearScript()
  fake.script([
    { kind: "shell", command: writeFiles({ "second.json": JSON.stringify({ dataCollections: [] }), "agents.json": JSON.stringify(AGENTS), "integration-setup.json": JSON.stringify(SETUP) }) },
    doneBuilding("A support desk with an agent."),
    { kind: "toolCalls", calls: [{ kind: "named", name: /present_agents/, input: {} }] },
  ])
  const { appId } = await builderTurn(null, "A support desk whose agent looks up tickets")

  // Turn 2: the setup is presented, which records it as the app's keys through the worker.
  fake.script([{ kind: "toolCalls", calls: [{ kind: "named", name: /present_integration_setup/, input: {} }] }])
  await builderTurn(appId, "Present the integration setup")
  const keys = await owner.must<{ apps: { appId: string; keys: { keySlug: string }[] }[] }>("query", "integrationKeys.list", { workspaceId })
  expect(keys.apps.find((app) => app.appId === appId)?.keys.map((key) => key.keySlug)).toEqual(["default", "people"])

  await owner.must("mutation", "agents.approve", { workspaceId, appId, expectedHash: agentsConfigHash(AGENTS) })
  await owner.must("mutation", "integrationKeys.setSecret", { workspaceId, appId, domain: PROVIDER_HOST, keySlug: "default", name: "API_KEY", value: canaries.staticSecret })
  await storeOAuthConnection(me.user.id)

  // The agent calls both tools live: each value reaches the provider, and only there.
  fake.script([
    { kind: "toolCalls", calls: [{ kind: "named", name: /list_tickets/, input: {} }] },
    { kind: "toolCalls", calls: [{ kind: "named", name: /my_profile/, input: {} }] },
    { kind: "text", text: "You have tickets." },
  ])
  const { runId } = await owner.must<{ runId: string }>("mutation", "agentRuns.trigger", { workspaceId, appId, agentId: "support", prompt: "What are my tickets?" })
  const settled = await eventuallyValue(async () => {
    const run = await owner.must<Run>("query", "agentRuns.get", { workspaceId, runId })
    return run.status !== "running" ? run : undefined
  }, 90_000)
  expect(settled.status).toBe("completed")
  const tickets = provider.requests.find((request) => request.path.startsWith("/tickets"))
  const profile = provider.requests.find((request) => request.path.startsWith("/me"))
  expect(tickets?.headers["x-api-key"], "the static secret was used live").toBe(canaries.staticSecret)
  expect(profile?.headers.authorization, "the person's token was used live").toBe(`Bearer ${canaries.accessToken}`)

  // Turn 3: the builder lists the app's keys (through the real MCP broker and the web: both set up
  // now, no value in sight), then a shell in its runtime looks everywhere it can.
  fake.script([
    { kind: "toolCalls", calls: [{ kind: "named", name: /list_app_integration_keys/, input: {} }] },
    { kind: "shell", command: CANARY_SEARCH, then: "Searched." },
  ])
  await builderTurn(appId, "Look around")
  const listed = fake.scriptedRequests().flatMap((request) => request.toolResults).find((result) => result.trim().startsWith('{"keys":'))
  expect(JSON.parse(listed ?? "{}")).toEqual({
    keys: [
      { domain: PROVIDER_HOST, keySlug: "default", auth: "static", providerKey: null, configured: true, secrets: [{ name: "API_KEY", required: true, configured: true }], scopes: [] },
      { domain: PROVIDER_HOST, keySlug: "people", auth: "oauth", providerKey: "people", configured: true, secrets: [], scopes: ["profile.read"] },
    ],
  })
  const toolOutput = (fake.scriptedRequests().at(-1)?.toolResults ?? []).join("\n")
  expect(toolOutput, "the search ran to the end").toContain("SEARCH-DONE")

  const everything = [toolOutput, JSON.stringify(settled), server.process.output(), ...filesUnder(server.dataDir, 50_000_000).flatMap(readIfStillThere)].join("\n")
  for (const [name, value] of Object.entries(canaries)) expect(everything.includes(value), `the ${name} canary leaked`).toBe(false)
})
