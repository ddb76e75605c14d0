// Settings → Integrations: the workspace's customer-owned OAuth clients (admins). The client
// secret is write-only: saved through the secret store, reported back only as hasClientSecret.

import { z } from "zod"
import { deleteProvider, listProviders, saveProvider } from "../../integrations/oauth/oauth-providers.server.ts"
import { providerKeySchema, providerSaveSchema } from "../../integrations/oauth/provider-input.server.ts"
import { createTRPCRouter, workspaceProcedure } from "../init.server.ts"

export const oauthProvidersRouter = createTRPCRouter({
  list: workspaceProcedure("integrations:manage").query(({ ctx }) => listProviders(ctx.services, ctx.scope)),

  save: workspaceProcedure("integrations:manage")
    .input(providerSaveSchema)
    .mutation(({ ctx, input }) => {
      const { workspaceId: _workspaceId, ...fields } = input
      return saveProvider(ctx.services, ctx.scope, fields)
    }),

  delete: workspaceProcedure("integrations:manage")
    .input(z.object({ providerKey: providerKeySchema }))
    .mutation(({ ctx, input }) => deleteProvider(ctx.services, ctx.scope, input.providerKey)),
})
