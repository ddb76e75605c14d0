// The app's appTools through appTools.execute (the SDK's callAppTool), and what applies to an
// agent's calls and an appTool's alike: input no provider could ever be sent is refused before any
// request, a run recorded as mock stays mock, and calls in flight are capped per person and app
// while mock answers write no audit. The world and helpers are tool-execute-world.ts's; an agent's
// own tool calls, app_data and claims are in tool-execute.integration.test.ts.

import { describe, expect, it } from "vitest"
import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { agentRuns } from "#app/agents/agent-run-collections.server.ts"
import type { EgressPolicy } from "#app/integrations/egress-policy.server.ts"
import type { AppDocument, UserDocument } from "#app/store/collections.server.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { useToolExecuteWorld } from "./tool-execute-world.ts"

const the = useToolExecuteWorld()
const { store, config, keepSource, approvedApp, runningAgent, callTool, toolAudit } = the

describe("appTools.execute (the SDK's callAppTool)", () => {
  const execute = (user: UserDocument, app: AppDocument, toolName: string, input: Record<string, unknown>) =>
    the.world.caller(user).appTools.execute({ workspaceId: app.workspaceId, appId: app.id, toolName, input })

  it("runs the app's approved appTool as the viewer, by name only", async () => {
    const { app } = await approvedApp("admin")
    const answer = await execute(the.world.people.creator, app, "find_customer", { email: "bea@example.com" })
    expect(answer).toMatchObject({ mock: false, status: 200, body: { query: { email: "bea@example.com" } } })
    const executed = (await toolAudit(app)).at(-1)
    expect(executed).toMatchObject({ action: "tool.executed", actorUserId: the.world.people.creator.id, after: { agentId: null, tool: "find_customer" } })
  })

  it("refuses an agent's tool, input that does not fit, a changed draft and a viewer who cannot see the app, in words", async () => {
    const { app } = await approvedApp("creator")
    const { creator, otherMember } = the.world.people
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
    const before = the.provider.requests.length
    const answer = await callTool(run, "find_widget", input)
    expect(answer.status).toBe(400)
    expect(answer.body.error?.code).toBe("invalid_input")
    expect(answer.body.error?.message).toMatch(message)
    expect(answer.body.error?.message).not.toMatch(/report_tool_call_failed|Trying again/)
    await expect(the.world.caller(the.world.people.creator).appTools.execute({ workspaceId: app.workspaceId, appId: app.id, toolName: "echo_query", input })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(message),
    })
    expect(the.provider.requests.length).toBe(before)
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
    const before = the.provider.requests.length
    const answer = await callTool(run, "lookup_customer", { email: "ada@example.com" })
    expect(answer).toEqual({
      status: 200,
      body: { result: { mock: true, mockReason: "This run started while the agents were approved for mock data only, so it keeps using mock data", status: null, body: { name: "Mock Ada" } } },
    })
    expect(the.provider.requests.length).toBe(before)
    // A run recorded as live still follows the approval as it is now.
    expect((await callTool(await runningAgent(app, hash), "lookup_customer", { email: "ada@example.com" })).body.result).toMatchObject({ mock: false, status: 200 })
  })
})

describe("appTools.execute under load", () => {
  const execute = (user: UserDocument, app: AppDocument, input: Record<string, unknown> = { email: "ada@example.com" }) =>
    the.world.caller(user).appTools.execute({ workspaceId: app.workspaceId, appId: app.id, toolName: "find_customer", input })

  it("writes no audit row for mock answers, however many", async () => {
    const { app } = await approvedApp("creator")
    for (let call = 0; call < 20; call += 1) expect(await execute(the.world.people.creator, app)).toMatchObject({ mock: true })
    expect(await toolAudit(app)).toEqual([])
  })

  it("holds at most 8 calls in flight per person and app, and says so to the 9th", async () => {
    const { app } = await approvedApp("admin")
    const { app: otherApp } = await approvedApp("admin")
    const base = the.provider.policy()
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
    const services = the.world.services as { egress: EgressPolicy }
    services.egress = gated
    try {
      const held = Array.from({ length: 8 }, () => execute(the.world.people.creator, app))
      await eightWaiting
      await expect(execute(the.world.people.creator, app)).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
        message: "Too many tool calls in flight for this app (8 at once); wait for some to answer before calling again.",
      })
      // Another app of the same person is counted apart (its call waits at the gate like the rest).
      const elsewhere = execute(the.world.people.creator, otherApp)
      release()
      for (const answer of await Promise.all([...held, elsewhere])) expect(answer).toMatchObject({ mock: false, status: 200 })
      // Answered calls give their slots back.
      expect(await execute(the.world.people.creator, app)).toMatchObject({ mock: false, status: 200 })
    } finally {
      release()
      services.egress = base
    }
  })
})
