// The workspace audit trail, for admins: the raw events (list), and the events with the names of
// the people and things they mention, as the audit page shows them (feed).

import { z } from "zod"
import { auditDirectory } from "../../audit/audit-directory.server.ts"
import { listAudit } from "../../audit/audit.server.ts"
import { createTRPCRouter, workspaceProcedure } from "../init.server.ts"

const page = z.object({ limit: z.number().int().min(1).max(500).default(100) })

export const auditRouter = createTRPCRouter({
  list: workspaceProcedure("audit:read")
    .input(page)
    .query(({ ctx, input }) => listAudit(ctx.services.store, ctx.scope.workspace.id, { limit: input.limit })),

  feed: workspaceProcedure("audit:read")
    .input(page)
    .query(async ({ ctx, input }) => {
      const events = await listAudit(ctx.services.store, ctx.scope.workspace.id, { limit: input.limit })
      return { events, directory: await auditDirectory(ctx.services.store, ctx.scope.workspace.id, events) }
    }),
})
