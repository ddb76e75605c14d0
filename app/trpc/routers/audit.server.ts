// The workspace audit trail, for admins.

import { z } from "zod"
import { listAudit } from "../../audit/audit.server.ts"
import { createTRPCRouter, workspaceProcedure } from "../init.server.ts"

export const auditRouter = createTRPCRouter({
  list: workspaceProcedure("audit:read")
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => listAudit(ctx.services.store, ctx.scope.workspace.id, { limit: input.limit })),
})
