// The durable store port: typed document collections with equality filters, unique indexes and
// atomic single-document updates. MongoDB implements it in production and an embedded SQLite file
// by default; tests/contracts/durable-store.contract.ts holds both to the same behaviour.

import { brandedErrorClass } from "#shared/errors/branded-error.ts"

export interface StoredDocument {
  readonly id: string
}

/**
 * Bounds on one field, any combination: `{ gte: from, lt: to }` is a half-open range, `{ gte:
 * "app.", lt: "app/" }` a prefix. Strings compare by their UTF-8 bytes, as ISO timestamps and ids
 * need (and cursors: `gt` the last key seen, sorted ascending, reads the next page). A bound left
 * undefined does not constrain.
 */
export interface RangeFilter<V> {
  readonly gt?: V
  readonly gte?: V
  readonly lt?: V
  readonly lte?: V
}

/** A field's value, any of several values, or a range. `null` matches a missing field. */
export type Filter<T> = {
  readonly [K in keyof T]?: T[K] | null | { readonly in: readonly T[K][] } | RangeFilter<T[K]>
}

export type Changes<T> = { readonly [K in Exclude<keyof T, "id">]?: T[K] }

export interface FindOptions<T> {
  /** Fields in priority order; 1 ascending, -1 descending. Remaining ties are broken by id, ascending. */
  readonly sort?: readonly (readonly [keyof T & string, 1 | -1])[]
  readonly limit?: number
}

/** FindOptions with field names widened to strings, for adapters that translate any collection's sort. */
export interface SortOnly {
  readonly sort?: readonly (readonly [string, 1 | -1])[] | undefined
}

export interface IndexDefinition<T> {
  readonly name: string
  /**
   * The id may come last, so an index also serves the id tie-break every sort ends with (MongoDB
   * cannot otherwise use an index for `sort` and reads the whole range to order it).
   */
  readonly fields: readonly (keyof T & string)[]
  /** Documents missing one of the fields are not constrained (both engines agree on that). */
  readonly unique?: boolean
}

export interface CollectionDefinition<T extends StoredDocument> {
  readonly name: string
  readonly indexes: readonly IndexDefinition<T>[]
}

/** Any collection, whatever its document type: what adapters need to create tables and indexes. */
export interface AnyCollectionDefinition {
  readonly name: string
  readonly indexes: readonly { readonly name: string; readonly fields: readonly string[]; readonly unique?: boolean }[]
}

export const defineCollection = <T extends StoredDocument>(definition: CollectionDefinition<T>) => definition

export interface Collection<T extends StoredDocument> {
  /** Throws StoreDuplicateError (and writes nothing) when a unique index would be violated. */
  insert(document: T): Promise<void>
  findOne(filter: Filter<T>): Promise<T | null>
  findMany(filter: Filter<T>, options?: FindOptions<T>): Promise<T[]>
  count(filter: Filter<T>): Promise<number>
  /** Atomically applies `changes` to one matching document and returns it as it is after the change. */
  updateOne(filter: Filter<T>, changes: Changes<T>): Promise<T | null>
  /** Returns how many documents matched (and were changed). */
  updateMany(filter: Filter<T>, changes: Changes<T>): Promise<number>
  /** Returns how many documents were deleted. */
  deleteMany(filter: Filter<T>): Promise<number>
}

export interface DurableStore {
  readonly kind: "sqlite" | "mongodb"
  collection<T extends StoredDocument>(definition: CollectionDefinition<T>): Collection<T>
  /** Resolves when the engine answers; used by health checks. */
  ping(): Promise<void>
  close(): Promise<void>
}

// NOTE: branded so `instanceof` holds across bundle copies (see shared/errors/branded-error.ts).
export class StoreDuplicateError extends brandedErrorClass("StoreDuplicateError") {
  readonly collection: string
  readonly index: string

  constructor(collection: string, index: string) {
    super(`A document with the same ${index} already exists in ${collection}`)
    this.name = "StoreDuplicateError"
    this.collection = collection
    this.index = index
  }
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Field names end up inside SQL and Mongo operators, so only plain identifiers are allowed. */
export function assertFieldName(name: string): string {
  if (!FIELD_NAME.test(name) || name === "_id") throw new Error(`Invalid field name for the store: ${JSON.stringify(name)}`)
  return name
}

export function isInFilter(value: unknown): value is { readonly in: readonly unknown[] } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "in" in value
}

export const RANGE_OPERATORS = ["gt", "gte", "lt", "lte"] as const
export type RangeOperator = (typeof RANGE_OPERATORS)[number]

export function isRangeFilter(value: unknown): value is RangeFilter<unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && RANGE_OPERATORS.some((operator) => operator in value)
}

/** The bounds a range sets, skipping those left undefined. */
export function rangeBounds(range: RangeFilter<unknown>): [RangeOperator, unknown][] {
  return RANGE_OPERATORS.filter((operator) => range[operator] !== undefined).map((operator) => [operator, range[operator]])
}

/** Drops keys whose value is undefined, so "not given" never overwrites a stored value. */
export function definedEntries<T extends object>(changes: T): [string, unknown][] {
  return Object.entries(changes).filter(([key, value]) => key !== "id" && value !== undefined)
}

/** Indexes are created at open, so a collection nobody registered would silently lack them. */
export function assertRegistered(registered: ReadonlySet<string>, name: string): void {
  if (!registered.has(name)) throw new Error(`Collection ${name} was not registered when the store was opened`)
}
