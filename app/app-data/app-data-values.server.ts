// What an app may store, checked before anything is written: collection names, documents that
// are plain JSON objects of bounded depth and size, and the list cursor (opaque to clients, but
// decoded and checked here so a tampered one is a 400, never a query on garbage).

import { APP_DATA_LIMITS, COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE } from "#shared/apps/app-data.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { AppError } from "../errors.server.ts"

export type AppDataLimits = { readonly [K in keyof typeof APP_DATA_LIMITS]: number }

const KIB = 1024
const sizeText = (bytes: number) => (bytes >= KIB * KIB ? `${bytes / (KIB * KIB)} MiB` : `${bytes / KIB} KiB`)

export function requireCollectionName(name: unknown): string {
  if (typeof name !== "string" || !COLLECTION_NAME_PATTERN.test(name)) {
    throw new AppError("BAD_REQUEST", `Invalid collection name: ${COLLECTION_NAME_RULE}.`)
  }
  return name
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

/**
 * Why `value` (at `path`, `depth` levels down) is not JSON an app may store, or null when it is.
 * NOTE: stops at the depth limit before going deeper, so input nested without end (the fuzz suite
 * sends 20,000 levels) is refused without recursing into it or stringifying it.
 */
function jsonProblem(value: unknown, path: string, depth: number, limits: AppDataLimits): string | null {
  if (value === null || typeof value === "string" || typeof value === "boolean") return null
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path} is not a finite number`
  if (typeof value !== "object") return `${path} is ${typeof value === "undefined" ? "undefined" : `a ${typeof value}`}, which JSON cannot hold`
  if (depth >= limits.maxDepth) return `the document nests deeper than ${limits.maxDepth} levels (at ${path})`
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const problem = jsonProblem(value[index], `${path}[${index}]`, depth + 1, limits)
      if (problem) return problem
    }
    return null
  }
  if (!isPlainObject(value)) return `${path} is not a plain JSON object`
  for (const [key, field] of Object.entries(value)) {
    const problem = jsonProblem(field, `${path}.${key.slice(0, 40)}`, depth + 1, limits)
    if (problem) return problem
  }
  return null
}

export interface CheckedData {
  readonly data: Record<string, unknown>
  readonly json: string
  readonly sizeBytes: number
}

/** A document's fields as the app sends them: a plain JSON object within the depth and size limits. */
export function requireDocumentData(data: unknown, limits: AppDataLimits = APP_DATA_LIMITS): CheckedData {
  if (!isPlainObject(data)) {
    throw new AppError("BAD_REQUEST", 'The document must be a JSON object of fields, like {"title": "Buy milk", "done": false}.')
  }
  const problem = jsonProblem(data, "data", 0, limits)
  if (problem) throw new AppError("BAD_REQUEST", `The document cannot be stored: ${problem}.`)
  const json = JSON.stringify(data)
  const sizeBytes = Buffer.byteLength(json, "utf8")
  if (sizeBytes > limits.maxDocumentBytes) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `The document is ${sizeText(Math.ceil(sizeBytes / KIB) * KIB)} as JSON; one document may be at most ${sizeText(limits.maxDocumentBytes)}. Split it into several documents.`,
    )
  }
  return { data, json, sizeBytes }
}

export const scopeFullMessage = (limits: AppDataLimits) =>
  `This app's data is full: all documents of one scope may take at most ${sizeText(limits.maxScopeBytes)}. Delete documents you no longer need, then try again.`

export const tooManyCollectionsMessage = (limits: AppDataLimits) =>
  `This app already has ${limits.maxCollections} data collections, the most one app may have. Store the document in an existing collection.`

// Sort keys: an ISO time and an id, joined by "_" (which sorts before every id character).
const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_[a-z2-7]{24}$/

let lastSortMs = 0

/**
 * The next document's sort key. Milliseconds never repeat or go back within this process, so
 * this process's inserts list in the order they were made (other processes' clocks interleave).
 */
export function nextSortKey(id: string, now = Date.now()): string {
  lastSortMs = Math.max(now, lastSortMs + 1)
  return `${new Date(lastSortMs).toISOString()}_${id}`
}

export const encodeCursor = (sortKey: string) => Buffer.from(sortKey, "utf8").toString("base64url")

const BAD_CURSOR = "The cursor is not one this API gave out: pass back a page's nextCursor unchanged, or leave it out to start from the first page."

/** The sort key a cursor stands for; a 400 for anything this API did not hand out. */
export function decodeCursor(cursor: string): string {
  const sortKey = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : ""
  if (!SORT_KEY.test(sortKey) || encodeCursor(sortKey) !== cursor) throw new AppError("BAD_REQUEST", BAD_CURSOR)
  return sortKey
}

/** Document ids are ours (newId); anything else names no document. */
export const isDocumentId = (id: string) => ID_PATTERN.test(id)
