// App data: the documents an app stores in its collections, for the preview's and the published
// app's bridge and the Data tab. Every call names the app and a scope ("draft", the default, or
// "published"): the draft's data is its builders', the published data every user's of the published
// app (app/app-data/app-data-access.server.ts); anyone else gets a 404 like any other.

import { z } from "zod"
import { APP_DATA_LIMITS, APP_DATA_SCOPES, COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE } from "#shared/apps/app-data.ts"
import { mayEditAppData, requireAppDataAccess, requireAppDataEditor } from "../../app-data/app-data-access.server.ts"
import {
  describeAppData,
  getDocument,
  insertDocument,
  listDocuments,
  removeDocument,
  updateDocument,
  type AppDataTarget,
} from "../../app-data/app-data.server.ts"
import type { WebServices } from "../../services.server.ts"
import type { WorkspaceScope } from "../../workspaces/scope.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const scopeSchema = z.enum(APP_DATA_SCOPES, { message: 'scope must be "draft" or "published"' }).default("draft")
const collectionSchema = z.string().regex(COLLECTION_NAME_PATTERN, `collection: ${COLLECTION_NAME_RULE}`)
const documentIdSchema = idSchema
// Shape only; depth and size are the module's to judge (a 400 or 413 naming the limit).
// NOTE: not z.record, which drops a "__proto__" key without a word: the value is passed on as
// parsed, and the module keeps every key as a field (never a prototype), as the builder's tools do.
const dataSchema = z.custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
  message: 'data must be a JSON object of fields, like {"title": "Buy milk", "done": false}',
})

const appDataInput = z.object({ appId: idSchema, scope: scopeSchema })
const documentInput = appDataInput.extend({ collection: collectionSchema, id: documentIdSchema })

interface Context {
  readonly services: WebServices
  readonly scope: WorkspaceScope
}

/** The app's access, if the caller may reach this scope's data, and which of its data the call is about. */
async function visibleTarget(ctx: Context, input: z.infer<typeof appDataInput>) {
  const access = await requireAppDataAccess(ctx.services, ctx.scope, input.appId, input.scope)
  const target: AppDataTarget = { workspaceId: access.app.workspaceId, appId: access.app.id, scope: input.scope }
  return { access, target }
}

/** As visibleTarget, for a change: the caller must also be allowed to edit this scope's data. */
async function editableTarget(ctx: Context, input: z.infer<typeof appDataInput>) {
  const found = await visibleTarget(ctx, input)
  requireAppDataEditor(found.access, input.scope)
  return found.target
}

export const appDataRouter = createTRPCRouter({
  /** The scope's collections with their document counts, its size, and whether the caller may change it. */
  collections: workspaceProcedure("apps:build")
    .input(appDataInput)
    .query(async ({ ctx, input }) => {
      const { access, target } = await visibleTarget(ctx, input)
      return { ...(await describeAppData(ctx.services, target)), canEdit: mayEditAppData(access, input.scope) }
    }),

  /** A page of one collection, oldest first; pass nextCursor back as cursor for the next. */
  list: workspaceProcedure("apps:build")
    .input(
      appDataInput.extend({
        collection: collectionSchema,
        cursor: z.string().max(200, "cursor must be at most 200 characters").nullish(),
        limit: z.number().int().min(1).max(APP_DATA_LIMITS.maxPageSize, `limit must be at most ${APP_DATA_LIMITS.maxPageSize}`).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { target } = await visibleTarget(ctx, input)
      return listDocuments(ctx.services, target, { collection: input.collection, cursor: input.cursor, limit: input.limit })
    }),

  get: workspaceProcedure("apps:build")
    .input(documentInput)
    .query(async ({ ctx, input }) => getDocument(ctx.services, (await visibleTarget(ctx, input)).target, input.collection, input.id)),

  /** Adds a document; answers it with its id and times. */
  insert: workspaceProcedure("apps:build")
    .input(appDataInput.extend({ collection: collectionSchema, data: dataSchema }))
    .mutation(async ({ ctx, input }) => insertDocument(ctx.services, await editableTarget(ctx, input), input.collection, input.data)),

  /** Sets the given fields of a document and keeps the others; answers the document as it is now. */
  update: workspaceProcedure("apps:build")
    .input(documentInput.extend({ data: dataSchema }))
    .mutation(async ({ ctx, input }) => updateDocument(ctx.services, await editableTarget(ctx, input), input.collection, input.id, input.data)),

  remove: workspaceProcedure("apps:build")
    .input(documentInput)
    .mutation(async ({ ctx, input }) => {
      const { id } = await removeDocument(ctx.services, await editableTarget(ctx, input), input.collection, input.id)
      return { deleted: true as const, id }
    }),
})
