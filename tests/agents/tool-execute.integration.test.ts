// An app agent's tool calls through the real POST /api/internal/tool-execute route, in-process (a
// real SQLite file, the in-process live port, tRPC through createCaller with its real
// authorization), with egress that reaches the fake HTTPS provider over real TLS only through the
// test mapping (testEgressPolicy: provider.test → 127.0.0.1, its CA trusted). The agents.json is
// kept in the app's source and approved through tRPC; agent runs are stored as the web stores a
// running one (driving one needs the worker and a model: tests/agents/agent-runs.integration.test.ts
// and the worker's tests). Proven: the approval's mode decides mock or live, a draft edit after
// approval stops calls, a tool or collection the agent was not given is refused, only a running
// agent run's claims are honoured; and the app's appTools go the same way through appTools.execute.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import { newId } from "#shared/ids.ts"
import { agentRuns, type AgentRunDocument } from "#app/agents/agent-run-collections.server.ts"
import type { EgressPolicy } from "#app/integrations/egress-policy.server.ts"
import { action as toolExecuteAction } from "#app/routes/api.internal.tool-execute.ts"
import { apps, auditEvents, snapshots, type AppDocument, type SnapshotDocument, type UserDocument } from "#app/store/collections.server.ts"
import { PROVIDER_HOST, startFakeHttpsProvider, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"
import { createVersionWorld, INTERNAL_TOKEN, type VersionWorld } from "#tests/fixtures/version-world.ts"

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

const lookupTool = (path = "/echo") => ({
  type: "custom" as const,
  name: "lookup_customer",
  description: "Finds a customer by email.",
  integration: { name: "Provider", domain: PROVIDER_HOST },
  endpoint: { method: "GET" as const, url: `https://${PROVIDER_HOST}${path}`, queryParams: { email: "{{input.email}}" } },
  input: { email: { type: "string" as const, required: true } },
  mockData: [{ name: "Mock Ada" }],
})

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

const MANIFEST = JSON.stringify({ dataCollections: ["tickets", "payroll"] })

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

const claimsOf = (run: AgentRunDocument) => ({ workspaceId: run.workspaceId, appId: run.appId, runId: run.id, runtime: run.runtime, agentId: run.agentId })

const post = async (body: unknown) => {
  const request = new Request("http://second.test/api/internal/tool-execute", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${INTERNAL_TOKEN}` },
    body: JSON.stringify(body),
  })
  const response = (await toolExecuteAction({ request, params: {}, context: { services: world.services, cspNonce: "" } })) as Response
  return { status: response.status, body: (await response.json()) as { result?: unknown; error?: { code: string; message: string } } }
}

const callTool = (run: AgentRunDocument, tool: string, input: Record<string, unknown>) => post({ claims: claimsOf(run), toolSet: "app_tools", tool, input })
const listDocuments = (run: AgentRunDocument, collection: string) =>
  post({ claims: claimsOf(run), toolSet: "app_data", tool: "list_documents", declaredCollections: ["tickets", "payroll"], input: { collection } })

const toolAudit = async (app: AppDocument) =>
  (await store().collection(auditEvents).findMany({ workspaceId: app.workspaceId, targetId: app.id })).filter((event) => event.action.startsWith("tool."))

describe("an agent's custom tool", () => {
  it("answers its mock data, labelled, when a non-admin approved the agents, never reaches the provider, and audits nothing", async () => {
    const { app, hash } = await approvedApp("creator")
    const run = await runningAgent(app, hash)
    const before = provider.requests.length
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer).toEqual({
      status: 200,
      body: { result: { mock: true, mockReason: "Approved for mock data only (approved by a non-admin)", status: null, body: { name: "Mock Ada" } } },
    })
    expect(provider.requests.length).toBe(before)
    // A mock answer touches nothing outside: no audit row (a loop of calls must not grow the log).
    expect(await toolAudit(app)).toEqual([])
  })

  it("calls the provider through the egress guard when an admin approved them, and returns its answer", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer.status).toBe(200)
    expect(answer.body.result).toMatchObject({ mock: false, mockReason: null, status: 200, body: { method: "GET", path: "/echo", query: { email: "ada@example.com" } } })
    expect(provider.requests.at(-1)).toMatchObject({ method: "GET", path: "/echo?email=ada%40example.com" })
    // Audited by what was called, never by what was sent or answered.
    const [executed] = await toolAudit(app)
    expect(executed).toMatchObject({ action: "tool.executed", after: { agentId: "support", tool: "lookup_customer", domain: PROVIDER_HOST, status: 200 } })
    expect(JSON.stringify(executed)).not.toContain("ada@example.com")
  })

  it("refuses input that does not fit the declared parameters before any request", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const before = provider.requests.length
    for (const [input, why] of [
      [{}, /needs "email"/],
      [{ email: 5 }, /"email" must be a string/],
      [{ email: "a@b.c", url: "https://10.0.0.1/" }, /no parameter "url"/],
    ] as const) {
      const answer = await callTool(run, "lookup_customer", input)
      expect(answer.status, JSON.stringify(input)).toBe(400)
      expect(answer.body.error?.code).toBe("invalid_input")
      expect(answer.body.error?.message).toMatch(why)
    }
    expect(provider.requests.length).toBe(before)
  })

  it("says what failed, and whether trying again may help, when the provider cannot be used", async () => {
    const { app, hash } = await approvedApp("admin", config({ path: "/redirect" }))
    const run = await runningAgent(app, hash)
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer.status).toBe(502)
    expect(answer.body.error?.message).toMatch(/redirect/i)
    expect(answer.body.error?.message).toMatch(/report it with report_tool_call_failed|try again/)
    // The provider's failure and the advice are two sentences, not one glued together.
    expect(answer.body.error?.message).toMatch(/point the tool at the final URL\. Trying again will not help;/)
    expect((await toolAudit(app)).map((event) => event.action)).toEqual(["tool.failed"])
  })

  it("is refused once the draft's agents.json changed after approval, until it is approved again", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const edited = config({ description: "Answers support questions, politely." })
    const newHash = await keepSource(app, edited)
    expect(newHash).not.toBe(hash)
    const before = provider.requests.length
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer.status).toBe(403)
    expect(answer.body.error?.code).toBe("agents_not_approved")
    expect(provider.requests.length).toBe(before)
    expect((await toolAudit(app)).map((event) => [event.action, event.after?.["status"]])).toEqual([["tool.denied", 403]])

    // Approved again, the new configuration counts for runs started under it, not for the old run.
    await world.caller(world.people.admin).agents.approve({ workspaceId: app.workspaceId, appId: app.id, expectedHash: newHash })
    expect((await callTool(run, "lookup_customer", { email: "ada@example.com" })).body.error?.code).toBe("agents_not_approved")
    const fresh = await runningAgent(app, newHash)
    expect((await callTool(fresh, "lookup_customer", { email: "ada@example.com" })).body.result).toMatchObject({ mock: false, status: 200 })
  })

  it("is refused when the tool is another agent's, or an appTool, or not declared at all", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const before = provider.requests.length
    for (const tool of ["send_invoice", "find_customer", "delete_everything"]) {
      const answer = await callTool(run, tool, { email: "ada@example.com" })
      expect(answer.status, tool).toBe(403)
      expect(answer.body.error, tool).toEqual({ code: "tool_not_allowed", message: `"${tool}" is not one of the approved tools of agent "support". Allowed: lookup_customer.` })
    }
    expect(provider.requests.length).toBe(before)
  })
})

describe("an agent's app_data calls", () => {
  it("reach the collections its approved definition declares, and no other the app has", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    expect(await listDocuments(run, "tickets")).toEqual({ status: 200, body: { result: { documents: [], nextCursor: null } } })
    const refused = await listDocuments(run, "payroll")
    expect(refused.status).toBe(403)
    expect(refused.body.error?.code).toBe("collection_not_allowed")
    expect(refused.body.error?.message).toMatch(/may not use the collection "payroll"[\s\S]*It may use "tickets"/)
    // An agent with no dataCollections may use none, whatever the worker says the app declares.
    const billing = await runningAgent(app, hash, "billing")
    expect((await listDocuments(billing, "tickets")).body.error?.code).toBe("collection_not_allowed")
  })
})

describe("the claims of an agent's call", () => {
  const rejected = { status: 403, body: { error: { code: "claims_rejected", message: "This run cannot call tools now." } } }

  it("are refused for a run that ended, another agent's name, a builder run's tools, or no agent at all", async () => {
    const { app, hash } = await approvedApp("admin")
    const finished = await runningAgent(app, hash, "support", "completed")
    const running = await runningAgent(app, hash)
    const before = provider.requests.length
    expect(await callTool(finished, "lookup_customer", { email: "ada@example.com" })).toEqual(rejected)
    expect(await listDocuments(finished, "tickets")).toEqual(rejected)
    expect(await post({ claims: { ...claimsOf(running), agentId: "billing" }, toolSet: "app_tools", tool: "send_invoice", input: { email: "a@b.c" } })).toEqual(rejected)
    expect(await post({ claims: { ...claimsOf(running), runtime: "codex" }, toolSet: "app_tools", tool: "lookup_customer", input: { email: "a@b.c" } })).toEqual(rejected)
    const { agentId: _agentId, ...builderClaims } = claimsOf(running)
    expect(await post({ claims: builderClaims, toolSet: "app_tools", tool: "lookup_customer", input: { email: "a@b.c" } })).toEqual(rejected)
    expect(await post({ claims: claimsOf(running), toolSet: "second", tool: "set_app_metadata", input: { name: "Stolen", description: "Not yours." } })).toEqual(rejected)
    expect(provider.requests.length).toBe(before)
  })
})

describe("report_tool_call_failed", () => {
  it("records a report that does not block, and tells the agent to carry on", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const answer = await callTool(run, "report_tool_call_failed", { description: "lookup_customer answers 500 for every email.", toolName: "lookup_customer" })
    expect(answer).toEqual({ status: 200, body: { result: { ok: true, repairRunId: null, message: expect.stringMatching(/Recorded/) } } })
    const reported = (await store().collection(auditEvents).findMany({ workspaceId: app.workspaceId, targetId: app.id, action: "agent.tool_failure_reported" }))[0]
    expect(reported?.after).toEqual({ agentRunId: run.id, agentId: "support", tool: "lookup_customer", blocking: false })
    expect((await callTool(run, "report_tool_call_failed", { toolName: "x" })).status).toBe(400)
  })
  it("asks the app's builder for a repair when the failure blocks the agent, once, and says when the builder is busy", async () => {
    const { app, hash } = await approvedApp("admin")
    // The app's builder turn (appInTurn's) is in progress: the repair cannot start, and the agent is told.
    const busy = await runningAgent(app, hash)
    const report = { description: "lookup_customer answers 404 for every email: the URL looks wrong.", toolName: "lookup_customer", blocking: true }
    expect(await callTool(busy, "report_tool_call_failed", report)).toEqual({
      status: 200,
      body: { result: { ok: true, repairRunId: null, message: expect.stringMatching(/builder is busy/) } },
    })
    await store().collection(apps).updateOne({ id: app.id }, { activeRunId: null })
    const run = await runningAgent(app, hash)
    const turnsBefore = world.turns.length
    const answer = await callTool(run, "report_tool_call_failed", report)
    const result = answer.body.result as { repairRunId: string | null; message: string }
    expect(answer.status).toBe(200)
    expect(result.repairRunId).toEqual(expect.any(String))
    expect(world.turns.length).toBe(turnsBefore + 1)
    expect(JSON.stringify(world.turns.at(-1))).toContain("answers 404 for every email")
    // A second report of the same run starts nothing more: it is pointed at the repair already asked for.
    expect((await callTool(run, "report_tool_call_failed", report)).body.result).toMatchObject({ repairRunId: result.repairRunId, message: expect.stringMatching(/already asked/) })
    expect(world.turns.length).toBe(turnsBefore + 1)
  })
})

describe("appTools.execute (the SDK's callAppTool)", () => {
  const execute = (user: UserDocument, app: AppDocument, toolName: string, input: Record<string, unknown>) =>
    world.caller(user).appTools.execute({ workspaceId: app.workspaceId, appId: app.id, toolName, input })

  it("runs the app's approved appTool as the viewer, by name only", async () => {
    const { app } = await approvedApp("admin")
    const answer = await execute(world.people.creator, app, "find_customer", { email: "bea@example.com" })
    expect(answer).toMatchObject({ mock: false, status: 200, body: { query: { email: "bea@example.com" } } })
    const executed = (await toolAudit(app)).at(-1)
    expect(executed).toMatchObject({ action: "tool.executed", actorUserId: world.people.creator.id, after: { agentId: null, tool: "find_customer" } })
  })

  it("refuses an agent's tool, input that does not fit, a changed draft and a viewer who cannot see the app, in words", async () => {
    const { app } = await approvedApp("creator")
    const { creator, otherMember } = world.people
    expect(await execute(creator, app, "find_customer", { email: "a@b.c" })).toMatchObject({ mock: true, body: { name: "Mock Ada" } })
    await expect(execute(creator, app, "lookup_customer", { email: "a@b.c" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: '"lookup_customer" is not one of the app\'s approved appTools. Allowed: find_customer.',
    })
    await expect(execute(creator, app, "find_customer", {})).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/needs "email"/) })
    await expect(execute(otherMember, app, "find_customer", { email: "a@b.c" })).rejects.toMatchObject({ code: "NOT_FOUND" })
    await keepSource(app, config({ description: "Edited after approval." }))
    await expect(execute(creator, app, "find_customer", { email: "a@b.c" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/must approve it on the app's Agents page/),
    })
  })
})

describe("input the provider could never be sent", () => {
  /** A tool whose input reaches the path, a header and the query, with an integer among it. */
  const widgetTool = {
    type: "custom" as const,
    name: "find_widget",
    description: "Finds a widget.",
    integration: { name: "Provider", domain: PROVIDER_HOST },
    endpoint: {
      method: "GET" as const,
      url: `https://${PROVIDER_HOST}/echo/{{input.segment}}`,
      headers: { "X-Label": "{{input.label}}" },
      queryParams: { q: "{{input.q}}", n: "{{input.n}}" },
    },
    input: { segment: { type: "string" as const }, label: { type: "string" as const }, q: { type: "string" as const }, n: { type: "integer" as const } },
    mockData: [{ widget: "mock" }],
  }
  const widgets = (): AgentsConfig => ({
    agents: [{ id: "support", name: "Support", description: "Finds widgets.", systemPrompt: "Help.", tools: [widgetTool] }],
    appTools: [{ ...widgetTool, name: "echo_query" }],
  })

  it.each([
    ["a lone surrogate in a query value", { q: "\udfff" }, /"q" is not valid Unicode text/],
    ["a lone surrogate in a path placeholder", { segment: "a\ud800" }, /"segment" is not valid Unicode text/],
    ["a line break in a header value", { label: "x\r\nX-Admin: yes" }, /"label" goes in the X-Label header, which cannot carry line breaks/],
    ["a non-Latin-1 header value", { label: "☕" }, /"label" goes in the X-Label header/],
    ['".." as a path segment', { segment: ".." }, /"segment" goes in the URL's path and cannot be "\." or "\.\."/],
    ["a URL over 8 KB", { q: "x".repeat(9_000) }, /the URL is longer than 8192 characters; send shorter values\.$/],
    ["an integer too large to be exact", { n: 1e300 }, /"n" must be an integer from -9007199254740991 to 9007199254740991\.$/],
  ])("answers %s with 400 invalid_input, worded for the caller, before any request", async (_case, input, message) => {
    const { app, hash } = await approvedApp("admin", widgets())
    const run = await runningAgent(app, hash)
    const before = provider.requests.length
    const answer = await callTool(run, "find_widget", input)
    expect(answer.status).toBe(400)
    expect(answer.body.error?.code).toBe("invalid_input")
    expect(answer.body.error?.message).toMatch(message)
    expect(answer.body.error?.message).not.toMatch(/report_tool_call_failed|Trying again/)
    await expect(world.caller(world.people.creator).appTools.execute({ workspaceId: app.workspaceId, appId: app.id, toolName: "echo_query", input })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(message),
    })
    expect(provider.requests.length).toBe(before)
    // An agent's bad input is a denial on record; a failed call is not what happened.
    expect((await toolAudit(app)).map((event) => [event.action, event.after?.["code"]])).toEqual([["tool.denied", "invalid_input"]])
  })

  it("refuses a mock-approved tool the same input a live one refuses (one check for both)", async () => {
    const { app, hash } = await approvedApp("creator", widgets())
    const run = await runningAgent(app, hash)
    expect((await callTool(run, "find_widget", { n: 1e300 })).body.error).toEqual({ code: "invalid_input", message: 'find_widget: "n" must be an integer from -9007199254740991 to 9007199254740991.' })
    expect((await callTool(run, "find_widget", { q: "\udfff" })).body.error?.code).toBe("invalid_input")
    expect((await callTool(run, "find_widget", { n: 3 })).body.result).toMatchObject({ mock: true })
  })
})

