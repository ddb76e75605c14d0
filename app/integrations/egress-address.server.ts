// Which IP addresses an agent tool may never reach: every reserved, private, loopback,
// link-local, multicast and documentation range of IPv4 and IPv6, as one table of data, plus the
// IPv6 forms that carry an IPv4 address inside them (mapped, translated, NAT64, 6to4), whose embedded address
// is checked against the IPv4 table. Addresses are validated with node:net before they are read.
//
// Stricter than Second's list, which missed CGNAT (100.64/10), the benchmarking and documentation
// ranges and every IPv6 form that wraps an IPv4 address.

import { isIP } from "node:net"

export interface ReservedRange {
  /** CIDR notation, as the RFCs write it. */
  readonly cidr: string
  /** What the range is, for the refusal message. */
  readonly purpose: string
}

interface EmbeddingRange extends ReservedRange {
  /** Bit offset of the embedded IPv4 address inside the 128-bit IPv6 address. */
  readonly ipv4At: number
}

export const RESERVED_IPV4_RANGES: readonly ReservedRange[] = [
  { cidr: "0.0.0.0/8", purpose: "“this network”" },
  { cidr: "10.0.0.0/8", purpose: "a private network" },
  { cidr: "100.64.0.0/10", purpose: "carrier-grade NAT (shared address space)" },
  { cidr: "127.0.0.0/8", purpose: "loopback" },
  { cidr: "169.254.0.0/16", purpose: "link-local (cloud metadata services live here)" },
  { cidr: "172.16.0.0/12", purpose: "a private network" },
  { cidr: "192.0.0.0/24", purpose: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", purpose: "documentation (TEST-NET-1)" },
  { cidr: "192.88.99.0/24", purpose: "6to4 relay anycast" },
  { cidr: "192.168.0.0/16", purpose: "a private network" },
  { cidr: "198.18.0.0/15", purpose: "benchmarking" },
  { cidr: "198.51.100.0/24", purpose: "documentation (TEST-NET-2)" },
  { cidr: "203.0.113.0/24", purpose: "documentation (TEST-NET-3)" },
  { cidr: "224.0.0.0/4", purpose: "multicast" },
  { cidr: "240.0.0.0/4", purpose: "reserved for future use" },
  { cidr: "255.255.255.255/32", purpose: "broadcast" },
]

export const RESERVED_IPV6_RANGES: readonly ReservedRange[] = [
  { cidr: "::/128", purpose: "the unspecified address" },
  { cidr: "::1/128", purpose: "loopback" },
  // Deprecated IPv4-compatible form (RFC 4291): never a real destination, so refused outright.
  { cidr: "::/96", purpose: "IPv4-compatible (deprecated)" },
  // RFC 8215 lets operators embed the IPv4 address at several offsets, so it cannot be read back.
  { cidr: "64:ff9b:1::/48", purpose: "local-use NAT64" },
  { cidr: "100::/64", purpose: "discard-only" },
  { cidr: "2001::/23", purpose: "IETF special-purpose (Teredo, ORCHID, benchmarking…)" },
  { cidr: "2001:db8::/32", purpose: "documentation" },
  { cidr: "3fff::/20", purpose: "documentation" },
  // Segment-routing (SRv6) SIDs, RFC 9602: never a destination on the public internet.
  { cidr: "5f00::/16", purpose: "SRv6 segment identifiers (reserved)" },
  { cidr: "fc00::/7", purpose: "a unique local (private) network" },
  { cidr: "fe80::/10", purpose: "link-local" },
  { cidr: "fec0::/10", purpose: "site-local (deprecated)" },
  { cidr: "ff00::/8", purpose: "multicast" },
]

/** IPv6 ranges that carry an IPv4 address: refused when that address is reserved. */
export const IPV4_EMBEDDING_RANGES: readonly EmbeddingRange[] = [
  { cidr: "::ffff:0:0/96", purpose: "IPv4-mapped", ipv4At: 96 },
  // SIIT's IPv4-translated form (RFC 2765): ::ffff:0:127.0.0.1 is another way to write loopback.
  { cidr: "::ffff:0:0:0/96", purpose: "IPv4-translated", ipv4At: 96 },
  { cidr: "64:ff9b::/96", purpose: "NAT64", ipv4At: 96 },
  { cidr: "2002::/16", purpose: "6to4", ipv4At: 16 },
]

export interface AddressVerdict {
  readonly reserved: boolean
  /** Why, for a refusal: "10.0.0.0/8, a private network" (empty when not reserved). */
  readonly reason: string
}

const allowed: AddressVerdict = { reserved: false, reason: "" }

/** Whether an address (as a resolver returns it) is in any reserved range. Unparseable → reserved. */
export function classifyAddress(address: string): AddressVerdict {
  // A zone index (fe80::1%eth0) is not part of the address.
  const bare = address.split("%")[0] ?? ""
  const family = isIP(bare)
  if (family === 4) return classifyIpv4(ipv4ToNumber(bare))
  if (family === 6) return classifyIpv6(ipv6ToBigInt(bare))
  return { reserved: true, reason: "not an IP address" }
}

export function isReservedAddress(address: string): boolean {
  return classifyAddress(address).reserved
}

function classifyIpv4(value: number): AddressVerdict {
  const range = IPV4_TABLE.find((entry) => (value & entry.mask) >>> 0 === entry.base)
  return range ? { reserved: true, reason: `${range.cidr}, ${range.purpose}` } : allowed
}

function classifyIpv6(value: bigint): AddressVerdict {
  const range = IPV6_TABLE.find((entry) => (value & entry.mask) === entry.base)
  if (range) return { reserved: true, reason: `${range.cidr}, ${range.purpose}` }
  for (const entry of EMBEDDING_TABLE) {
    if ((value & entry.mask) !== entry.base) continue
    const embedded = Number((value >> BigInt(128 - entry.ipv4At - 32)) & 0xffff_ffffn)
    const inner = classifyIpv4(embedded)
    if (!inner.reserved) return allowed
    return { reserved: true, reason: `${entry.purpose} form of ${numberToIpv4(embedded)} (${inner.reason})` }
  }
  return allowed
}

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((total, part) => total * 256 + Number(part), 0)
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".")
}

