// An app's agents under review: the Agents page's overview, approving the draft's agents.json as the
// person saw it (by its hash), and revoking an approval. Each answers with the overview as it is after.

import { z } from "zod"
import { agentsOverview } from "../../agents/agents-overview.server.ts"
import { approveAgents, revokeAgents } from "../../agents/approvals.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const appInput = z.object({ appId: idSchema })

export const agentsHashSchema = z.string().regex(/^v1:[0-9a-f]{64}$/, "must be the agents' hash as the Agents page shows it (v1: and 64 hex digits)")

export const agentsRouter = createTRPCRouter({
  /** What the draft declares, its problems and hash, who approved what, the diff since, and what the viewer may do. */
  overview: workspaceProcedure("apps:build")
    .input(appInput)
    .query(({ ctx, input }) => agentsOverview(ctx.services, ctx.scope, input.appId)),

  /** Live for owners and admins, mock-only for other builders; CONFLICT (reason agents_changed) when the draft moved on. */
  approve: workspaceProcedure("apps:build")
    .input(appInput.extend({ expectedHash: agentsHashSchema }))
    .mutation(async ({ ctx, input }) => {
      await approveAgents(ctx.services, ctx.scope, input.appId, input.expectedHash)
      return agentsOverview(ctx.services, ctx.scope, input.appId)
    }),

  /** The draft's approval by default; `published` takes back the published app's. */
  revoke: workspaceProcedure("apps:build")
    .input(appInput.extend({ slot: z.enum(["draft", "published"], { message: "the slot must be draft or published" }).optional() }))
    .mutation(async ({ ctx, input }) => {
      await revokeAgents(ctx.services, ctx.scope, input.appId, input.slot ?? "draft")
      return agentsOverview(ctx.services, ctx.scope, input.appId)
    }),
})
