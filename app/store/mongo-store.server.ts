// The production durable store on MongoDB (official driver). Documents keep our string id as _id;
// indexes are created at startup; a replica set is expected because app-data live updates use
// change streams, and startup says so when the server is not one.

import { MongoClient, MongoServerError, type Db, type Document, type Filter as MongoFilter, type Sort } from "mongodb"
import {
  assertFieldName,
  assertRegistered,
  definedEntries,
  isInFilter,
  isRangeFilter,
  rangeBounds,
  StoreDuplicateError,
  type Changes,
  type AnyCollectionDefinition,
  type Collection,
  type CollectionDefinition,
  type DurableStore,
  type Filter,
  type FindOptions,
  type SortOnly,
  type StoredDocument,
} from "./store.server.ts"

type MongoDoc = Document & { _id: string }

const mongoField = (field: string) => (field === "id" ? "_id" : assertFieldName(field))

function toMongoFilter(filter: Filter<object>): MongoFilter<MongoDoc> {
  const result: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue
    if (isRangeFilter(value)) {
      const bounds = rangeBounds(value)
      // A range whose bounds are all undefined constrains nothing, as in SQLite.
      if (bounds.length > 0) result[mongoField(field)] = Object.fromEntries(bounds.map(([operator, bound]) => [`$${operator}`, bound]))
      continue
    }
    result[mongoField(field)] = isInFilter(value) ? { $in: [...value.in] } : value
  }
  return result as MongoFilter<MongoDoc>
}

function fromMongo<T extends StoredDocument>(document: MongoDoc): T {
  const { _id, ...rest } = document
  return { id: _id, ...rest } as unknown as T
}

function toMongo(document: StoredDocument): MongoDoc {
  const { id, ...rest } = document
  return { _id: id, ...Object.fromEntries(definedEntries(rest)) }
}

function toSet(changes: object): Document {
  return Object.fromEntries(definedEntries(changes).map(([field, value]) => [assertFieldName(field), value]))
}

function toSort(options: SortOnly | undefined): Sort {
  const sort: Record<string, 1 | -1> = {}
  for (const [field, direction] of options?.sort ?? []) sort[mongoField(field)] = direction
  // Ties are broken by id ascending, unless the caller sorted on the id itself.
  sort["_id"] ??= 1
  return sort
}

/** Mongo names the violated index in the error text: "... index: users__email dup key: ...". */
function duplicateIndex(error: unknown): string | null {
  if (!(error instanceof MongoServerError) || error.code !== 11000) return null
  const named = /index: (\S+)/.exec(error.message)?.[1]
  return named === undefined || named === "_id_" ? "id" : named
}

class MongoCollection<T extends StoredDocument> implements Collection<T> {
  readonly #db: Db
  readonly #name: string

  constructor(db: Db, name: string) {
    this.#db = db
    this.#name = name
  }

  get #collection() {
    return this.#db.collection<MongoDoc>(this.#name)
  }

  async #guardDuplicates<R>(write: () => Promise<R>): Promise<R> {
    try {
      return await write()
    } catch (error) {
      const index = duplicateIndex(error)
      if (index !== null) throw new StoreDuplicateError(this.#name, index)
      throw error
    }
  }

  async insert(document: T): Promise<void> {
    await this.#guardDuplicates(() => this.#collection.insertOne(toMongo(document)))
  }

  async findOne(filter: Filter<T>): Promise<T | null> {
    const [first] = await this.findMany(filter, { limit: 1 })
    return first ?? null
  }

  async findMany(filter: Filter<T>, options?: FindOptions<T>): Promise<T[]> {
    const limit = options?.limit === undefined ? undefined : Math.max(0, Math.floor(options.limit))
    // Mongo reads limit(0) as "no limit"; the port means "nothing".
    if (limit === 0) return []
    let cursor = this.#collection.find(toMongoFilter(filter)).sort(toSort(options))
    if (limit !== undefined) cursor = cursor.limit(limit)
    return (await cursor.toArray()).map((document) => fromMongo<T>(document))
  }

  async count(filter: Filter<T>): Promise<number> {
    return this.#collection.countDocuments(toMongoFilter(filter))
  }

  async updateOne(filter: Filter<T>, changes: Changes<T>): Promise<T | null> {
    const set = toSet(changes)
    if (Object.keys(set).length === 0) return this.findOne(filter)
    const updated = await this.#guardDuplicates(() =>
      this.#collection.findOneAndUpdate(toMongoFilter(filter), { $set: set }, { returnDocument: "after", sort: { _id: 1 } }),
    )
    return updated === null ? null : fromMongo<T>(updated)
  }

  async updateMany(filter: Filter<T>, changes: Changes<T>): Promise<number> {
    const set = toSet(changes)
    if (Object.keys(set).length === 0) return this.count(filter)
    const result = await this.#guardDuplicates(() => this.#collection.updateMany(toMongoFilter(filter), { $set: set }))
    return result.matchedCount
  }

  async deleteMany(filter: Filter<T>): Promise<number> {
    return (await this.#collection.deleteMany(toMongoFilter(filter))).deletedCount
  }
}

async function ensureIndexes(db: Db, definition: AnyCollectionDefinition) {
  if (definition.indexes.length === 0) return
  await db.collection(definition.name).createIndexes(
    definition.indexes.map((index) => ({
      name: index.name,
      key: Object.fromEntries(index.fields.map((field) => [mongoField(field), 1])),
      unique: index.unique ?? false,
      // SQLite never constrains rows whose indexed value is missing; this makes Mongo agree.
      ...(index.unique
        ? { partialFilterExpression: Object.fromEntries(index.fields.map((field) => [mongoField(field), { $exists: true }])) }
        : {}),
    })),
  )
}

export interface MongoStoreOptions {
  readonly uri: string
  readonly collections: readonly AnyCollectionDefinition[]
  /** Told once at startup when the server is not a replica set (change streams unavailable). */
  readonly warn?: (message: string) => void
}

export async function openMongoStore(options: MongoStoreOptions): Promise<DurableStore> {
  const client = new MongoClient(options.uri, { appName: "second-web", serverSelectionTimeoutMS: 10_000 })
  await client.connect()
  try {
    const db = client.db()
    for (const definition of options.collections) await ensureIndexes(db, definition)
    const hello = await db.admin().command({ hello: 1 })
    if (typeof hello["setName"] !== "string") {
      options.warn?.("MongoDB is not a replica set: change streams (live app data) will not work. See compose.yaml.")
    }
    const registered = new Set(options.collections.map((definition) => definition.name))
    return {
      kind: "mongodb",
      collection<T extends StoredDocument>(definition: CollectionDefinition<T>): Collection<T> {
        assertRegistered(registered, definition.name)
        return new MongoCollection<T>(db, definition.name)
      },
      async ping() {
        await db.command({ ping: 1 })
      },
      async close() {
        await client.close()
      },
    }
  } catch (error) {
    await client.close()
    throw error
  }
}
