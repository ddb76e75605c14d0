import { describe, expect, it } from "vitest"
import { classifyAddress, IPV4_EMBEDDING_RANGES, isReservedAddress, RESERVED_IPV4_RANGES, RESERVED_IPV6_RANGES } from "./egress-address.server.ts"

/** The first and last address of every reserved range, so each table row is exercised at both edges. */
const edges: Record<string, readonly [string, string]> = {
  "0.0.0.0/8": ["0.0.0.0", "0.255.255.255"],
  "10.0.0.0/8": ["10.0.0.1", "10.255.255.255"],
  "100.64.0.0/10": ["100.64.0.1", "100.127.255.255"],
  "127.0.0.0/8": ["127.0.0.1", "127.255.255.254"],
  "169.254.0.0/16": ["169.254.169.254", "169.254.255.255"],
  "172.16.0.0/12": ["172.16.0.1", "172.31.255.255"],
  "192.0.0.0/24": ["192.0.0.1", "192.0.0.255"],
  "192.0.2.0/24": ["192.0.2.1", "192.0.2.255"],
  "192.88.99.0/24": ["192.88.99.1", "192.88.99.255"],
  "192.168.0.0/16": ["192.168.0.1", "192.168.255.255"],
  "198.18.0.0/15": ["198.18.0.1", "198.19.255.255"],
  "198.51.100.0/24": ["198.51.100.1", "198.51.100.255"],
  "203.0.113.0/24": ["203.0.113.1", "203.0.113.255"],
  "224.0.0.0/4": ["224.0.0.1", "239.255.255.255"],
  "240.0.0.0/4": ["240.0.0.1", "255.255.255.254"],
  "255.255.255.255/32": ["255.255.255.255", "255.255.255.255"],
  "::/128": ["::", "0:0:0:0:0:0:0:0"],
  "::1/128": ["::1", "0:0:0:0:0:0:0:1"],
  "::/96": ["::a00:1", "::8.8.8.8"],
  "64:ff9b:1::/48": ["64:ff9b:1::1", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff"],
  "100::/64": ["100::1", "100::ffff:ffff:ffff:ffff"],
  "2001::/23": ["2001::1", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff"],
  "2001:db8::/32": ["2001:db8::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"],
  "3fff::/20": ["3fff::1", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff"],
  "5f00::/16": ["5f00::1", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  "fc00::/7": ["fc00::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  "fe80::/10": ["fe80::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  "fec0::/10": ["fec0::1", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  "ff00::/8": ["ff02::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
}

describe("reserved address ranges", () => {
  it("has edge addresses for every row of the table, and nothing else", () => {
    expect(Object.keys(edges).sort()).toEqual([...RESERVED_IPV4_RANGES, ...RESERVED_IPV6_RANGES].map((range) => range.cidr).sort())
  })

  it.each([...RESERVED_IPV4_RANGES, ...RESERVED_IPV6_RANGES].map((range) => [range.cidr, range.purpose] as const))(
    "refuses both edges of %s (%s) and names the range",
    (cidr, purpose) => {
      for (const address of edges[cidr]!) {
        const verdict = classifyAddress(address)
        expect(verdict.reserved, address).toBe(true)
        expect(verdict.reason).toContain(purpose)
      }
    },
  )

  it.each([
    ["9.255.255.255"],
    ["11.0.0.0"],
    ["100.63.255.255"],
    ["100.128.0.0"],
    ["172.15.255.255"],
    ["172.32.0.0"],
    ["192.0.3.0"],
    ["192.167.255.255"],
    ["198.17.255.255"],
    ["198.20.0.0"],
    ["223.255.255.255"],
    ["8.8.8.8"],
    ["93.184.216.34"],
    ["2606:4700:4700::1111"],
    ["2a00:1450:4001:82b::200e"],
    ["2001:200::1"],
    ["2001:db7:ffff::1"],
    ["fbff:ffff::1"],
    ["5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["5f01::1"],
  ])("allows the public address %s just outside the ranges", (address) => {
    expect(classifyAddress(address)).toEqual({ reserved: false, reason: "" })
  })

  it.each([
    ["::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1"],
    ["::ffff:7f00:1", "IPv4-mapped form of 127.0.0.1"],
    ["::ffff:169.254.169.254", "IPv4-mapped form of 169.254.169.254"],
    ["::ffff:10.1.2.3", "10.0.0.0/8"],
    ["64:ff9b::a00:1", "NAT64 form of 10.0.0.1"],
    ["64:ff9b::127.0.0.1", "NAT64 form of 127.0.0.1"],
    ["64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"],
    ["2002:7f00:1::", "6to4 form of 127.0.0.1"],
    ["2002:c0a8:101::1", "6to4 form of 192.168.1.1"],
    ["2002:6440:1::", "100.64.0.0/10"],
    ["::ffff:0:127.0.0.1", "IPv4-translated form of 127.0.0.1"],
    ["::ffff:0:7f00:1", "IPv4-translated form of 127.0.0.1"],
    ["::ffff:0:a9fe:a9fe", "IPv4-translated form of 169.254.169.254"],
  ])("refuses %s, an IPv6 form of a reserved IPv4 address", (address, reason) => {
    const verdict = classifyAddress(address)
    expect(verdict.reserved).toBe(true)
    expect(verdict.reason).toContain(reason)
  })

  it.each([["::ffff:8.8.8.8"], ["::ffff:0:8.8.8.8"], ["64:ff9b::808:808"], ["2002:808:808::1"]])("allows %s, an IPv6 form of a public IPv4 address", (address) => {
    expect(isReservedAddress(address)).toBe(false)
  })

  it("covers the IPv4-in-IPv6 forms it documents", () => {
    expect(IPV4_EMBEDDING_RANGES.map((range) => range.cidr)).toEqual(["::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "2002::/16"])
  })

  it.each([["fe80::1%eth0"], ["fd00::1%2"]])("refuses a scoped address %s by its address part", (address) => {
    expect(isReservedAddress(address)).toBe(true)
  })

  it.each([["localhost"], [""], ["1.2.3.04"], ["999.1.1.1"], ["::g"], ["http://8.8.8.8"]])("refuses %j, which is not an IP address", (address) => {
    expect(classifyAddress(address)).toEqual({ reserved: true, reason: "not an IP address" })
  })
})
