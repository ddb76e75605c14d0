// What the MCP broker adds to a tool call: the round trip a runtime makes (the MCP SDK's client,
// Streamable HTTP to /mcp/second, token check, a fresh SDK server for the request, the tool, the
// answer) against the same tool handler called in this process, both measured in this run,
// alternating. Prints p50/p99 of each and the overhead (goal: p50 overhead ≤ 10 ms). Asserts no
// timing: machines vary. BENCH_CALLS sets the calls per side (default 200).

import { afterAll, beforeAll, expect, it } from "vitest"
import type { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { startBroker, type Broker } from "#tests/fixtures/mcp-broker.ts"
import type { McpClaims } from "#worker/src/mcp/McpTokens.ts"
import { alternately, percentile } from "./timing.ts"

const CALLS = Number(process.env["BENCH_CALLS"] ?? 200)
const WARM_UP = 20
const PLAN = { title: "Lunch spots", overview: "A list of places.", features: [{ name: "List", description: "Shows the places." }], dataFlow: "Kept in the app." }
const grant = { workspaceId: "ws-bench", appId: "app-bench", runtime: "claude" as const, tools: { second: ["present_plan"] } }
const claims: McpClaims = { ...grant, runId: "run-bench", expiresAt: Number.MAX_SAFE_INTEGER }

let broker: Broker
let client: Client
let endTurn: () => Promise<void>

beforeAll(async () => {
  broker = await startBroker()
  const token = await broker.mint(grant)
  endTurn = await broker.startTurn(grant.appId, claims.runId)
  client = await broker.connect(token)
}, 30_000)

afterAll(async () => {
  await client?.close()
  await endTurn?.()
  await broker?.close()
})

it(`a tool call through the broker against the same handler in process (${CALLS} calls each)`, { timeout: 120_000 }, async () => {
  const viaBroker = () => client.callTool({ name: "present_plan", arguments: PLAN })
  const inProcess = () => broker.callInProcess(claims, "present_plan", PLAN)
  const first = await viaBroker()
  expect(first.isError).toBe(false)
  expect((await inProcess()).isError).toBe(false)
  const { measured: broker_, baseline: local } = await alternately(CALLS, WARM_UP, viaBroker, inProcess)
  const row = (name: string, values: number[]) => `${name.padEnd(26)} p50 ${percentile(values, 50).toFixed(2)} ms   p99 ${percentile(values, 99).toFixed(2)} ms`
  const overhead50 = percentile(broker_, 50) - percentile(local, 50)
  const overhead99 = percentile(broker_, 99) - percentile(local, 99)
  console.log(
    [
      `MCP tool call round trip (${CALLS} calls each, alternating):`,
      row("through the broker (HTTP)", broker_),
      row("handler in process", local),
      `overhead                   p50 ${overhead50.toFixed(2)} ms   p99 ${overhead99.toFixed(2)} ms   (goal: p50 ≤ 10 ms)`,
    ].join("\n"),
  )
  expect(broker_.length).toBe(CALLS)
})
