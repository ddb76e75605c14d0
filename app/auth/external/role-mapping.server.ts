// Turns a provider's role or group names into one of our roles. The highest mapped role wins;
// anything unknown means member, never more. With a role map configured only mapped names count,
// so an IdP group that happens to be called "admin" grants nothing by accident.

import { isRole, ROLES, type Role } from "#shared/auth/permissions.ts"

export function mapExternalRole(names: readonly string[], roleMap: Readonly<Record<string, Role>>): Role {
  const mapped = Object.keys(roleMap).length > 0
  const roles = names.map((name) => (mapped ? roleMap[name] : isRole(name) ? name : undefined)).filter((role) => role !== undefined)
  // ROLES runs from most to least privileged.
  return ROLES.find((role) => roles.includes(role)) ?? "member"
}

/** A claim's value as a list of names: a string, a space/comma separated string, or an array of strings. */
export function claimNames(value: unknown): string[] {
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean)
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string")
  return []
}
