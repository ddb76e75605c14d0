// Settings → Connected apps: each member connects their own account at the providers the
// workspace's apps need, and disconnects it. The callback half is routes/api.oauth.callback.ts.

import { z } from "zod"
import { startConnection } from "../../integrations/oauth/connect-start.server.ts"
import { disconnect, listConnections } from "../../integrations/oauth/connections.server.ts"
import { providerKeySchema } from "../../integrations/oauth/provider-input.server.ts"
import { createTRPCRouter, workspaceProcedure } from "../init.server.ts"

export const connectionsRouter = createTRPCRouter({
  list: workspaceProcedure("integrations:connect").query(({ ctx }) => listConnections(ctx.services, ctx.scope)),

  // Browser-only: the provider sends the person back to this browser session.
  start: workspaceProcedure("integrations:connect", { browserOnly: true })
    .input(z.object({ providerKey: providerKeySchema, returnTo: z.string().max(2048, "returnTo must be at most 2048 characters").optional() }))
    .mutation(({ ctx, input }) => startConnection(ctx.services, ctx.scope, ctx.viewer, { providerKey: input.providerKey, returnTo: input.returnTo })),

  disconnect: workspaceProcedure("integrations:connect")
    .input(z.object({ providerKey: providerKeySchema }))
    .mutation(({ ctx, input }) => disconnect(ctx.services, ctx.scope, input.providerKey)),
})
