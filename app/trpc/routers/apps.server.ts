// Apps: list, create from a prompt (which sends the first builder message), get, rename, delete,
// read the current source, and the runtimes the worker can use with the models each offers.

import { z } from "zod"
import { MODEL_NAME_PATTERN } from "#shared/runtime/cli-arguments.ts"
import { RUNTIME_IDS } from "#shared/runtime/run-event.ts"
import { requireBuildableApp } from "../../apps/app-access.server.ts"
import { listRuntimes, requireOfferedModel } from "../../apps/runtime-models.server.ts"
import { createApp, deleteApp, getAppFiles, listApps, renameApp, setCollaborator, summarizeApp } from "../../apps/apps.server.ts"
import { sendMessage } from "../../runs/runs.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"
import { nameSchema } from "../schemas.server.ts"

export const promptSchema = z.string().trim().min(1, "the message must not be empty").max(100_000, "the message must be at most 100,000 characters")
export const runtimeSchema = z.enum(RUNTIME_IDS, { message: `the runtime must be one of ${RUNTIME_IDS.join(", ")}` })
export const modelSchema = z
  .string()
  .trim()
  .max(200, "the model name must be at most 200 characters")
  .refine((model) => model === "" || MODEL_NAME_PATTERN.test(model), "the model name may contain only letters, digits and . _ : / @ -, and starts with a letter or digit")
  .transform((model) => (model.length > 0 ? model : null))
  .nullable()

const appInput = z.object({ appId: idSchema })

export const appsRouter = createTRPCRouter({
  list: workspaceProcedure("apps:build").query(({ ctx }) => listApps(ctx.services, ctx.scope)),

  get: workspaceProcedure("apps:build")
    .input(appInput)
    .query(async ({ ctx, input }) => summarizeApp(await requireBuildableApp(ctx.services, ctx.scope, input.appId))),

  /** Creates the app and sends its prompt as the first builder message. */
  create: workspaceProcedure("apps:build")
    .input(z.object({ prompt: promptSchema, runtime: runtimeSchema, model: modelSchema.optional(), name: nameSchema("name").optional() }))
    .mutation(async ({ ctx, input }) => {
      // Before anything is written: a refused model leaves no app behind.
      await requireOfferedModel(ctx.services, input.runtime, input.model ?? null)
      const app = await createApp(ctx.services, ctx.scope, { prompt: input.prompt, runtime: input.runtime, model: input.model ?? null, name: input.name })
      const run = await sendMessage(ctx.services, ctx.scope, app.id, { prompt: input.prompt })
      return { app: summarizeApp(app), run }
    }),

  rename: workspaceProcedure("apps:build")
    .input(appInput.extend({ name: nameSchema("name") }))
    .mutation(({ ctx, input }) => renameApp(ctx.services, ctx.scope, input.appId, input.name)),

  delete: workspaceProcedure("apps:build")
    .input(appInput)
    .mutation(async ({ ctx, input }) => {
      await deleteApp(ctx.services, ctx.scope, input.appId)
      return { deleted: true }
    }),

  addCollaborator: workspaceProcedure("apps:build")
    .input(appInput.extend({ userId: idSchema }))
    .mutation(({ ctx, input }) => setCollaborator(ctx.services, ctx.scope, input.appId, input.userId, true)),

  removeCollaborator: workspaceProcedure("apps:build")
    .input(appInput.extend({ userId: idSchema }))
    .mutation(({ ctx, input }) => setCollaborator(ctx.services, ctx.scope, input.appId, input.userId, false)),

  files: workspaceProcedure("apps:build").input(appInput).query(({ ctx, input }) => getAppFiles(ctx.services, ctx.scope, input.appId)),

  /** What the runtime picker offers: each runtime, why it cannot be used when it cannot, and its models. */
  runtimes: workspaceProcedure("apps:build").query(({ ctx }) => listRuntimes(ctx.services)),
})
