// Input shapes shared by routers and page actions, with limits and messages that say what to fix.

import { z } from "zod"
import { ROLES } from "#shared/auth/permissions.ts"
import { canonicalName, unshowableCharacter } from "../text/names.ts"

/** Every name people give things (workspaces, teams, apps, themselves): see app/text/names.ts. */
export const nameSchema = (what: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const character = unshowableCharacter(value)
      if (character) {
        ctx.addIssue({ code: "custom", message: `${what} must not contain ${character}: control, invisible and text-direction characters are not allowed` })
      }
    })
    .transform(canonicalName)
    .pipe(z.string().min(1, `${what} must not be empty`).max(80, `${what} must be at most 80 characters`))

export const emailSchema = z
  .string()
  .trim()
  .max(254, "email must be at most 254 characters")
  .pipe(z.email("must be an email address like ada@example.com"))

export const roleSchema = z.enum(ROLES, { message: "role must be owner, admin or member" })

/** Invitation links carry 256 random bits as 52 base32 characters. */
export const invitationTokenSchema = z.string().regex(/^[a-z2-7]{52}$/, "is not an invitation token")

export const sessionIdSchema = z.string().regex(/^[0-9a-f]{64}$/, "is not a session id")
