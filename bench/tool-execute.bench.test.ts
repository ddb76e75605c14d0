// What the egress path adds to an agent tool's HTTP call: executeHttpTool (input check, template,
// domain and address checks, a connection pinned to the checked address, bounded read, JSON
// decode) against a bare node:https request to the same fake provider (same TLS, a fresh
// connection each, the body read and parsed), both measured in this run, alternating. Then 50
// executeHttpTool calls at once, which must all succeed. Prints p50/p95 of each, the p50 overhead
// and the ratio (goal: p50 overhead ≤ 15 ms). Asserts no timing: machines vary.
// BENCH_CALLS sets the calls per side (default 200).

import { afterAll, beforeAll, expect, it } from "vitest"
import { executeHttpTool } from "#app/integrations/execute-http-tool.server.ts"
import type { EgressPolicy } from "#app/integrations/egress-policy.server.ts"
import type { CustomTool } from "#shared/agents/agents-config.ts"
import { PROVIDER_HOST, startFakeHttpsProvider, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"
import { directProviderRequest } from "./provider-timing.ts"
import { alternately, overheadLines } from "./timing.ts"

const CALLS = Number(process.env["BENCH_CALLS"] ?? 200)
const CONCURRENT = 50
const WARM_UP = 20
const GOAL_MS = 15

let provider: FakeHttpsProvider
let policy: EgressPolicy
let tool: CustomTool
/** The same request, straight to the provider's address: no checks, no templates. */
let direct: () => Promise<unknown>

beforeAll(async () => {
  provider = await startFakeHttpsProvider()
  policy = provider.policy()
  tool = {
    type: "custom",
    name: "search_orders",
    description: "Finds orders.",
    integration: { name: "Provider", domain: PROVIDER_HOST, auth: { type: "static" } },
    input: { q: { type: "string", required: true }, limit: { type: "integer" } },
    endpoint: { method: "GET", url: `${provider.origin}/echo?q={{input.q}}`, queryParams: { limit: "{{input.limit}}" }, headers: { "X-Api-Key": "{{secrets.KEY}}" } },
    mockData: [{}],
  }
  direct = directProviderRequest(provider, "/echo?q=open%20orders&limit=10", { "x-api-key": "bench-key" })
}, 30_000)

afterAll(() => provider?.close())

const viaEgress = async () => {
  const outcome = await executeHttpTool({ tool, input: { q: "open orders", limit: 10 }, secrets: { KEY: "bench-key" }, bearerToken: null }, policy)
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`)
  return outcome
}

it(`an agent tool call through the egress path against a direct HTTPS request (${CALLS} calls each, then ${CONCURRENT} at once)`, { timeout: 60_000 }, async () => {
  const times = await alternately(CALLS, WARM_UP, viaEgress, direct)

  const started = performance.now()
  const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => executeHttpTool({ tool, input: { q: "at once" }, secrets: { KEY: "bench-key" }, bearerToken: null }, policy)))
  const concurrentMs = performance.now() - started

  console.log(
    [
      `Agent tool HTTP call (${CALLS} calls each, alternating, fresh TLS connection each):`,
      ...overheadLines({ measured: ["executeHttpTool (egress)", times.measured], baseline: ["direct node:https request", times.baseline] }, GOAL_MS),
      `${CONCURRENT} concurrent executeHttpTool calls: ${outcomes.filter((outcome) => outcome.ok).length} succeeded in ${concurrentMs.toFixed(0)} ms`,
    ].join("\n"),
  )
  expect(times.measured).toHaveLength(CALLS)
  expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([])
})
