// The embedded durable store: one SQLite file (WAL) holding each collection as a table of JSON
// documents, with unique and lookup indexes on json_extract expressions. better-sqlite3 is
// synchronous, so every statement is atomic with respect to the rest of the process.

import Database from "better-sqlite3"
import { closeSync, mkdirSync, openSync } from "node:fs"
import { dirname } from "node:path"
import {
  assertFieldName,
  assertRegistered,
  definedEntries,
  isInFilter,
  isRangeFilter,
  rangeBounds,
  type RangeOperator,
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

type Row = { id: string; doc: string }
type Param = string | number | null

const column = (field: string) => (field === "id" ? "id" : `json_extract(doc, '$.${assertFieldName(field)}')`)
const table = (name: string) => `"${assertFieldName(name)}"`
const SQL_OPERATORS: Readonly<Record<RangeOperator, string>> = { gt: ">", gte: ">=", lt: "<", lte: "<=" }
const indexName = (collection: string, index: string) => `${collection}__${index}`

function toParam(value: unknown): Param {
  if (typeof value === "boolean") return value ? 1 : 0
  if (typeof value === "string" || typeof value === "number") return value
  throw new Error(`The store filters by strings, numbers and booleans only (got ${typeof value})`)
}

function whereClause(filter: Filter<object>): { sql: string; params: Param[] } {
  const parts: string[] = []
  const params: Param[] = []
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue
    const expression = column(field)
    if (value === null) {
      parts.push(`${expression} IS NULL`)
    } else if (isInFilter(value)) {
      if (value.in.length === 0) parts.push("0")
      else parts.push(`${expression} IN (${value.in.map(() => "?").join(", ")})`)
      params.push(...value.in.map(toParam))
    } else if (isRangeFilter(value)) {
      for (const [operator, bound] of rangeBounds(value)) {
        parts.push(`${expression} ${SQL_OPERATORS[operator]} ?`)
        params.push(toParam(bound))
      }
    } else {
      parts.push(`${expression} = ?`)
      params.push(toParam(value))
    }
  }
  return { sql: parts.length === 0 ? "1" : parts.join(" AND "), params }
}

function fromRow<T extends StoredDocument>(row: Row): T {
  return { id: row.id, ...(JSON.parse(row.doc) as object) } as T
}

function toDoc(document: StoredDocument): string {
  const { id: _id, ...rest } = document
  return JSON.stringify(rest)
}

function setClause(changes: object): { sql: string; params: string[] } {
  const entries = definedEntries(changes)
  const paths = entries.map(([field]) => `'$.${assertFieldName(field)}', json(?)`)
  return { sql: `json_set(doc, ${paths.join(", ")})`, params: entries.map(([, value]) => JSON.stringify(value)) }
}

/** Maps SQLite's "UNIQUE constraint failed: index 'users__email'" back to the index's own name. */
function duplicateIndex(error: unknown, collection: string): string | null {
  if (!(error instanceof Database.SqliteError)) return null
  if (error.code === "SQLITE_CONSTRAINT_PRIMARYKEY") return "id"
  if (error.code !== "SQLITE_CONSTRAINT_UNIQUE") return null
  const named = /index '([^']+)'/.exec(error.message)?.[1]
  if (named) return named.startsWith(`${collection}__`) ? named.slice(collection.length + 2) : named
  return "id"
}

function orderBy(options: SortOnly | undefined): string {
  const keys = (options?.sort ?? []).map(([field, direction]) => `${column(field)} ${direction === 1 ? "ASC" : "DESC"}`)
  return [...keys, "id ASC"].join(", ")
}

class SqliteCollection<T extends StoredDocument> implements Collection<T> {
  readonly #db: Database.Database
  readonly #name: string

  constructor(db: Database.Database, name: string) {
    this.#db = db
    this.#name = name
  }

  #guardDuplicates<R>(write: () => R): R {
    try {
      return write()
    } catch (error) {
      const index = duplicateIndex(error, this.#name)
      if (index !== null) throw new StoreDuplicateError(this.#name, index)
      throw error
    }
  }

  async insert(document: T): Promise<void> {
    this.#guardDuplicates(() =>
      this.#db.prepare(`INSERT INTO ${table(this.#name)} (id, doc) VALUES (?, ?)`).run(document.id, toDoc(document)),
    )
  }

