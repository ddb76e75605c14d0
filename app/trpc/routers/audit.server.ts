// The workspace audit trail, for admins: the raw events (list), the events with the names of the
// people and things they mention, as the audit page shows them (feed), both filtered and paged on
// the keyset; and how long the log is kept (retention, setRetention).

import { z } from "zod"
import { auditDirectory } from "../../audit/audit-directory.server.ts"
import { encodeAuditCursor, parseAuditCursor, parseAuditFilters, readAuditPage } from "../../audit/audit-query.server.ts"
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, setAuditRetention } from "../../audit/audit-retention.server.ts"
import type { WebServices } from "../../services.server.ts"
import { createTRPCRouter, workspaceProcedure } from "../init.server.ts"

const optionalText = z.string().max(100).optional()

const page = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  /** The nextCursor of the previous page (feed), or `${occurredAt}_${id}` of the last event read (list). */
  cursor: z.string().max(100).optional(),
  actorUserId: optionalText,
  /** One action ("app.published") or a family ending in a dot ("app."). */
  action: optionalText,
  appId: optionalText,
  /** A UTC day (YYYY-MM-DD) or an ISO time, both ends inclusive. */
  from: optionalText,
  to: optionalText,
})

type PageInput = z.infer<typeof page>

/** Newest first. Bad filters and cursors are 400s that name the input (see audit-query.server.ts). */
const readPage = (services: WebServices, workspaceId: string, input: PageInput) =>
  readAuditPage(services.store, workspaceId, parseAuditFilters(input), {
    limit: input.limit,
    after: input.cursor === undefined ? null : parseAuditCursor(input.cursor),
    order: "newest",
  })

export const auditRouter = createTRPCRouter({
  list: workspaceProcedure("audit:read")
    .input(page)
    .query(async ({ ctx, input }) => (await readPage(ctx.services, ctx.scope.workspace.id, input)).events),

  feed: workspaceProcedure("audit:read")
    .input(page)
    .query(async ({ ctx, input }) => {
      const { events, next } = await readPage(ctx.services, ctx.scope.workspace.id, input)
      return {
        events,
        directory: await auditDirectory(ctx.services.store, ctx.scope.workspace.id, events),
        nextCursor: next === null ? null : encodeAuditCursor(next),
      }
    }),

  retention: workspaceProcedure("audit:read").query(({ ctx }) => ({ retentionDays: ctx.scope.workspace.auditRetentionDays ?? null })),

  // Shortening the retention deletes history, so it takes more than reading the log.
  setRetention: workspaceProcedure("workspace:manage", { browserOnly: true })
    .input(
      z.object({
        retentionDays: z
          .number()
          .int()
          .min(MIN_RETENTION_DAYS, `keep events at least ${MIN_RETENTION_DAYS} days (or forever)`)
          .max(MAX_RETENTION_DAYS, `keep events at most ${MAX_RETENTION_DAYS} days, or forever`)
          .nullable(),
      }),
    )
    .mutation(({ ctx, input }) =>
      setAuditRetention(ctx.services.store, { workspace: ctx.scope.workspace, userId: ctx.scope.user.id }, input.retentionDays),
    ),
})
