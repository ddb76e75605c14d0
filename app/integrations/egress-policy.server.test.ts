import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { loadWebConfig } from "#app/config/config.server.ts"
import { productionEnv } from "#app/config/production-env.fixture.ts"
import { ConfigError } from "#shared/config/env.ts"
import { checkEgressTarget, egressPolicyFromConfig, isWithinDomain, productionEgressPolicy, testEgressPolicy, type EgressPolicy } from "./egress-policy.server.ts"
import { HttpToolError } from "./http-tool-error.server.ts"

/** The production rule over a resolver that answers `addresses` for every host. */
function resolvingTo(...addresses: string[]): EgressPolicy & { lookups: string[] } {
  const lookups: string[] = []
  const production = productionEgressPolicy()
  return {
    lookups,
    resolve: async (host) => {
      lookups.push(host)
      return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))
    },
    isAllowedAddress: production.isAllowedAddress,
  }
}

const never = new AbortController().signal

async function refusal(url: string, domain: string, policy: EgressPolicy): Promise<HttpToolError> {
  try {
    await checkEgressTarget(new URL(url), domain, policy, never)
  } catch (error) {
    expect(error).toBeInstanceOf(HttpToolError)
    return error as HttpToolError
  }
  throw new Error("expected the target to be refused")
}

