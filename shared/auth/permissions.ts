// Roles and what each may do: the one permission table. Procedures declare the permission they
// need; the UI uses the same table to decide which controls to show.

export const ROLES = ["owner", "admin", "member"] as const
export type Role = (typeof ROLES)[number]

const everyone = ["owner", "admin", "member"] as const
const admins = ["owner", "admin"] as const
const owners = ["owner"] as const

export const PERMISSIONS = {
  /** See the workspace and build in it. */
  "workspace:view": everyone,
  "workspace:manage": admins,
  "members:view": everyone,
  "members:invite": admins,
  "members:manage": admins,
  /** Grant, change or remove the owner role (on top of members:manage / members:invite). */
  "members:manage-owner": owners,
  "teams:view": everyone,
  "teams:manage": admins,
  "audit:read": admins,
  /** Create apps and chat with the builder in apps one can see (creator, collaborator, admin). */
  "apps:build": everyone,
  /** See and manage every app of the workspace, not only one's own. */
  "apps:manage-all": admins,
  /** Publish an app directly, approve or refuse review requests, unpublish, roll back a release. */
  "apps:publish": admins,
  /** The workspace's usage and cost (Settings → Usage). */
  "usage:read": admins,
  /** Connect one's own accounts to the workspace's OAuth providers (Settings → Connected apps). */
  "integrations:connect": everyone,
  /** OAuth clients, app-scoped integration keys and their secrets (Settings → Integrations). */
  "integrations:manage": admins,
  /** Make, list and revoke one's own personal API tokens (Account page). */
  "tokens:create": everyone,
  /** See and revoke every member's API tokens. */
  "tokens:manage": admins,
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value)

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role)
}

/** The least privileged role that has the permission. */
export function leastRoleWith(permission: Permission): Role {
  return [...ROLES].reverse().find((role) => can(role, permission)) ?? "owner"
}

/** A role that lacks the permission, if any does (used to prove a 403). */
export function aRoleWithout(permission: Permission): Role | null {
  return ROLES.find((role) => !can(role, permission)) ?? null
}
