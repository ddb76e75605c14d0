// Where an agent tool's request may go: HTTPS, to the tool's declared domain or a subdomain, at an
// address that is not reserved. The policy resolves the host once and hands back the one checked
// address the connection is pinned to (pinned-https.server.ts), so no second resolution happens.
//
// Tests reach a fake provider on loopback through testEgressPolicy: named test hosts map to named
// addresses, and each mapped address is allowed for its own host only besides the production rule
// (localhost resolving to 127.0.0.1 stays refused even while provider.test → 127.0.0.1 is mapped). The web builds
// it only from SECOND_EGRESS_TEST_HOSTS / SECOND_EGRESS_TEST_CA, which config refuses in production.

import { promises as dns } from "node:dns"
import { readFileSync } from "node:fs"
import { isIP } from "node:net"
import { rootCertificates } from "node:tls"
import { classifyAddress, isReservedAddress } from "./egress-address.server.ts"
import { HttpToolError } from "./http-tool-error.server.ts"

export interface ResolvedAddress {
  readonly address: string
  readonly family: 4 | 6
  /** Tests only: the port to connect to instead of the URL's (a fake provider's); production never sets it. */
  readonly port?: number
}

export interface EgressPolicy {
  /** Every address the host has (A and AAAA). */
  resolve(host: string): Promise<readonly ResolvedAddress[]>
  /**
   * Whether a connection to `hostname` may go to this address (production: it is not in a
   * reserved range, whatever the host).
   */
  isAllowedAddress(address: string, hostname: string): boolean
  /** Certificates trusted instead of Node's default roots (a PEM bundle); unset = the default roots. */
  readonly ca?: string | Buffer
}

/** The target a request is pinned to once its host and addresses have passed. */
export interface PinnedTarget {
  readonly hostname: string
  readonly address: string
  readonly family: 4 | 6
  readonly port?: number
}

export function productionEgressPolicy(): EgressPolicy {
  return {
    resolve: async (host) => {
      const answers = await dns.lookup(host, { all: true, verbatim: true })
      return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))
    },
    isAllowedAddress: (address) => !isReservedAddress(address),
  }
}

export interface TestEgressOptions {
  /** Test host → the address it resolves to (e.g. provider.test → 127.0.0.1). */
  readonly hosts: ReadonlyMap<string, string>
  /** Test host → the port its fake listens on (connections to host:443 go there). */
  readonly ports?: ReadonlyMap<string, number>
  /** A PEM CA trusted in addition to the default roots. */
  readonly ca?: string | Buffer | null
}

/** Tests only: the production rule plus the named hosts, each allowed its mapped address (and only that). */
export function testEgressPolicy(options: TestEgressOptions): EgressPolicy {
  const production = productionEgressPolicy()
  return {
    resolve: async (host) => {
      const mapped = options.hosts.get(host)
      if (mapped === undefined) return production.resolve(host)
      const port = options.ports?.get(host)
      return [{ address: mapped, family: isIP(mapped) === 6 ? 6 : 4, ...(port === undefined ? {} : { port }) }]
    },
    isAllowedAddress: (address, hostname) => options.hosts.get(hostname) === address || production.isAllowedAddress(address, hostname),
    ...(options.ca ? { ca: [...rootCertificates, options.ca.toString()].join("\n") } : {}),
  }
}

export interface EgressTestConfig {
  readonly hosts: ReadonlyMap<string, string>
  readonly ports?: ReadonlyMap<string, number>
  /** Path of a PEM file. */
  readonly caFile: string | null
}

/** The web's policy: production, unless the (non-production) config names test hosts or a test CA. */
export function egressPolicyFromConfig(test: EgressTestConfig | null): EgressPolicy {
  if (test === null) return productionEgressPolicy()
  let ca: string | null = null
  if (test.caFile !== null) {
    try {
      ca = readFileSync(test.caFile, "utf8")
    } catch {
      throw new Error(`SECOND_EGRESS_TEST_CA names ${test.caFile}, which cannot be read; point it at a PEM certificate file`)
    }
  }
  return testEgressPolicy({ hosts: test.hosts, ...(test.ports ? { ports: test.ports } : {}), ca })
}

/** True when `hostname` is `domain` itself or one of its subdomains. */
export function isWithinDomain(hostname: string, domain: string): boolean {
  const host = hostname.toLowerCase()
  const base = domain.toLowerCase()
  return host === base || host.endsWith(`.${base}`)
}

/**
 * Checks the URL against the tool's domain and every address its host resolves to; returns the
 * address to connect to. Throws egress_refused (or network when the host does not resolve).
 */
export async function checkEgressTarget(url: URL, domain: string, policy: EgressPolicy, signal: AbortSignal): Promise<PinnedTarget> {
  if (url.protocol !== "https:") {
    throw new HttpToolError("egress_refused", `only https:// URLs may be called (this one is ${url.protocol.replace(":", "")}://); change the tool's URL to https://`)
  }
  if (url.username !== "" || url.password !== "") {
    throw new HttpToolError("egress_refused", "the URL carries credentials (user:password@); put them in a header with {{secrets.NAME}}")
  }
  const hostname = url.hostname
  if (!isWithinDomain(hostname, domain)) {
    throw new HttpToolError("egress_refused", `${hostname} is not ${domain} or one of its subdomains, the only domain this tool's integration may call`)
  }
  let answers: readonly ResolvedAddress[]
  try {
    answers = await abortable(policy.resolve(hostname), signal)
  } catch (error) {
    if (signal.aborted || error instanceof HttpToolError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new HttpToolError("network", `could not resolve ${hostname} (${code ?? "lookup failed"})`, { retryable: code !== "ENOTFOUND" })
  }
  if (answers.length === 0) throw new HttpToolError("network", `${hostname} has no addresses`, { retryable: true })
  // Every answer, not just the first: a host that also points inward is refused outright.
  for (const { address } of answers) {
    if (!policy.isAllowedAddress(address, hostname)) {
      const reason = classifyAddress(address).reason || "not an allowed address"
      throw new HttpToolError(
        "egress_refused",
        `${hostname} resolves to ${address} (${reason}); tools may only reach public addresses`,
      )
    }
  }
  const { address, port } = answers[0]!
  return { hostname, address, family: isIP(address) === 6 ? 6 : 4, ...(port === undefined ? {} : { port }) }
}

/** Rejects with the signal's reason as soon as it aborts (dns.lookup itself cannot be cancelled). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener("abort", onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort)
        reject(error)
      },
    )
  })
}
