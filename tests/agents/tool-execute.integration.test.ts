// An app agent's tool calls through the real POST /api/internal/tool-execute route (the world, the
// provider behind the test egress mapping and the helpers are tool-execute-world.ts's). Driving a
// run needs the worker and a model: tests/agents/agent-runs.integration.test.ts and the worker's
// tests. Proven here: the approval's mode decides mock or live, a draft edit after approval stops
// calls, a tool or collection the agent was not given is refused, only a running agent run's claims
// are honoured, and report_tool_call_failed records a failure or asks the builder for one repair.
// The app's appTools, input no provider could be sent, a run's mode and load are in
// app-tools-execute.integration.test.ts.

import { describe, expect, it } from "vitest"
import { apps, auditEvents } from "#app/store/collections.server.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { useToolExecuteWorld } from "./tool-execute-world.ts"

const the = useToolExecuteWorld()
const { store, config, keepSource, approvedApp, runningAgent, claimsOf, post, callTool, listDocuments, toolAudit } = the

describe("an agent's custom tool", () => {
  it("answers its mock data, labelled, when a non-admin approved the agents, never reaches the provider, and audits nothing", async () => {
    const { app, hash } = await approvedApp("creator")
    const run = await runningAgent(app, hash)
    const before = the.provider.requests.length
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer).toEqual({
      status: 200,
      body: { result: { mock: true, mockReason: "Approved for mock data only (approved by a non-admin)", status: null, body: { name: "Mock Ada" } } },
    })
    expect(the.provider.requests.length).toBe(before)
    // A mock answer touches nothing outside: no audit row (a loop of calls must not grow the log).
    expect(await toolAudit(app)).toEqual([])
  })

  it("calls the provider through the egress guard when an admin approved them, and returns its answer", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer.status).toBe(200)
    expect(answer.body.result).toMatchObject({ mock: false, mockReason: null, status: 200, body: { method: "GET", path: "/echo", query: { email: "ada@example.com" } } })
    expect(the.provider.requests.at(-1)).toMatchObject({ method: "GET", path: "/echo?email=ada%40example.com" })
    // Audited by what was called, never by what was sent or answered.
    const [executed] = await toolAudit(app)
    expect(executed).toMatchObject({ action: "tool.executed", after: { agentId: "support", tool: "lookup_customer", domain: PROVIDER_HOST, status: 200 } })
    expect(JSON.stringify(executed)).not.toContain("ada@example.com")
  })

  it("refuses input that does not fit the declared parameters before any request", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const before = the.provider.requests.length
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
    expect(the.provider.requests.length).toBe(before)
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
    const before = the.provider.requests.length
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer.status).toBe(403)
    expect(answer.body.error?.code).toBe("agents_not_approved")
    expect(the.provider.requests.length).toBe(before)
    expect((await toolAudit(app)).map((event) => [event.action, event.after?.["status"]])).toEqual([["tool.denied", 403]])

    // Approved again, the new configuration counts for runs started under it, not for the old run.
    await the.world.caller(the.world.people.admin).agents.approve({ workspaceId: app.workspaceId, appId: app.id, expectedHash: newHash })
    expect((await callTool(run, "lookup_customer", { email: "ada@example.com" })).body.error?.code).toBe("agents_not_approved")
    const fresh = await runningAgent(app, newHash)
    expect((await callTool(fresh, "lookup_customer", { email: "ada@example.com" })).body.result).toMatchObject({ mock: false, status: 200 })
  })

  it("is refused when the tool is another agent's, or an appTool, or not declared at all", async () => {
    const { app, hash } = await approvedApp("admin")
    const run = await runningAgent(app, hash)
    const before = the.provider.requests.length
    for (const tool of ["send_invoice", "find_customer", "delete_everything"]) {
      const answer = await callTool(run, tool, { email: "ada@example.com" })
      expect(answer.status, tool).toBe(403)
      expect(answer.body.error, tool).toEqual({ code: "tool_not_allowed", message: `"${tool}" is not one of the approved tools of agent "support". Allowed: lookup_customer.` })
    }
    expect(the.provider.requests.length).toBe(before)
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
    const before = the.provider.requests.length
    expect(await callTool(finished, "lookup_customer", { email: "ada@example.com" })).toEqual(rejected)
    expect(await listDocuments(finished, "tickets")).toEqual(rejected)
    expect(await post({ claims: { ...claimsOf(running), agentId: "billing" }, toolSet: "app_tools", tool: "send_invoice", input: { email: "a@b.c" } })).toEqual(rejected)
    expect(await post({ claims: { ...claimsOf(running), runtime: "codex" }, toolSet: "app_tools", tool: "lookup_customer", input: { email: "a@b.c" } })).toEqual(rejected)
    const { agentId: _agentId, ...builderClaims } = claimsOf(running)
    expect(await post({ claims: builderClaims, toolSet: "app_tools", tool: "lookup_customer", input: { email: "a@b.c" } })).toEqual(rejected)
    expect(await post({ claims: claimsOf(running), toolSet: "second", tool: "set_app_metadata", input: { name: "Stolen", description: "Not yours." } })).toEqual(rejected)
    expect(the.provider.requests.length).toBe(before)
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
    const turnsBefore = the.world.turns.length
    const answer = await callTool(run, "report_tool_call_failed", report)
    const result = answer.body.result as { repairRunId: string | null; message: string }
    expect(answer.status).toBe(200)
    expect(result.repairRunId).toEqual(expect.any(String))
    expect(the.world.turns.length).toBe(turnsBefore + 1)
    expect(JSON.stringify(the.world.turns.at(-1))).toContain("answers 404 for every email")
    // A second report of the same run starts nothing more: it is pointed at the repair already asked for.
    expect((await callTool(run, "report_tool_call_failed", report)).body.result).toMatchObject({ repairRunId: result.repairRunId, message: expect.stringMatching(/already asked/) })
    expect(the.world.turns.length).toBe(turnsBefore + 1)
  })
})
