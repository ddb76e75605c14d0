// An app's own data: schemaless JSON documents in named collections, kept per app in two scopes
// (the draft the builders work on, and the published app's). These are the names, limits and
// shapes every side agrees on: the web's store and tRPC procedures, the preview bridge, and the
// builder's app_data tools. Plain TypeScript, so the browser can import it.

export const APP_DATA_SCOPES = ["draft", "published"] as const
export type AppDataScope = (typeof APP_DATA_SCOPES)[number]

/** A collection name: what `useCollection("todos")` names. */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/
export const COLLECTION_NAME_RULE = "a collection name is 1–64 letters, digits, '_' or '-', starting with a letter"

export const APP_DATA_LIMITS = {
  /** One document's data, as JSON in UTF-8. */
  maxDocumentBytes: 64 * 1024,
  /** All documents of one app in one scope. */
  maxScopeBytes: 20 * 1024 * 1024,
  /** Collections per app and scope. */
  maxCollections: 100,
  /** Documents a list returns at most per page. */
  maxPageSize: 100,
  defaultPageSize: 50,
  /** How deep a document may nest. */
  maxDepth: 32,
} as const

export interface AppDataDocument {
  readonly id: string
  readonly collection: string
  readonly data: Readonly<Record<string, unknown>>
  readonly createdAt: string
  readonly updatedAt: string
}

export interface AppDataPage {
  readonly documents: readonly AppDataDocument[]
  /** Pass back as `cursor` for the next page; null on the last. */
  readonly nextCursor: string | null
}

/** A change to one document, as every open preview and Data tab of the app hears it. */
export interface AppDataChange {
  readonly appId: string
  readonly scope: AppDataScope
  readonly collection: string
  readonly op: "insert" | "update" | "delete"
  readonly documentId: string
  /** The document after the change; null for a delete. */
  readonly document: AppDataDocument | null
}

/** The app's manifest at its root: what it declares (today, the collections its builder may write). */
export const APP_MANIFEST_FILE = "second.json"

const CHANGE_OPS: readonly unknown[] = ["insert", "update", "delete"]

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

function parseDocument(value: unknown): AppDataDocument | null {
  if (!isObject(value) || !isObject(value["data"])) return null
  const { id, collection, createdAt, updatedAt } = value
  if (typeof id !== "string" || typeof collection !== "string" || typeof createdAt !== "string" || typeof updatedAt !== "string") return null
  return { id, collection, data: value["data"], createdAt, updatedAt }
}

/**
 * A change as it travels (JSON-parsed: between web processes, and from the web to the browser),
 * rebuilt field by field, or null for anything malformed: what reaches a preview is exactly this shape.
 */
export function parseAppDataChange(value: unknown): AppDataChange | null {
  if (!isObject(value)) return null
  const { appId, scope, collection, op, documentId } = value
  if (typeof appId !== "string" || typeof collection !== "string" || typeof documentId !== "string") return null
  if (!(APP_DATA_SCOPES as readonly unknown[]).includes(scope) || !CHANGE_OPS.includes(op)) return null
  const document = value["document"] === null ? null : parseDocument(value["document"])
  if ((op === "delete") !== (document === null)) return null
  return { appId, scope: scope as AppDataScope, collection, op: op as AppDataChange["op"], documentId, document }
}
