// Usage and cost: the workspace's figures for admins (Settings → Usage and its CSV), and one
// app's own for the people who build it.

import { z } from "zod"
import { USAGE_GROUPS, usageRange, type UsageRange } from "#shared/usage/usage-range.ts"
import { requireBuildableApp } from "../../apps/app-access.server.ts"
import { AppError } from "../../errors.server.ts"
import { usageReport } from "../../usage/usage-report.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const dayInput = z.string().max(40).optional()
const rangeInput = { from: dayInput, to: dayInput }

function requireRange(input: { from?: string | undefined; to?: string | undefined }): UsageRange {
  const answer = usageRange(input)
  if (!answer.ok) throw new AppError("BAD_REQUEST", answer.message)
  return answer.range
}

export const usageRouter = createTRPCRouter({
  summary: workspaceProcedure("usage:read")
    .input(z.object({ ...rangeInput, groupBy: z.enum(USAGE_GROUPS) }))
    .query(({ ctx, input }) => usageReport(ctx.services.store, { workspaceId: ctx.scope.workspace.id }, requireRange(input), input.groupBy)),

  forApp: workspaceProcedure("apps:build")
    .input(z.object({ appId: idSchema, ...rangeInput }))
    .query(async ({ ctx, input }) => {
      const app = await requireBuildableApp(ctx.services, ctx.scope, input.appId)
      const range = requireRange(input)
      const report = await usageReport(ctx.services.store, { workspaceId: app.workspaceId, appId: app.id }, range, "day")
      return { from: report.from, to: report.to, days: report.rows, totals: report.totals }
    }),
})