  async findOne(filter: Filter<T>): Promise<T | null> {
    const [first] = await this.findMany(filter, { limit: 1 })
    return first ?? null
  }

  async findMany(filter: Filter<T>, options?: FindOptions<T>): Promise<T[]> {
    const where = whereClause(filter)
    const limit = options?.limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`
    const sql = `SELECT id, doc FROM ${table(this.#name)} WHERE ${where.sql} ORDER BY ${orderBy(options)}${limit}`
    return (this.#db.prepare(sql).all(...where.params) as Row[]).map((row) => fromRow<T>(row))
  }

  async count(filter: Filter<T>): Promise<number> {
    const where = whereClause(filter)
    const row = this.#db.prepare(`SELECT count(*) AS n FROM ${table(this.#name)} WHERE ${where.sql}`).get(...where.params)
    return (row as { n: number }).n
  }

  async updateOne(filter: Filter<T>, changes: Changes<T>): Promise<T | null> {
    if (definedEntries(changes).length === 0) return this.findOne(filter)
    const where = whereClause(filter)
    const set = setClause(changes)
    const sql =
      `UPDATE ${table(this.#name)} SET doc = ${set.sql} ` +
      `WHERE id = (SELECT id FROM ${table(this.#name)} WHERE ${where.sql} ORDER BY id LIMIT 1) RETURNING id, doc`
    const row = this.#guardDuplicates(() => this.#db.prepare(sql).get(...set.params, ...where.params)) as Row | undefined
    return row === undefined ? null : fromRow<T>(row)
  }

  async updateMany(filter: Filter<T>, changes: Changes<T>): Promise<number> {
    if (definedEntries(changes).length === 0) return this.count(filter)
    const where = whereClause(filter)
    const set = setClause(changes)
    const sql = `UPDATE ${table(this.#name)} SET doc = ${set.sql} WHERE ${where.sql}`
    return this.#guardDuplicates(() => this.#db.prepare(sql).run(...set.params, ...where.params)).changes
  }

  async deleteMany(filter: Filter<T>): Promise<number> {
    const where = whereClause(filter)
    return this.#db.prepare(`DELETE FROM ${table(this.#name)} WHERE ${where.sql}`).run(...where.params).changes
  }
}

function ensureCollection(db: Database.Database, definition: AnyCollectionDefinition) {
  const name = table(definition.name)
  db.exec(`CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL) STRICT`)
  for (const index of definition.indexes) {
    const unique = index.unique ? "UNIQUE " : ""
    const columns = index.fields.map(column).join(", ")
    db.exec(`CREATE ${unique}INDEX IF NOT EXISTS "${indexName(definition.name, index.name)}" ON ${name} (${columns})`)
  }
}

export interface SqliteStoreOptions {
  readonly file: string
  /** Every collection the process uses: tables and indexes are created at open. */
  readonly collections: readonly AnyCollectionDefinition[]
}

export function openSqliteStore(options: SqliteStoreOptions): DurableStore {
  mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 })
  // Create the file private to its owner; SQLite gives the -wal and -shm files the same mode.
  closeSync(openSync(options.file, "a", 0o600))
  const db = new Database(options.file)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  // Several connections (web, tests, a CLI) may share the file; wait for a writer instead of failing.
  db.pragma("busy_timeout = 5000")
  // All tables and indexes exist before the first write, as on MongoDB.
  db.transaction(() => options.collections.forEach((definition) => ensureCollection(db, definition)))()
  const registered = new Set(options.collections.map((definition) => definition.name))

  return {
    kind: "sqlite",
    collection<T extends StoredDocument>(definition: CollectionDefinition<T>): Collection<T> {
      assertRegistered(registered, definition.name)
      return new SqliteCollection<T>(db, definition.name)
    },
    async ping() {
      db.prepare("SELECT 1").get()
    },
    async close() {
      if (db.open) db.close()
    },
  }
}
