// The builder's `app_data` tool set: read and write the app's draft data, in the collections the
// app declares in second.json. One schema per tool, advertised to the runtimes as JSON Schema and
// decoded by the worker and again by the web, which does the work (the data is durable state).

import { Schema } from "effect"
import { COLLECTION_NAME_PATTERN } from "../apps/app-data.ts"
import type { AppDataToolName } from "./tool-names.ts"

const Collection = Schema.String.check(Schema.isPattern(COLLECTION_NAME_PATTERN)).annotate({
  description: "A collection the app declares in second.json's dataCollections.",
})
const DocumentId = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(64))
const Data = Schema.Record(Schema.String, Schema.Unknown).annotate({ description: "The document's fields, as a JSON object." })

export const ListDocumentsInput = Schema.Struct({
  collection: Collection,
  cursor: Schema.optionalKey(Schema.NullOr(Schema.String.check(Schema.isMaxLength(200)))),
  limit: Schema.optionalKey(Schema.NullOr(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })))),
})
export const InsertDocumentInput = Schema.Struct({ collection: Collection, data: Data })
export const UpdateDocumentInput = Schema.Struct({
  collection: Collection,
  id: DocumentId,
  data: Data.annotate({ description: "Fields to set; the others are kept." }),
})
export const DeleteDocumentInput = Schema.Struct({ collection: Collection, id: DocumentId })

interface AppDataToolDefinition {
  readonly description: string
  readonly input: Schema.Top
}

export const APP_DATA_TOOLS: { readonly [K in AppDataToolName]: AppDataToolDefinition } = {
  list_documents: {
    description: "List documents of one of the app's data collections, newest last, a page at a time (pass nextCursor back as cursor).",
    input: ListDocumentsInput,
  },
  insert_document: {
    description: "Add a document to one of the app's data collections (e.g. sample data the app shows). Returns the stored document with its id.",
    input: InsertDocumentInput,
  },
  update_document: {
    description: "Set fields of one document in one of the app's data collections; fields not given are kept.",
    input: UpdateDocumentInput,
  },
  delete_document: {
    description: "Delete one document from one of the app's data collections.",
    input: DeleteDocumentInput,
  },
}