describe("the mode an agent's calls run in", () => {
  it("stays mock for a run recorded as mock, even when the same payload is approved for live data since", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    await store().collection(agentRuns).updateOne({ id: run.id }, { mode: "mock" })
    const before = provider.requests.length
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer).toEqual({
      status: 200,
      body: { result: { mock: true, mockReason: "This run started while the agents were approved for mock data only, so it keeps using mock data", status: null, body: { name: "Mock Ada" } } },
    })
    expect(provider.requests.length).toBe(before)
    // A run recorded as live still follows the approval as it is now.
    expect((await callTool(await runningAgent(app, hash), "lookup_customer", { email: "ada@example.com" })).body.result).toMatchObject({ mock: false, status: 200 })
  })
})

describe("appTools.execute under load", () => {
  const execute = (user: UserDocument, app: AppDocument, input: Record<string, unknown> = { email: "ada@example.com" }) =>
    world.caller(user).appTools.execute({ workspaceId: app.workspaceId, appId: app.id, toolName: "find_customer", input })

  it("writes no audit row for mock answers, however many", async () => {
    const { app } = await approvedApp("creator")
    for (let call = 0; call < 20; call += 1) expect(await execute(world.people.creator, app)).toMatchObject({ mock: true })
    expect(await toolAudit(app)).toEqual([])
  })

  it("holds at most 8 calls in flight per person and app, and says so to the 9th", async () => {
    const { app } = await approvedApp("admin")
    const { app: otherApp } = await approvedApp("admin")
    const base = provider.policy()
    // Live calls wait at the resolver until released, so they are in flight together.
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let waiting = 0
    let allWaiting!: () => void
    const eightWaiting = new Promise<void>((resolve) => (allWaiting = resolve))
    const gated: EgressPolicy = {
      ...base,
      resolve: async (host) => {
        waiting += 1
        if (waiting === 8) allWaiting()
        await gate
        return base.resolve(host)
      },
    }
    const services = world.services as { egress: EgressPolicy }
    services.egress = gated
    try {
      const held = Array.from({ length: 8 }, () => execute(world.people.creator, app))
      await eightWaiting
      await expect(execute(world.people.creator, app)).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
        message: "Too many tool calls in flight for this app (8 at once); wait for some to answer before calling again.",
      })
      // Another app of the same person is counted apart (its call waits at the gate like the rest).
      const elsewhere = execute(world.people.creator, otherApp)
      release()
      for (const answer of await Promise.all([...held, elsewhere])) expect(answer).toMatchObject({ mock: false, status: 200 })
      // Answered calls give their slots back.
      expect(await execute(world.people.creator, app)).toMatchObject({ mock: false, status: 200 })
    } finally {
      release()
      services.egress = base
    }
  })
})
