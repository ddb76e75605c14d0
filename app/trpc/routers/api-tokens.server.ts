// apiTokens: personal API tokens for scripts (Account page). Listing is open to tokens; making
// and revoking them is browser-only, so a leaked token can neither copy nor hide itself.

import { z } from "zod"
import { API_TOKEN_EXPIRY_DAYS } from "../../api-tokens/api-token-text.ts"
import { createApiToken, listApiTokens, revokeApiToken } from "../../api-tokens/api-tokens.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"
import { nameSchema, roleSchema } from "../schemas.server.ts"

const expiresInDaysSchema = z.union(
  API_TOKEN_EXPIRY_DAYS.map((days) => z.literal(days)) as unknown as [z.ZodLiteral<7>, z.ZodLiteral<30>, z.ZodLiteral<90>, z.ZodLiteral<365>],
  { message: `expiresInDays must be one of ${API_TOKEN_EXPIRY_DAYS.join(", ")}` },
)

export const apiTokensRouter = createTRPCRouter({
  /** The caller's tokens in the workspace; admins (tokens:manage) see every member's. */
  list: workspaceProcedure("tokens:create").query(async ({ ctx }) => ({ tokens: await listApiTokens(ctx.services, ctx.scope) })),

  /** The only answer that carries the token itself. */
  create: workspaceProcedure("tokens:create", { browserOnly: true })
    .input(z.object({ name: nameSchema("name"), role: roleSchema, expiresInDays: expiresInDaysSchema }))
    .mutation(({ ctx, input }) => createApiToken(ctx.services, ctx.scope, input)),

  revoke: workspaceProcedure("tokens:create", { browserOnly: true })
    .input(z.object({ tokenId: idSchema }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiToken(ctx.services, ctx.scope, input.tokenId)
      return { revoked: true }
    }),
})
