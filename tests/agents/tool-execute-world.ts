// The world the tool-execute integration tests share, and what it owns: the fake HTTPS provider
// reached only through the test egress mapping (testEgressPolicy: provider.test → 127.0.0.1, its CA
// trusted), one in-process web tier (real SQLite file, in-process live port, tRPC through
// createCaller with its real authorization) started before a file's tests and closed after them,
// an agents.json kept in an app's source and approved through tRPC, agent runs stored as the web
// stores a running one, and calls through the real POST /api/internal/tool-execute route.

import { afterAll, beforeAll } from "vitest"
import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import { newId } from "#shared/ids.ts"
import { agentRuns, type AgentRunDocument } from "#app/agents/agent-run-collections.server.ts"
import type { EgressPolicy } from "#app/integrations/egress-policy.server.ts"
import { action as toolExecuteAction } from "#app/routes/api.internal.tool-execute.ts"
import { apps, auditEvents, snapshots, type AppDocument, type SnapshotDocument } from "#app/store/collections.server.ts"
import { PROVIDER_HOST, startFakeHttpsProvider, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"
import { createVersionWorld, INTERNAL_TOKEN, type VersionWorld } from "#tests/fixtures/version-world.ts"

const MANIFEST = JSON.stringify({ dataCollections: ["tickets", "payroll"] })

/** A GET custom tool on the fake provider that echoes the request (or `path` on it). */
const lookupTool = (path = "/echo") => ({
  type: "custom" as const,
  name: "lookup_customer",
  description: "Finds a customer by email.",
  integration: { name: "Provider", domain: PROVIDER_HOST },
  endpoint: { method: "GET" as const, url: `https://${PROVIDER_HOST}${path}`, queryParams: { email: "{{input.email}}" } },
  input: { email: { type: "string" as const, required: true } },
  mockData: [{ name: "Mock Ada" }],
})

/** Support (lookup_customer, tickets), Billing (send_invoice, no collections) and the find_customer appTool. */
const config = (overrides: { path?: string; description?: string } = {}): AgentsConfig => ({
  agents: [
    {
      id: "support",
      name: "Support",
      description: overrides.description ?? "Answers support questions.",
      systemPrompt: "Help the customer.",
      dataCollections: ["tickets"],
      tools: [lookupTool(overrides.path)],
    },
    {
      id: "billing",
      name: "Billing",
      description: "Sends invoices.",
      systemPrompt: "Send invoices.",
      tools: [{ ...lookupTool(), name: "send_invoice", description: "Sends an invoice.", endpoint: { method: "POST", url: `https://${PROVIDER_HOST}/echo`, queryParams: { email: "{{input.email}}" } } }],
    },
  ],
  appTools: [{ ...lookupTool(), name: "find_customer" }],
})

/** What the worker signs into a tool call of `run`, as the route receives them. */
const claimsOf = (run: AgentRunDocument) => ({ workspaceId: run.workspaceId, appId: run.appId, runId: run.id, runtime: run.runtime, agentId: run.agentId })

/**
 * Registers the world's beforeAll/afterAll in the calling test file and returns what its tests use.
 * `provider` and `world` exist only once beforeAll ran: read them through the returned object, in tests.
 */
export function useToolExecuteWorld() {
  let provider: FakeHttpsProvider
  let world: VersionWorld
  beforeAll(async () => {
    provider = await startFakeHttpsProvider()
    world = await createVersionWorld()
    ;(world.services as { egress: EgressPolicy }).egress = provider.policy()
  })
  afterAll(async () => {
    await world?.close()
    await provider?.close()
  })

  const store = () => world.services.store

  /** Makes `config` the app's kept draft source, as a settled builder turn does; returns its hash. */
  async function keepSource(app: AppDocument, agents: AgentsConfig): Promise<string> {
    const checked = validateAgentsConfig(JSON.stringify(agents), { declaredCollections: ["tickets", "payroll"] })
    if (!checked.ok) throw new Error(`the test's agents.json is invalid: ${JSON.stringify(checked.problems)}`)
    const files = { "second.json": MANIFEST, "agents.json": JSON.stringify(agents) }
    const snapshot: SnapshotDocument = {
      id: newId(),
      workspaceId: app.workspaceId,
      appId: app.id,
      runId: newId(),
      files,
      binaryFiles: {},
      fileCount: 2,
      sizeBytes: files["agents.json"].length + MANIFEST.length,
      hash: `agents-${newId()}`,
      createdAt: new Date().toISOString(),
    }
    await store().collection(snapshots).insert(snapshot)
    await store().collection(apps).updateOne({ id: app.id }, { snapshotId: snapshot.id })
    return agentsConfigHash(checked.config)
  }

  /** An app of the creator's (a member) with `agents` kept and approved: by an admin (live) or by the creator (mock-only). */
  async function approvedApp(approver: "admin" | "creator", agents = config()) {
    const { app } = await world.appInTurn()
    const hash = await keepSource(app, agents)
    await world.caller(world.people[approver]).agents.approve({ workspaceId: app.workspaceId, appId: app.id, expectedHash: hash })
    return { app: await world.appNow(app.id), hash }
  }

  /** A run of `agentId` as the web stores one while a worker drives it, triggered by the app's creator. */
  async function runningAgent(app: AppDocument, hash: string, agentId = "support", status: AgentRunDocument["status"] = "running"): Promise<AgentRunDocument> {
    const at = new Date().toISOString()
    const run: AgentRunDocument = {
      id: newId(),
      workspaceId: app.workspaceId,
      appId: app.id,
      agentId,
      agentName: agentId,
      scope: "draft",
      configHash: hash,
      mode: "live",
      triggeredByUserId: app.createdByUserId,
      prompt: "Help",
      runtime: "claude",
      model: null,
      status,
      error: null,
      transcript: [],
      usage: null,
      attempts: 1,
      repair: null,
      createdAt: at,
      startedAt: at,
      endedAt: status === "running" ? null : at,
    }
    await store().collection(agentRuns).insert(run)
    return run
  }

  /** POSTs `body` to the real tool-execute route with the internal token; its status and JSON. */
  const post = async (body: unknown) => {
    const request = new Request("http://second.test/api/internal/tool-execute", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${INTERNAL_TOKEN}` },
      body: JSON.stringify(body),
    })
    const response = (await toolExecuteAction({ request, params: {}, context: { services: world.services, cspNonce: "" } })) as Response
    return { status: response.status, body: (await response.json()) as { result?: unknown; error?: { code: string; message: string } } }
  }

  /** An agent's call of one of its tools (app_tools), and of app_data's list_documents. */
  const callTool = (run: AgentRunDocument, tool: string, input: Record<string, unknown>) => post({ claims: claimsOf(run), toolSet: "app_tools", tool, input })
  const listDocuments = (run: AgentRunDocument, collection: string) =>
    post({ claims: claimsOf(run), toolSet: "app_data", tool: "list_documents", declaredCollections: ["tickets", "payroll"], input: { collection } })

  /** The app's tool.* audit events (executed, denied, failed). */
  const toolAudit = async (app: AppDocument) =>
    (await store().collection(auditEvents).findMany({ workspaceId: app.workspaceId, targetId: app.id })).filter((event) => event.action.startsWith("tool."))

  return {
    get provider(): FakeHttpsProvider {
      return provider
    },
    get world(): VersionWorld {
      return world
    },
    store,
    config,
    keepSource,
    approvedApp,
    runningAgent,
    claimsOf,
    post,
    callTool,
    listDocuments,
    toolAudit,
  }
}
