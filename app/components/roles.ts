// Roles in sentences: "an owner", "an admin", "a member", and what each may do, in the words the
// members and invitations pages use to explain a role before it is given.

import type { Role } from "#shared/auth/permissions.ts"

export const withArticle = (role: string) => `${/^[aeiou]/i.test(role) ? "an" : "a"} ${role}`

/** What a role may do, as one clause: "Admins can …". Mirrors shared/auth/permissions.ts. */
export const ROLE_ABILITIES: Readonly<Record<Role, string>> = {
  owner: "can do everything an admin can, and also grant or remove the owner role",
  admin: "can invite people, change roles, manage teams and every app, and read the audit log",
  member: "can build apps and use the apps shared with them",
}

export const roleSummary = (role: Role) => `${role.charAt(0).toUpperCase()}${role.slice(1)}s ${ROLE_ABILITIES[role]}.`
