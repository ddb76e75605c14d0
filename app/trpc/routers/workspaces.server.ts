// Workspaces: mine, create, view, rename.

import { z } from "zod"
import { PERMISSIONS, can, type Permission } from "#shared/auth/permissions.ts"
import { createWorkspace, listWorkspacesOf, renameWorkspace } from "../../workspaces/workspaces.server.ts"
import { createTRPCRouter, protectedProcedure, workspaceProcedure } from "../init.server.ts"
import { nameSchema } from "../schemas.server.ts"

export const workspacesRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listWorkspacesOf(ctx.services, ctx.viewer.user.id)),

  create: protectedProcedure.input(z.object({ name: nameSchema("name") })).mutation(async ({ ctx, input }) => {
    const workspace = await createWorkspace(ctx.services, ctx.viewer.user, { name: input.name })
    return { id: workspace.id, name: workspace.name }
  }),

  get: workspaceProcedure("workspace:view").query(({ ctx }) => ({
    id: ctx.scope.workspace.id,
    name: ctx.scope.workspace.name,
    defaultTeamId: ctx.scope.workspace.defaultTeamId,
    role: ctx.scope.membership.role,
    /** What the caller may do here, so pages show only the controls that will work. */
    permissions: (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => can(ctx.scope.membership.role, permission)),
  })),

  rename: workspaceProcedure("workspace:manage")
    .input(z.object({ name: nameSchema("name") }))
    .mutation(async ({ ctx, input }) => {
      const workspace = await renameWorkspace(ctx.services, ctx.scope, input.name)
      return { id: workspace.id, name: workspace.name }
    }),
})
