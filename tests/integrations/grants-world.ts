// The world the grants tests share: tool-execute-world's in-process web tier (real SQLite, the fake
// HTTPS provider behind the test egress mapping, the real tool-execute route, tRPC through
// createCaller) with the real local secret store on the same SQLite file under a random key, plus
// the integration setups and agents these tests present, sync and call.

import { randomBytes } from "node:crypto"
import { beforeAll } from "vitest"
import type { AgentsConfig, CustomTool } from "#shared/agents/agents-config.ts"
import type { IntegrationSetup } from "#shared/agents/integration-setup.ts"
import { parseEncryptionKey } from "#shared/secrets/envelope.ts"
import type { SecretStore } from "#shared/secrets/secret-store.ts"
import { integrationGrants } from "#app/integrations/integration-collections.server.ts"
import { createLocalSecretStore, type LocalSecretStore } from "#app/secrets/local-secret-store.server.ts"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import type { AppDocument } from "#app/store/collections.server.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { useToolExecuteWorld } from "#tests/agents/tool-execute-world.ts"

/** A static key for the fake provider: API_KEY (required, sent as a header) and REGION (optional, sent in the query). */
export const staticEntry = (overrides: { keySlug?: string; secrets?: IntegrationSetup["integrations"][number]["secrets"] } = {}): IntegrationSetup["integrations"][number] => ({
  name: "Provider",
  domain: PROVIDER_HOST,
  ...(overrides.keySlug ? { keySlug: overrides.keySlug } : {}),
  keyName: "Provider support key",
  capabilityLabel: "Read tickets",
  why: "The support agent reads tickets.",
  permissionGroups: [{ name: "Tickets", description: "Read tickets.", permissions: ["tickets:read"] }],
  secrets: overrides.secrets ?? [
    { name: "API_KEY", label: "API key", description: "From the provider's admin console.", required: true },
    { name: "REGION", label: "Region", description: "Where the account lives.", required: false },
  ],
  auth: { type: "static" },
  setupInstructions: { overview: "Create a key.", steps: [{ title: "Open the console", description: "Go to **Keys**.", url: "https://provider.test/console" }], links: [] },
})

export const oauthEntry = (): IntegrationSetup["integrations"][number] => ({
  name: "Calendar",
  domain: "calendar.provider.test",
  keyName: "Calendar",
  capabilityLabel: "Read each person's calendar",
  why: "The agent finds free slots.",
  permissionGroups: [],
  secrets: [],
  auth: {
    type: "oauth2",
    providerKey: "calendar",
    identity: "triggering_user",
    authorizationUrl: "https://provider.test/authorize",
    tokenUrl: "https://provider.test/token",
    scopes: ["calendar.read"],
    tokenAuthMethod: "client_secret_post",
  },
  setupInstructions: { overview: "Register an OAuth client.", steps: [], links: [{ label: "Docs", url: "https://provider.test/docs" }] },
})

/** A GET of /tickets on the fake provider with the static key: API_KEY in a header, REGION in the query. */
export const ticketTool = (overrides: Partial<Pick<CustomTool, "name" | "integration">> = {}): CustomTool => ({
  type: "custom",
  name: overrides.name ?? "list_tickets",
  description: "Lists a customer's tickets.",
  integration: overrides.integration ?? { name: "Provider", domain: PROVIDER_HOST, keySlug: "default", auth: { type: "static" } },
  endpoint: {
    method: "GET",
    url: `https://${PROVIDER_HOST}/tickets`,
    headers: { "X-Api-Key": "{{secrets.API_KEY}}" },
    queryParams: { email: "{{input.email}}", region: "{{secrets.REGION}}" },
  },
  input: { email: { type: "string", required: true } },
  mockData: [{ tickets: ["mock"] }],
})

export const agentsWith = (...tools: CustomTool[]): AgentsConfig => ({
  agents: [{ id: "support", name: "Support", description: "Answers support questions.", systemPrompt: "Help.", dataCollections: ["tickets"], tools }],
})

export function useGrantsWorld() {
  const the = useToolExecuteWorld()
  let secrets: LocalSecretStore
  beforeAll(() => {
    secrets = createLocalSecretStore({ store: the.world.services.store, current: parseEncryptionKey(randomBytes(32).toString("base64")) })
    ;(the.world.services as { secrets: SecretStore }).secrets = secrets
    // The provider's ticket API: answers whether the key it got is the one it expects, never echoing it.
    the.provider.route("/tickets", (request, response) => {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ tickets: [{ id: "T-1", subject: "Cannot log in" }], keyHeaderPresent: typeof request.headers["x-api-key"] === "string" }))
    })
  })

  /** A builder call's claims: the app's turn in progress (appInTurn's run). */
  const builderClaims = (app: AppDocument) => ({ workspaceId: app.workspaceId, appId: app.id, runId: app.activeRunId!, runtime: "claude" as const })
  const sync = (app: AppDocument, setup: unknown) => the.post({ claims: builderClaims(app), toolSet: "second", tool: "sync_integration_setup", input: { setup } })
  const listKeys = (app: AppDocument, input: Record<string, unknown> = {}) => the.post({ claims: builderClaims(app), toolSet: "second", tool: "list_app_integration_keys", input })
  const grantsOf = (app: AppDocument) => the.store().collection(integrationGrants).findMany({ workspaceId: app.workspaceId, appId: app.id }, { sort: [["domain", 1], ["keySlug", 1]] })
  const storedSecretCount = async () => (await the.store().collection(storedSecrets).findMany({})).length
  const admin = () => the.world.caller(the.world.people.admin)
  const setSecret = (app: AppDocument, name: string, value: string, keySlug = "default", domain = PROVIDER_HOST) =>
    admin().integrationKeys.setSecret({ workspaceId: app.workspaceId, appId: app.id, domain, keySlug, name, value })

  return {
    /** tool-execute-world's helpers (read `the.world` and `the.provider` inside tests). */
    the,
    get secrets(): LocalSecretStore {
      return secrets
    },
    builderClaims,
    sync,
    listKeys,
    grantsOf,
    storedSecretCount,
    admin,
    setSecret,
  }
}
