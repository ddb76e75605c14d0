import { describe, expect, it } from "vitest"
import { aRoleWithout, can, leastRoleWith, PERMISSIONS, ROLES } from "./permissions.ts"

describe("the permission table", () => {
  it("gives members view and build rights, admins management, owners the owner role", () => {
    expect(can("member", "workspace:view")).toBe(true)
    expect(can("member", "members:invite")).toBe(false)
    expect(can("admin", "members:manage")).toBe(true)
    expect(can("admin", "audit:read")).toBe(true)
    expect(can("admin", "members:manage-owner")).toBe(false)
    expect(can("owner", "members:manage-owner")).toBe(true)
  })

  it("is monotonic: a higher role can do everything a lower one can", () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      const allowed = ROLES.map((role) => can(role, permission))
      // ROLES runs owner → admin → member, so once false it stays false.
      expect(allowed.indexOf(false) === -1 || allowed.slice(allowed.indexOf(false)).every((v) => !v)).toBe(true)
    }
  })

  it("names the least role with a permission and a role without it", () => {
    expect(leastRoleWith("teams:manage")).toBe("admin")
    expect(aRoleWithout("teams:manage")).toBe("member")
    expect(aRoleWithout("workspace:view")).toBeNull()
  })
})
