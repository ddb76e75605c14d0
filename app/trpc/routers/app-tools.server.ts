// appTools: the app's own backend functions (agents.json `appTools`), called by the app's code
// through the SDK and the preview bridge as the signed-in viewer. The call names the tool and its
// input only; the approved definition is found on the server by name. In scope "draft" (the
// default) the draft's approval counts and only builders may call; in scope "published" the
// current release's, for anyone the app is published to (app/apps/app-access.server.ts). A person has at
// most APP_TOOL_CALLS_IN_FLIGHT calls of one app in flight in this process; more are refused with
// TOO_MANY_REQUESTS rather than queued, so a runaway loop cannot hold the process's sockets.

import { TRPCError } from "@trpc/server"
import { z } from "zod"
import { TOOL_NAME_PATTERN } from "#shared/agents/agents-config.ts"
import { executeAppTool, isAppToolRefusal, type AppToolRefusal } from "../../agents/app-tool-execution.server.ts"
import { appToolCallSlots, appToolSlotKey, tooManyAppToolCallsMessage } from "../../agents/app-tool-slots.server.ts"
import { requireBuildableApp, requireUsableApp } from "../../apps/app-access.server.ts"
import { notFound } from "../../errors.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

// Shape only (a JSON object of the tool's parameters); the parameters themselves are the tool's to judge.
const inputSchema = z
  .custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
    message: 'input must be a JSON object of the tool\'s parameters, like {"email": "ada@example.com"}',
  })
  .default({})

const TRPC_CODES = { 400: "BAD_REQUEST", 403: "FORBIDDEN", 502: "BAD_GATEWAY" } as const satisfies Record<AppToolRefusal["status"], TRPCError["code"]>

export const appToolsRouter = createTRPCRouter({
  /** Runs one of the app's approved appTools; answers { mock, mockReason, status, body }. */
  execute: workspaceProcedure("apps:build")
    .input(
      z.object({
        appId: idSchema,
        toolName: z.string().regex(TOOL_NAME_PATTERN, "toolName must be an appTools name from agents.json (snake_case)"),
        input: inputSchema,
        scope: z.enum(["draft", "published"], { message: 'scope must be "draft" or "published"' }).default("draft"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const app =
        input.scope === "draft" ? await requireBuildableApp(ctx.services, ctx.scope, input.appId) : (await requireUsableApp(ctx.services, ctx.scope, input.appId)).app
      if (app.deleting) throw notFound("App")
      const release = appToolCallSlots.take(appToolSlotKey(ctx.scope.user.id, app.id))
      if (release === null) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: tooManyAppToolCallsMessage })
      let answer: Awaited<ReturnType<typeof executeAppTool>>
      try {
        answer = await executeAppTool(ctx.services, {
          workspaceId: app.workspaceId,
          app,
          scope: input.scope,
          agentId: null,
          toolName: input.toolName,
          input: input.input as Parameters<typeof executeAppTool>[1]["input"],
          identityUserId: ctx.scope.user.id,
        })
      } finally {
        release()
      }
      if (isAppToolRefusal(answer)) throw new TRPCError({ code: TRPC_CODES[answer.status], message: answer.message })
      return answer
    }),
})
