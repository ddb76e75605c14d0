// executeHttpTool against a real HTTPS server (tests/fixtures/fake-https-provider.ts) on loopback,
// reached through the test policy: the whole path, from template to pinned TLS connection.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadWebConfig } from "#app/config/config.server.ts"
import type { CustomTool } from "#shared/agents/agents-config.ts"
import { PROVIDER_HOST, startFakeHttpsProvider, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"
import { isReservedAddress } from "./egress-address.server.ts"
import { egressPolicyFromConfig, productionEgressPolicy, testEgressPolicy, type EgressPolicy } from "./egress-policy.server.ts"
import { executeHttpTool, type HttpToolOutcome } from "./execute-http-tool.server.ts"
import type { HttpToolCall } from "./tool-request.server.ts"

const SECRET = "sk_live_never-in-an-error"
const TOKEN = "ya29.never-in-an-error"

let provider: FakeHttpsProvider
let policy: EgressPolicy

beforeAll(async () => {
  provider = await startFakeHttpsProvider()
  policy = provider.policy()
})
afterAll(() => provider?.close())

function tool(endpoint: Partial<CustomTool["endpoint"]>, overrides: Partial<CustomTool> = {}): CustomTool {
  return {
    type: "custom",
    name: "provider_tool",
    description: "Calls the fake provider.",
    integration: { name: "Provider", domain: PROVIDER_HOST, auth: { type: "static" } },
    input: { q: { type: "string" }, limit: { type: "integer" }, customer: { type: "string" } },
    mockData: [{}],
    ...overrides,
    endpoint: { method: "GET", url: `${provider.origin}/echo`, ...endpoint },
  }
}

const call = (value: Partial<HttpToolCall> & Pick<HttpToolCall, "tool">): HttpToolCall => ({ input: {}, secrets: {}, bearerToken: null, ...value })

/** Requests the provider received while `run` ran. */
async function received(run: () => Promise<HttpToolOutcome>) {
  const before = provider.requests.length
  const outcome = await run()
  return { outcome, requests: provider.requests.slice(before) }
}

function expectRefused(outcome: HttpToolOutcome, code: string, message: RegExp) {
  expect(outcome.ok).toBe(false)
  if (outcome.ok) return
  expect(outcome.code).toBe(code)
  expect(outcome.message).toMatch(message)
  expect(outcome.message).not.toContain(SECRET)
  expect(outcome.message).not.toContain(TOKEN)
}

describe("calling a provider", () => {
  it("sends a GET with its query placeholders filled and returns the JSON answer", async () => {
    const { outcome, requests } = await received(() =>
      executeHttpTool(call({ tool: tool({ url: `${provider.origin}/echo?q={{input.q}}`, queryParams: { limit: "{{input.limit}}" } }), input: { q: "red & blue", limit: 10 } }), policy),
    )
    expect(outcome).toMatchObject({ ok: true, status: 200, body: { method: "GET", path: "/echo", query: { q: "red & blue", limit: "10" } } })
    expect(requests).toHaveLength(1)
    expect(requests[0]!.path).toBe("/echo?q=red%20%26%20blue&limit=10")
    expect(requests[0]!.headers["host"]).toBe(`${PROVIDER_HOST}:${provider.port}`)
  })

  it("POSTs a JSON body whose whole-value placeholder keeps the input's type", async () => {
    const { outcome, requests } = await received(() =>
      executeHttpTool(
        call({ tool: tool({ method: "POST", body: { limit: "{{input.limit}}", customer: "{{input.customer}}", label: "n={{input.limit}}" } }), input: { limit: 7, customer: "c-1" } }),
        policy,
      ),
    )
    expect(outcome.ok).toBe(true)
    expect(requests[0]!.method).toBe("POST")
    expect(requests[0]!.headers["content-type"]).toBe("application/json")
    expect(JSON.parse(requests[0]!.body)).toEqual({ limit: 7, customer: "c-1", label: "n=7" })
  })

  it("sends a static secret in a header", async () => {
    const { outcome, requests } = await received(() =>
      executeHttpTool(call({ tool: tool({ headers: { "X-Api-Key": "{{secrets.PROVIDER_KEY}}" } }), secrets: { PROVIDER_KEY: SECRET } }), policy),
    )
    expect(outcome.ok).toBe(true)
    expect(requests[0]!.headers["x-api-key"]).toBe(SECRET)
  })

  it("sends the bearer token of an oauth2 tool, and none for a static one", async () => {
    const oauth: CustomTool["integration"] = {
      name: "Provider",
      domain: PROVIDER_HOST,
      auth: { type: "oauth2", providerKey: "provider", identity: "triggering_user", authorizationUrl: `${provider.origin}/authorize`, tokenUrl: `${provider.origin}/token`, scopes: ["read"], tokenAuthMethod: "client_secret_basic" },
    }
    const { requests } = await received(async () => {
      await executeHttpTool(call({ tool: tool({}, { integration: oauth }), bearerToken: TOKEN }), policy)
      return executeHttpTool(call({ tool: tool({}), bearerToken: TOKEN }), policy)
    })
    expect(requests.map((request) => request.headers["authorization"])).toEqual([`Bearer ${TOKEN}`, undefined])
  })

  it("returns text answers as text, and a provider's error status as its answer", async () => {
    expect(await executeHttpTool(call({ tool: tool({ url: `${provider.origin}/text` }) }), policy)).toEqual({ ok: true, status: 200, body: "plain words" })
    expect(await executeHttpTool(call({ tool: tool({ url: `${provider.origin}/status/503` }) }), policy)).toEqual({ ok: true, status: 503, body: { status: 503 } })
  })

  it("reaches the provider with the policy the web builds from SECOND_EGRESS_TEST_HOSTS and SECOND_EGRESS_TEST_CA", async () => {
    const configured = egressPolicyFromConfig(loadWebConfig(provider.env()).egressTest)
    expect(await executeHttpTool(call({ tool: tool({ url: `${provider.origin}/text` }) }), configured)).toEqual({ ok: true, status: 200, body: "plain words" })
  })

  it("reaches a subdomain of the declared domain", async () => {
    const subPolicy = provider.policy([PROVIDER_HOST, `eu.${PROVIDER_HOST}`])
    const outcome = await executeHttpTool(call({ tool: tool({ url: `https://eu.${PROVIDER_HOST}:${provider.port}/text` }) }), subPolicy)
    expect(outcome).toMatchObject({ ok: true, status: 200 })
  })
})

describe("refusals", () => {
  it("does not follow a redirect to a private address, and says where it pointed without the query", async () => {
    const { outcome, requests } = await received(() =>
      executeHttpTool(call({ tool: tool({ url: `${provider.origin}/redirect?to=https%3A%2F%2F10.0.0.1%2Fadmin%3Fkey%3D${SECRET}` }) }), policy),
    )
    expectRefused(outcome, "redirect_refused", /provider\.test answered 302 redirecting to https:\/\/10\.0\.0\.1; redirects are not followed/)
    expect(requests).toHaveLength(1)
  })

  it("does not follow a redirect even to the same allowed host", async () => {
    const { outcome, requests } = await received(() => executeHttpTool(call({ tool: tool({ url: `${provider.origin}/redirect?to=%2Fecho` }) }), policy))
    expectRefused(outcome, "redirect_refused", /redirects are not followed/)
    expect(requests).toHaveLength(1)
  })

  it("refuses a body over 1 MB", async () => {
    const outcome = await executeHttpTool(call({ tool: tool({ url: `${provider.origin}/huge` }) }), policy)
    expectRefused(outcome, "too_large", /response is larger than 1048576 bytes/)
    expect(outcome).toMatchObject({ retryable: false })
  })

  it("accepts a body just under the cap", async () => {
    const outcome = await executeHttpTool(call({ tool: tool({ url: `${provider.origin}/huge?bytes=${1024 * 1024 - 70 * 1024}` }) }), policy)
    expect(outcome).toMatchObject({ ok: true, status: 200 })
  })

  it("stops a provider that does not answer by the deadline, as a retryable timeout", async () => {
    const outcome = await executeHttpTool(call({ tool: tool({ url: `${provider.origin}/slow` }) }), policy, undefined, { deadlineMs: 200 })
    expectRefused(outcome, "timeout", /provider\.test did not answer in time/)
    expect(outcome).toMatchObject({ retryable: true })
  })

  it("counts name resolution against the deadline", async () => {
    const hanging: EgressPolicy = { ...policy, resolve: () => new Promise(() => {}) }
    const outcome = await executeHttpTool(call({ tool: tool({}) }), hanging, undefined, { deadlineMs: 100 })
    expectRefused(outcome, "timeout", /did not answer in time/)
  })

  it("stops when the caller cancels", async () => {
    const controller = new AbortController()
    const pending = executeHttpTool(call({ tool: tool({ url: `${provider.origin}/slow` }) }), policy, controller.signal)
    const arrived = provider.requests.length
    await expect.poll(() => provider.requests.length).toBeGreaterThan(arrived)
    controller.abort()
    expectRefused(await pending, "cancelled", /cancelled/)
  })

  it("refuses a header injection through an input value before sending anything", async () => {
    const { outcome, requests } = await received(() =>
      executeHttpTool(call({ tool: tool({ headers: { "X-Customer": "{{input.customer}}" } }), input: { customer: "c1\r\nX-Admin: true" } }), policy),
    )
    expectRefused(outcome, "invalid_input", /"customer" goes in the X-Customer header, which cannot carry line breaks/)
    expect(requests).toHaveLength(0)
  })

  it.each([
    ["an http:// URL", `http://${PROVIDER_HOST}:PORT/echo`, PROVIDER_HOST, /only https:\/\//],
    ["another domain", "https://evil.com:PORT/echo", "api.example.com", /evil\.com is not api\.example\.com/],
    ["a look-alike domain", "https://api.example.com.evil.com:PORT/echo", "api.example.com", /api\.example\.com\.evil\.com is not api\.example\.com/],
    ["http://localhost", "http://localhost:PORT/echo", "localhost", /only https:\/\//],
  ])("refuses %s", async (_name, url, domain, message) => {
    const { outcome, requests } = await received(() =>
      executeHttpTool(call({ tool: tool({ url: url.replace("PORT", String(provider.port)) }, { integration: { name: "X", domain } }) }), policy),
    )
    expectRefused(outcome, "egress_refused", message)
    expect(requests).toHaveLength(0)
  })

  it.each([["127.0.0.1"], ["::1"], ["169.254.169.254"], ["10.0.0.1"], ["100.64.0.1"], ["fd00::1"], ["::ffff:127.0.0.1"], ["64:ff9b::a00:1"]])(
    "refuses a provider host that resolves to %s under the production rule",
    async (address) => {
      const resolvingPrivately: EgressPolicy = { ...provider.policy(), resolve: async () => [{ address, family: address.includes(":") ? 6 : 4 }], isAllowedAddress: (a) => !isReservedAddress(a) }
      const { outcome, requests } = await received(() => executeHttpTool(call({ tool: tool({}) }), resolvingPrivately))
      expectRefused(outcome, "egress_refused", new RegExp(`provider\\.test resolves to ${address.replace(/\./g, "\\.")} \\(`))
      expect(requests).toHaveLength(0)
    },
  )

  it("never resolves twice: a name that answers allowed then private is connected to the address it checked", async () => {
    // A rebinding resolver: first the allowed address (standing in for a public one), then a private one.
    const answers = ["127.0.0.1", "10.0.0.1"]
    let lookups = 0
    const rebinding: EgressPolicy = {
      ...provider.policy(),
      resolve: async () => [{ address: answers[Math.min(lookups++, 1)]!, family: 4 }],
      isAllowedAddress: (address) => address === "127.0.0.1" || !isReservedAddress(address),
    }
    const { outcome, requests } = await received(() => executeHttpTool(call({ tool: tool({}) }), rebinding))
    // provider.test is not in any DNS: had node resolved it again, the connection would have failed.
    expect(outcome).toMatchObject({ ok: true, status: 200 })
    expect(lookups).toBe(1)
    expect(requests).toHaveLength(1)
    // The next call resolves afresh, sees the private answer and is refused before connecting.
    const second = await received(() => executeHttpTool(call({ tool: tool({}) }), rebinding))
    expectRefused(second.outcome, "egress_refused", /provider\.test resolves to 10\.0\.0\.1 \(10\.0\.0\.0\/8, a private network\)/)
    expect(second.requests).toHaveLength(0)
  })

  it("refuses a name whose answer mixes a public and a private address", async () => {
    const mixed: EgressPolicy = { ...provider.policy(), resolve: async () => [{ address: "127.0.0.1", family: 4 }, { address: "192.168.1.10", family: 4 }] }
    expectRefused(await executeHttpTool(call({ tool: tool({}) }), mixed), "egress_refused", /resolves to 192\.168\.1\.10/)
  })

  it("checks the certificate against the host name, not the pinned address", async () => {
    // other.test maps to the provider's address, but its certificate is for provider.test only.
    const outcome = await executeHttpTool(
      call({ tool: tool({ url: `https://other.test:${provider.port}/echo` }, { integration: { name: "Other", domain: "other.test" } }) }),
      provider.policy(["other.test"]),
    )
    expectRefused(outcome, "tls", /other\.test's certificate was not accepted \(ERR_TLS_CERT_ALTNAME_INVALID\)/)
  })

  it("cannot reach the provider under the production policy", async () => {
    const { outcome, requests } = await received(() => executeHttpTool(call({ tool: tool({ url: `https://localhost:${provider.port}/echo` }, { integration: { name: "Local", domain: "localhost" } }) }), productionEgressPolicy()))
    expectRefused(outcome, "egress_refused", /localhost resolves to (127\.0\.0\.1|::1) \((127\.0\.0\.0\/8|::1\/128), loopback\)/)
    expect(requests).toHaveLength(0)
  })

  it("refuses the provider's certificate without the test CA", async () => {
    const withoutCa: EgressPolicy = { resolve: provider.policy().resolve, isAllowedAddress: provider.policy().isAllowedAddress }
    const outcome = await executeHttpTool(call({ tool: tool({}) }), withoutCa)
    expectRefused(outcome, "tls", /certificate was not accepted/)
  })

  it("reports a closed port as a retryable network failure", async () => {
    // Without the fixture's port mapping, so the URL's own (closed) port is the one dialled.
    const unmapped = testEgressPolicy({ hosts: new Map([[PROVIDER_HOST, "127.0.0.1"]]), ca: provider.caPem })
    const outcome = await executeHttpTool(call({ tool: tool({ url: `https://${PROVIDER_HOST}:1/echo` }) }), unmapped)
    expectRefused(outcome, "network", /could not reach provider\.test \(ECONNREFUSED\)/)
    expect(outcome).toMatchObject({ retryable: true })
  })
})
