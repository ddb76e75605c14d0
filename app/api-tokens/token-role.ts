// A token never acts above the person who made it: its role and theirs, the lower one wins.

import { ROLES, type Role } from "#shared/auth/permissions.ts"

/** ROLES runs from the most to the least privileged, so the later one is the lower. */
export const lowerRole = (a: Role, b: Role): Role => (ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b)

/** Whether `role` is no higher than `ceiling`. */
export const isWithin = (role: Role, ceiling: Role) => lowerRole(role, ceiling) === role

/** The roles a person with `ceiling` may give a token, highest first. */
export const rolesWithin = (ceiling: Role): Role[] => ROLES.filter((role) => isWithin(role, ceiling))
