// App agent runs: trigger one of the app's approved agents as the signed-in person, read one, list
// an app's (newest first), cancel. Who triggered a run is always the session's user: the input
// has no field for it (other unknown keys are dropped, and a `triggeredByUserId` is refused outright).

import { z } from "zod"
import { AGENT_ID_PATTERN } from "#shared/agents/agents-config.ts"
import { AGENT_RUNS_PAGE, cancelAgentRun, getAgentRun, listAgentRuns, triggerAgentRun } from "../../agents/agent-runs.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const agentIdSchema = z.string().regex(AGENT_ID_PATTERN, "must be an agent id from agents.json (lower-case words joined by -)")
const runInput = z.object({ runId: idSchema })

export const agentRunsRouter = createTRPCRouter({
  /** Starts the agent; answers at once with the run (queued, running, or failed when no worker took it). */
  trigger: workspaceProcedure("apps:build")
    .input(
      z.object({
        appId: idSchema,
        agentId: agentIdSchema,
        prompt: z.string().trim().min(1, "the prompt must not be empty").max(20_000, "the prompt must be at most 20,000 characters"),
        scope: z.enum(["draft", "published"]).optional(),
        triggeredByUserId: z
          .never({
            message: "is set by the server from your session; leave it out",
          })
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const run = await triggerAgentRun(ctx.services, ctx.scope, {
        appId: input.appId,
        agentId: input.agentId,
        prompt: input.prompt,
        scope: input.scope,
      })
      return { runId: run.id, run }
    }),

  get: workspaceProcedure("apps:build")
    .input(runInput)
    .query(({ ctx, input }) => getAgentRun(ctx.services, ctx.scope, input.runId)),

  /** The app's agent runs, newest first, without transcripts (get has them). */
  list: workspaceProcedure("apps:build")
    .input(z.object({ appId: idSchema, agentId: agentIdSchema.optional(), limit: z.number().int().min(1).max(AGENT_RUNS_PAGE.max).optional() }))
    .query(({ ctx, input }) => listAgentRuns(ctx.services, ctx.scope, input)),

  /** Stops the run within 2 s: the worker's confirmation, or the web ends it itself. */
  cancel: workspaceProcedure("apps:build")
    .input(runInput)
    .mutation(({ ctx, input }) => cancelAgentRun(ctx.services, ctx.scope, input.runId)),
})
