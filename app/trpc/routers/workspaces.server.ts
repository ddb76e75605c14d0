// Workspaces: mine, create, view, rename, and the runtime settings of their app frames.

import { z } from "zod"
import { PERMISSIONS, can, type Permission } from "#shared/auth/permissions.ts"
import { framePolicy } from "#shared/apps/frame-policy.ts"
import { appRuntimeSettingsOf, saveAppRuntimeSettings } from "../../workspaces/app-runtime-settings.server.ts"
import { createWorkspace, listWorkspacesOf, renameWorkspace } from "../../workspaces/workspaces.server.ts"
import { workspacesForViewer } from "../../api-tokens/viewer-membership.server.ts"
import { createTRPCRouter, protectedProcedure, tokenReadableProcedure, workspaceProcedure } from "../init.server.ts"
import { nameSchema } from "../schemas.server.ts"

export const workspacesRouter = createTRPCRouter({
  // A script with a token sees the token's workspace only.
  list: tokenReadableProcedure.query(async ({ ctx }) => workspacesForViewer(ctx.viewer, await listWorkspacesOf(ctx.services, ctx.viewer.user.id))),

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

  /** Everyone sees them (the app pages frame apps by them); only admins change them. */
  runtimeSettings: workspaceProcedure("workspace:view").query(({ ctx }) => {
    const settings = appRuntimeSettingsOf(ctx.scope.workspace)
    return { settings, frame: framePolicy(settings) }
  }),

  saveRuntimeSettings: workspaceProcedure("workspace:manage", { browserOnly: true })
    .input(z.object({ scripts: z.boolean(), clipboard: z.boolean(), externalLinks: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const settings = await saveAppRuntimeSettings(ctx.services, ctx.scope, input)
      return { settings, frame: framePolicy(settings) }
    }),
})
