// Builder runs: list an app's conversation, send a message (one turn), stop, retry a failure, approve
// the plan a turn ended with.

import { z } from "zod"
import { requireBuildableApp } from "../../apps/app-access.server.ts"
import { requireOfferedModel } from "../../apps/runtime-models.server.ts"
import { approveRun } from "../../runs/approvals.server.ts"
import { RUNS_PAGE } from "../../runs/run-pages.ts"
import { listRuns, retryRun, sendMessage, stopRun } from "../../runs/runs.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"
import { modelSchema, promptSchema, runtimeSchema } from "./apps.server.ts"

const runInput = z.object({ runId: idSchema })

export const runsRouter = createTRPCRouter({
  /** The latest runs, oldest first, or (`before`: the oldest run you have) the page before them; hasEarlier says if there is more. */
  list: workspaceProcedure("apps:build")
    .input(z.object({ appId: idSchema, limit: z.number().int().min(1).max(RUNS_PAGE.max).optional(), before: idSchema.optional() }))
    .query(({ ctx, input }) => listRuns(ctx.services, ctx.scope, input.appId, { limit: input.limit, before: input.before })),

  send: workspaceProcedure("apps:build")
    .input(z.object({ appId: idSchema, prompt: promptSchema, runtime: runtimeSchema.optional(), model: modelSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      // A model picked with no runtime is for the app's current one.
      if (typeof input.model === "string") {
        const runtime = input.runtime ?? (await requireBuildableApp(ctx.services, ctx.scope, input.appId)).runtime
        await requireOfferedModel(ctx.services, runtime, input.model)
      }
      return sendMessage(ctx.services, ctx.scope, input.appId, { prompt: input.prompt, runtime: input.runtime, model: input.model })
    }),

  stop: workspaceProcedure("apps:build")
    .input(runInput)
    .mutation(({ ctx, input }) => stopRun(ctx.services, ctx.scope, input.runId)),

  retry: workspaceProcedure("apps:build")
    .input(runInput)
    .mutation(({ ctx, input }) => retryRun(ctx.services, ctx.scope, input.runId)),

  /** Approves the plan the app's latest run ended with, once, and sends the builder the message to build it. */
  approve: workspaceProcedure("apps:build")
    .input(runInput)
    .mutation(({ ctx, input }) => approveRun(ctx.services, ctx.scope, input.runId)),
})
