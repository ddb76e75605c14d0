// Invitations: admins issue, resend and revoke them; the invitee previews and accepts by link.

import { z } from "zod"
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from "../../workspaces/invitations.server.ts"
import { createTRPCRouter, idSchema, protectedProcedure, publicProcedure, workspaceProcedure } from "../init.server.ts"
import { emailSchema, invitationTokenSchema, roleSchema } from "../schemas.server.ts"

const withUrl = <T extends { path: string }>(issued: T, publicUrl: URL) => ({ ...issued, url: new URL(issued.path, publicUrl).href })

export const invitationsRouter = createTRPCRouter({
  list: workspaceProcedure("members:invite").query(({ ctx }) => listInvitations(ctx.services, ctx.scope.workspace.id)),

  // Browser-only: an invitation grants a role, which API tokens never do.
  create: workspaceProcedure("members:invite", { browserOnly: true })
    .input(z.object({ email: emailSchema, role: roleSchema, teamIds: z.array(idSchema).max(50).default([]) }))
    .mutation(async ({ ctx, input }) =>
      withUrl(await createInvitation(ctx.services, ctx.scope, input), ctx.services.config.publicUrl),
    ),

  resend: workspaceProcedure("members:invite", { browserOnly: true })
    .input(z.object({ invitationId: idSchema }))
    .mutation(async ({ ctx, input }) =>
      withUrl(await resendInvitation(ctx.services, ctx.scope, input.invitationId), ctx.services.config.publicUrl),
    ),

  revoke: workspaceProcedure("members:invite")
    .input(z.object({ invitationId: idSchema }))
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(ctx.services, ctx.scope, input.invitationId)
      return { revoked: true }
    }),

  preview: publicProcedure
    .input(z.object({ token: invitationTokenSchema }))
    .query(({ ctx, input }) => previewInvitation(ctx.services, input.token)),

  accept: protectedProcedure
    .input(z.object({ token: invitationTokenSchema }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx.services, ctx.viewer.user, input.token)),
})
