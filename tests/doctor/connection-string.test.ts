// What the doctor shows of a connection string, and what it masks, when the password holds
// characters that should have been percent-encoded ("@", "/", "?"): hosts are shown only when they
// can be told apart from the password, and every piece of the password is on the mask list.

import { describe, expect, it } from "vitest"
import { credentialPieces, hostsOf, withoutCredentials } from "#app/doctor/connection-string.server.ts"

describe("withoutCredentials", () => {
  it("cuts everything up to the last @ of the authority, and the options", () => {
    expect(withoutCredentials("redis://default:R3dis@Passw0rd@127.0.0.1:6399")).toBe("redis://127.0.0.1:6399")
    expect(withoutCredentials("mongodb://admin:Pa/ssw0rdMongo@127.0.0.1:27999/second")).toBe("mongodb://127.0.0.1:27999/second")
    expect(withoutCredentials("mongodb://admin:Sup3r@Secret@a:1,b:2/second?replicaSet=rs0")).toBe("mongodb://a:1,b:2/second")
    expect(withoutCredentials("redis://redis:6379")).toBe("redis://redis:6379")
    expect(withoutCredentials("mongodb+srv://u:p%40ss@cluster.example.net/second?w=majority")).toBe("mongodb+srv://cluster.example.net/second")
  })

  it("shows nothing after the scheme when an @ after the first ? makes the password's end unclear", () => {
    expect(withoutCredentials("mongodb://admin:pa?ss@Word@127.0.0.1/second")).toBe("mongodb://<hidden>")
    expect(withoutCredentials("mongodb://admin:pa?ssWord@127.0.0.1/second")).toBe("mongodb://<hidden>")
  })
})

describe("credentialPieces", () => {
  it("lists user:password, the password and each @- or /-separated piece, decoded too", () => {
    const pieces = credentialPieces("redis://default:R3dis@Passw0rd@127.0.0.1:6399")
    expect(pieces).toEqual(expect.arrayContaining(["default:R3dis@Passw0rd", "R3dis@Passw0rd", "R3dis", "Passw0rd"]))
    expect(pieces).not.toContain("default")
    expect(credentialPieces("mongodb://admin:Pa/ssw0rdMongo@h/second")).toEqual(expect.arrayContaining(["Pa/ssw0rdMongo", "ssw0rdMongo"]))
    expect(credentialPieces("mongodb://admin:p%40ssword1@h/second")).toEqual(expect.arrayContaining(["p%40ssword1", "p@ssword1", "ssword1"]))
    expect(credentialPieces("mongodb://admin:pa?ssWord@127.0.0.1/second")).toContain("pa?ssWord")
    expect(credentialPieces("redis://redis:6379")).toEqual([])
  })
})

describe("hostsOf", () => {
  it("finds the hosts after the last @ of the authority", () => {
    expect(hostsOf("redis://default:R3dis@Passw0rd@Redis.internal:6399")).toEqual(["redis.internal"])
    expect(hostsOf("mongodb://u:p@a:1,[::1]:2/db")).toEqual(["a", "::1"])
    expect(hostsOf("redis://redis:6379/0")).toEqual(["redis"])
  })
})