/** Reads an address node:net has already validated as IPv6 (with "::" and a dotted IPv4 tail). */
function ipv6ToBigInt(address: string): bigint {
  let text = address.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted?.[1]) {
    const value = ipv4ToNumber(dotted[1])
    text = `${text.slice(0, -dotted[1].length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`
  }
  const [head = "", tail] = text.split("::")
  const headGroups = head === "" ? [] : head.split(":")
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":")
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill("0")
  return [...headGroups, ...zeros, ...tailGroups].reduce((total, group) => (total << 16n) | BigInt(parseInt(group, 16)), 0n)
}

function ipv4Entry(range: ReservedRange) {
  const [base = "", bits = "32"] = range.cidr.split("/")
  const mask = Number(bits) === 0 ? 0 : (0xffff_ffff << (32 - Number(bits))) >>> 0
  return { ...range, bits: Number(bits), mask, base: (ipv4ToNumber(base) & mask) >>> 0 }
}

function ipv6Entry<R extends ReservedRange>(range: R) {
  const [base = "", bits = "128"] = range.cidr.split("/")
  const all = (1n << 128n) - 1n
  const mask = (all << BigInt(128 - Number(bits))) & all
  return { ...range, bits: Number(bits), mask, base: ipv6ToBigInt(base) & mask }
}

// Most specific first, so a refusal names the narrowest range (broadcast, not 240/4).
const bySpecificity = (a: { bits: number }, b: { bits: number }) => b.bits - a.bits
const IPV4_TABLE = RESERVED_IPV4_RANGES.map(ipv4Entry).sort(bySpecificity)
const IPV6_TABLE = RESERVED_IPV6_RANGES.map(ipv6Entry).sort(bySpecificity)
const EMBEDDING_TABLE = IPV4_EMBEDDING_RANGES.map(ipv6Entry)
