// Teams: everyone sees them; admins create, rename, delete and staff them.

import { z } from "zod"
import {
  addTeamMember,
  createTeam,
  deleteTeam,
  listTeams,
  removeTeamMember,
  renameTeam,
} from "../../workspaces/teams.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"
import { nameSchema } from "../schemas.server.ts"

const teamInput = z.object({ teamId: idSchema })
const teamMemberInput = z.object({ teamId: idSchema, userId: idSchema })

export const teamsRouter = createTRPCRouter({
  list: workspaceProcedure("teams:view").query(({ ctx }) => listTeams(ctx.services, ctx.scope.workspace.id)),

  create: workspaceProcedure("teams:manage")
    .input(z.object({ name: nameSchema("name") }))
    .mutation(({ ctx, input }) => createTeam(ctx.services, ctx.scope, input.name)),

  rename: workspaceProcedure("teams:manage")
    .input(teamInput.extend({ name: nameSchema("name") }))
    .mutation(async ({ ctx, input }) => {
      await renameTeam(ctx.services, ctx.scope, input.teamId, input.name)
      return { teamId: input.teamId, name: input.name }
    }),

  delete: workspaceProcedure("teams:manage")
    .input(teamInput)
    .mutation(async ({ ctx, input }) => {
      await deleteTeam(ctx.services, ctx.scope, input.teamId)
      return { deleted: true }
    }),

  addMember: workspaceProcedure("teams:manage")
    .input(teamMemberInput)
    .mutation(async ({ ctx, input }) => {
      await addTeamMember(ctx.services, ctx.scope, input.teamId, input.userId)
      return { added: true }
    }),

  removeMember: workspaceProcedure("teams:manage")
    .input(teamMemberInput)
    .mutation(async ({ ctx, input }) => {
      await removeTeamMember(ctx.services, ctx.scope, input.teamId, input.userId)
      return { removed: true }
    }),
})