describe("the egress check", () => {
  it.each([
    ["127.0.0.1", "127.0.0.0/8, loopback"],
    ["::1", "::1/128, loopback"],
    ["169.254.169.254", "169.254.0.0/16, link-local"],
    ["10.0.0.1", "10.0.0.0/8, a private network"],
    ["100.64.0.1", "100.64.0.0/10, carrier-grade NAT"],
    ["fd00::1", "fc00::/7, a unique local (private) network"],
    ["::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1"],
    ["64:ff9b::a00:1", "NAT64 form of 10.0.0.1"],
  ])("refuses a host that resolves to %s, naming the range", async (address, reason) => {
    const error = await refusal("https://api.example.com/x", "api.example.com", resolvingTo(address))
    expect(error.code).toBe("egress_refused")
    expect(error.message).toContain(`api.example.com resolves to ${address} (${reason}`)
    expect(error.message).toContain("tools may only reach public addresses")
  })

  it("refuses a host when any one of its addresses is reserved, not just the first", async () => {
    const error = await refusal("https://api.example.com/x", "api.example.com", resolvingTo("93.184.216.34", "10.1.2.3"))
    expect(error.code).toBe("egress_refused")
    expect(error.message).toContain("10.1.2.3")
  })

  it("pins the first of the checked addresses", async () => {
    const policy = resolvingTo("93.184.216.34", "2606:2800:220:1::1")
    const target = await checkEgressTarget(new URL("https://sub.api.example.com/x"), "api.example.com", policy, never)
    expect(target).toEqual({ hostname: "sub.api.example.com", address: "93.184.216.34", family: 4 })
    expect(policy.lookups).toEqual(["sub.api.example.com"])
  })

  it.each([
    ["http://api.example.com/x", /only https:\/\/ URLs may be called \(this one is http:\/\/\)/],
    ["http://localhost:3000/x", /only https:\/\//],
    ["https://evil.com/x", /evil\.com is not api\.example\.com or one of its subdomains/],
    ["https://api.example.com.evil.com/x", /api\.example\.com\.evil\.com is not api\.example\.com/],
    ["https://xapi.example.com/x", /xapi\.example\.com is not api\.example\.com/],
    ["https://example.com/x", /example\.com is not api\.example\.com/],
    ["https://127.0.0.1/x", /127\.0\.0\.1 is not api\.example\.com/],
    ["https://[::1]/x", /\[::1\] is not api\.example\.com/],
    ["https://user:pw@api.example.com/x", /carries credentials/],
  ])("refuses %s before resolving anything", async (url, message) => {
    const policy = resolvingTo("93.184.216.34")
    const error = await refusal(url, "api.example.com", policy)
    expect(error.code).toBe("egress_refused")
    expect(error.message).toMatch(message)
    expect(policy.lookups).toEqual([])
  })

  it("matches the domain and its subdomains only", () => {
    expect(isWithinDomain("api.example.com", "api.example.com")).toBe(true)
    expect(isWithinDomain("eu.api.example.com", "api.example.com")).toBe(true)
    expect(isWithinDomain("API.Example.com", "api.example.com")).toBe(true)
    expect(isWithinDomain("api.example.com.", "api.example.com")).toBe(false)
    expect(isWithinDomain("notapi.example.com", "api.example.com")).toBe(false)
  })

  it("reports a host that does not resolve as a network failure", async () => {
    const policy: EgressPolicy = { resolve: () => Promise.reject(Object.assign(new Error("nope"), { code: "ENOTFOUND" })), isAllowedAddress: () => true }
    const error = await refusal("https://api.example.com/x", "api.example.com", policy)
    expect(error).toMatchObject({ code: "network", retryable: false, message: "could not resolve api.example.com (ENOTFOUND)" })
  })

  it("refuses localhost through the real resolver: there is no loopback exception in production", async () => {
    const policy = productionEgressPolicy()
    const addresses = await policy.resolve("localhost")
    expect(addresses.length).toBeGreaterThan(0)
    for (const { address } of addresses) expect(policy.isAllowedAddress(address, "localhost")).toBe(false)
  })
})

describe("the test-only policy", () => {
  const policy = testEgressPolicy({ hosts: new Map([["provider.test", "127.0.0.1"]]), ca: null })

  it("maps its test hosts and allows exactly their addresses", async () => {
    expect(await policy.resolve("provider.test")).toEqual([{ address: "127.0.0.1", family: 4 }])
    expect(policy.isAllowedAddress("127.0.0.1", "provider.test")).toBe(true)
    expect(policy.isAllowedAddress("127.0.0.2", "provider.test")).toBe(false)
    expect(policy.isAllowedAddress("::1", "provider.test")).toBe(false)
    expect(policy.isAllowedAddress("169.254.169.254", "provider.test")).toBe(false)
    expect(policy.isAllowedAddress("8.8.8.8", "provider.test")).toBe(true)
    expect(policy.ca).toBeUndefined()
  })

  it("allows a mapped address for its own host only: localhost stays refused though 127.0.0.1 is mapped", async () => {
    expect(policy.isAllowedAddress("127.0.0.1", "localhost")).toBe(false)
    expect(policy.isAllowedAddress("127.0.0.1", "other.test")).toBe(false)
    const error = await checkEgressTarget(new URL("https://localhost/"), "localhost", policy, new AbortController().signal).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: "egress_refused", message: expect.stringMatching(/^localhost resolves to .*loopback/) })
    expect(await checkEgressTarget(new URL("https://provider.test/x"), "provider.test", policy, new AbortController().signal)).toEqual({
      hostname: "provider.test",
      address: "127.0.0.1",
      family: 4,
    })
  })

  it("is built from SECOND_EGRESS_TEST_HOSTS and SECOND_EGRESS_TEST_CA, with the CA added to the default roots", async () => {
    const dir = mkdtempSync(join(tmpdir(), "egress-ca-"))
    const caFile = join(dir, "ca.pem")
    writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n")
    const config = loadWebConfig({ SECOND_EGRESS_TEST_HOSTS: "provider.test=127.0.0.1, other.test=::1", SECOND_EGRESS_TEST_CA: caFile })
    expect(config.egressTest).toEqual({ hosts: new Map([["provider.test", "127.0.0.1"], ["other.test", "::1"]]), caFile })
    const fromConfig = egressPolicyFromConfig(config.egressTest)
    expect(await fromConfig.resolve("other.test")).toEqual([{ address: "::1", family: 6 }])
    expect(String(fromConfig.ca)).toContain("test\n-----END CERTIFICATE-----")
    expect(String(fromConfig.ca).split("BEGIN CERTIFICATE").length).toBeGreaterThan(50)
  })

  it("maps a test host to a port, so a URL without one (as in agents.json) reaches a fake provider", async () => {
    const config = loadWebConfig({ SECOND_EGRESS_TEST_HOSTS: "provider.test=127.0.0.1:8443,six.test=[::1]:9443" })
    const policy = egressPolicyFromConfig(config.egressTest)
    expect(await policy.resolve("provider.test")).toEqual([{ address: "127.0.0.1", family: 4, port: 8443 }])
    expect(await policy.resolve("six.test")).toEqual([{ address: "::1", family: 6, port: 9443 }])
    expect(() => loadWebConfig({ SECOND_EGRESS_TEST_HOSTS: "provider.test=127.0.0.1:99999" })).toThrow(/host=address:port/)
  })

  it("is absent unless configured", () => {
    expect(loadWebConfig({}).egressTest).toBeNull()
    expect(egressPolicyFromConfig(null).isAllowedAddress("127.0.0.1", "provider.test")).toBe(false)
  })

  it("refuses a CA file that cannot be read, naming the variable", () => {
    expect(() => egressPolicyFromConfig({ hosts: new Map(), caFile: "/nonexistent/ca.pem" })).toThrow(/SECOND_EGRESS_TEST_CA names \/nonexistent\/ca\.pem, which cannot be read/)
  })

  it.each([
    ["SECOND_EGRESS_TEST_HOSTS", "provider.test"],
    ["SECOND_EGRESS_TEST_HOSTS", "provider.test=localhost"],
    ["SECOND_EGRESS_TEST_HOSTS", "Provider.Test=127.0.0.1"],
    ["SECOND_EGRESS_TEST_CA", "relative/ca.pem"],
  ])("refuses %s=%s at boot", (name, value) => {
    expect(() => loadWebConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadWebConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `))
  })

  it.each([["SECOND_EGRESS_TEST_HOSTS", "provider.test=127.0.0.1"], ["SECOND_EGRESS_TEST_CA", "/tmp/ca.pem"]])("refuses %s in production with a clear boot error", (name, value) => {
    expect(loadWebConfig(productionEnv).egressTest).toBeNull()
    expect(() => loadWebConfig({ ...productionEnv, [name]: value })).toThrow(
      `Invalid configuration: ${name} is for tests only and is refused when NODE_ENV=production; unset it.`,
    )
  })
})
