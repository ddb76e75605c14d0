// An app agent's run token at the broker, over real HTTP with the MCP SDK's client: its app_tools
// are listed from its grant (with report_tool_call_failed), its calls reach the web by tool name
// with the agent in the claims, its app_data calls carry its granted collections, and its turn is
// armed by the run's own key, so neither it nor the app's builder token opens the other's turn.
// Also how the web's answers read for the agent (a mock one labelled).

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BROKER_INTERNAL_TOKEN as INTERNAL_TOKEN, startBroker, type Broker } from "#tests/fixtures/mcp-broker.ts"
import { REPORT_TOOL_FAILURE } from "#shared/mcp/app-tools.ts"
import { appToolsGrant, appToolText, MOCK_PREFIX, REPORT_TOOL_FAILURE_LISTING } from "./AppTools.ts"
import type { McpGrant } from "./McpTokens.ts"

let broker: Broker

beforeAll(async () => {
  broker = await startBroker()
}, 30_000)

afterAll(async () => {
  await broker?.close()
})

const weather = {
  name: "get_weather",
  description: "The weather in a city now.",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
}

const agentGrant = (runId: string, dataCollections: readonly string[] = []): McpGrant => {
  const appTools = appToolsGrant([weather])
  return {
    workspaceId: "ws-agents",
    appId: "app-agents",
    runtime: "claude",
    turnKey: `agent-${runId}`,
    tools: { app_tools: appTools.map((tool) => tool.name), ...(dataCollections.length > 0 ? { app_data: ["list_documents"] } : {}) },
    agent: { agentId: "weather-bot", appTools, dataCollections },
  }
}

const textOf = (result: Record<string, unknown>): string => {
  const [first] = Array.isArray(result["content"]) ? (result["content"] as unknown[]) : []
  return typeof first === "object" && first !== null && "text" in first && typeof first.text === "string" ? first.text : ""
}

const claims = (runId: string) => ({ workspaceId: "ws-agents", appId: "app-agents", runId, runtime: "claude", agentId: "weather-bot" })

describe("an app agent's run token", () => {
  it("lists its granted tools and report_tool_call_failed, and passes calls to the web by name with the agent's claims", async () => {
    const token = await broker.mint(agentGrant("run-a"))
    const end = await broker.startTurn("agent-run-a", "run-a")
    const client = await broker.connect(token, "app_tools")
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toEqual(["get_weather", REPORT_TOOL_FAILURE])
    expect(tools[0]?.inputSchema).toEqual(weather.inputSchema)
    expect(tools[1]?.inputSchema).toMatchObject({ type: "object", required: ["description"] })

    const before = broker.webCalls.length
    const reported = await client.callTool({ name: REPORT_TOOL_FAILURE, arguments: { description: "The weather API answers 500.", toolName: "get_weather", blocking: true } })
    expect(reported.isError).toBe(false)
    // The fixture's web answers a custom tool with something that is not an AppToolAnswer: a refusal for the agent.
    const called = await client.callTool({ name: "get_weather", arguments: { city: "Oslo" } })
    expect(called.isError).toBe(true)
    expect(textOf(called)).toContain("shape this worker does not understand")
    expect(broker.webCalls.slice(before)).toEqual([
      {
        authorization: `Bearer ${INTERNAL_TOKEN}`,
        body: { claims: claims("run-a"), toolSet: "app_tools", tool: REPORT_TOOL_FAILURE, input: { description: "The weather API answers 500.", toolName: "get_weather", blocking: true } },
      },
      { authorization: `Bearer ${INTERNAL_TOKEN}`, body: { claims: claims("run-a"), toolSet: "app_tools", tool: "get_weather", input: { city: "Oslo" } } },
    ])

    // Not granted, or not matching its schema: refused before the web is asked.
    const unknown = await client.callTool({ name: "delete_everything", arguments: {} })
    expect(unknown.isError).toBe(true)
    const malformed = await client.callTool({ name: REPORT_TOOL_FAILURE, arguments: { blocking: true } })
    expect(malformed.isError).toBe(true)
    expect(textOf(malformed)).toContain("does not match report_tool_call_failed's schema")
    expect(broker.webCalls.length).toBe(before + 2)
    await client.close()
    await end()
  })

  it("sends its granted collections with app_data calls, and has no app_data without them", async () => {
    const withData = await broker.mint(agentGrant("run-d", ["notes", "tasks"]))
    const end = await broker.startTurn("agent-run-d", "run-d")
    const client = await broker.connect(withData, "app_data")
    const before = broker.webCalls.length
    await client.callTool({ name: "list_documents", arguments: { collection: "notes" } })
    expect(broker.webCalls.slice(before).map((call) => call.body)).toEqual([
      { claims: claims("run-d"), toolSet: "app_data", tool: "list_documents", declaredCollections: ["notes", "tasks"], input: { collection: "notes" } },
    ])
    await client.close()

    const withoutData = await broker.mint(agentGrant("run-d"))
    await expect(broker.connect(withoutData, "app_data")).rejects.toThrow()
    await end()
  })

  it("is armed by the run's own key: the app's builder turn does not open it, nor its turn the builder's token", async () => {
    const agentToken = await broker.mint(agentGrant("run-k"))
    const builderToken = await broker.mint({ workspaceId: "ws-agents", appId: "app-agents", runtime: "claude", tools: { second: ["present_plan"] } })
    const builderTurn = await broker.startTurn("app-agents", "builder-run")
    await expect(broker.connect(agentToken, "app_tools")).rejects.toThrow()
    await builderTurn()

    const agentTurn = await broker.startTurn("agent-run-k", "run-k")
    await expect(broker.connect(builderToken, "second")).rejects.toThrow()
    const client = await broker.connect(agentToken, "app_tools")
    expect((await client.listTools()).tools.length).toBe(2)
    await client.close()
    await agentTurn()
    await expect(broker.connect(agentToken, "app_tools")).rejects.toThrow()
  })
})

describe("what the agent reads", () => {
  it("is the provider's status and body, and a mock answer says it is mock in its first words", () => {
    expect(JSON.parse(appToolText({ mock: false, mockReason: null, status: 200, body: { temperatureC: 21 } }))).toEqual({ status: 200, body: { temperatureC: 21 } })
    const mock = appToolText({ mock: true, mockReason: "Approved for mock data only.", status: null, body: { forecast: "sunny" } })
    expect(mock.startsWith(`${MOCK_PREFIX} Approved for mock data only.`)).toBe(true)
    expect(mock).toContain('"forecast":"sunny"')
  })

  it("lists report_tool_call_failed once, last, whatever the web sent", () => {
    const listed = appToolsGrant([weather, { ...REPORT_TOOL_FAILURE_LISTING, description: "spoofed" }])
    expect(listed.map((tool) => tool.name)).toEqual(["get_weather", REPORT_TOOL_FAILURE])
    expect(listed[1]?.description).toBe(REPORT_TOOL_FAILURE_LISTING.description)
  })
})
