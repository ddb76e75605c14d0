import { describe, expect, it } from "vitest"
import { claimNames, mapExternalRole } from "./role-mapping.server.ts"

describe("external role mapping", () => {
  it("maps unknown or missing roles to member, never higher", () => {
    expect(mapExternalRole([], {})).toBe("member")
    expect(mapExternalRole(["superuser", "root", "Admin"], {})).toBe("member")
  })

  it("takes our role names literally when no map is configured, highest first", () => {
    expect(mapExternalRole(["member", "admin"], {})).toBe("admin")
    expect(mapExternalRole(["owner"], {})).toBe("owner")
  })

  it("with a map, grants only what the map says", () => {
    const map = { "second-admins": "admin", "second-owners": "owner" } as const
    expect(mapExternalRole(["staff", "second-admins"], map)).toBe("admin")
    expect(mapExternalRole(["admin"], map)).toBe("member")
    expect(mapExternalRole(["second-admins", "second-owners"], map)).toBe("owner")
  })

  it("reads a claim given as a string or a list", () => {
    expect(claimNames("admin")).toEqual(["admin"])
    expect(claimNames("a b,c")).toEqual(["a", "b", "c"])
    expect(claimNames(["a", 3, "b"])).toEqual(["a", "b"])
    expect(claimNames({ admin: true })).toEqual([])
  })
})
