// Members of a workspace: list, change role, remove.

import { z } from "zod"
import { stopAgentRunsWithoutAccess } from "../../agents/agent-run-access.server.ts"
import { revokeMemberTokens } from "../../api-tokens/api-tokens.server.ts"
import { changeRole, listMembers, removeMember } from "../../workspaces/members.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"
import { roleSchema } from "../schemas.server.ts"

export const membersRouter = createTRPCRouter({
  list: workspaceProcedure("members:view").query(({ ctx }) => listMembers(ctx.services, ctx.scope.workspace.id)),

  // Browser-only: an API token never changes roles (owner transfer included).
  changeRole: workspaceProcedure("members:manage", { browserOnly: true })
    .input(z.object({ userId: idSchema, role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      await changeRole(ctx.services, ctx.scope, input.userId, input.role)
      // An admin made a member no longer sees others' apps: their agent runs there stop.
      await stopAgentRunsWithoutAccess(ctx.services, { workspaceId: ctx.scope.workspace.id, userId: input.userId, byUserId: ctx.scope.user.id })
      return { userId: input.userId, role: input.role }
    }),

  remove: workspaceProcedure("members:manage", { browserOnly: true })
    .input(z.object({ userId: idSchema }))
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.services, ctx.scope, input.userId)
      await revokeMemberTokens(ctx.services, ctx.scope.workspace.id, input.userId, ctx.scope.user.id)
      // Their agent runs act as them: they stop with the membership.
      await stopAgentRunsWithoutAccess(ctx.services, { workspaceId: ctx.scope.workspace.id, userId: input.userId, byUserId: ctx.scope.user.id })
      return { removed: true }
    }),
})
