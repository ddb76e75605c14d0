// Tells whether anything was written to the durable store between two looks. On the SQLite file it
// asks SQLite itself (data_version changes whenever another connection commits, so nothing
// written escapes it, and a look costs nothing); on MongoDB it hashes every collection.

import { createHash } from "node:crypto"
import Database from "better-sqlite3"
import { allCollections } from "#app/store/collections.server.ts"
import type { CollectionDefinition, DurableStore, StoredDocument } from "#app/store/store.server.ts"

export interface WriteWatch {
  /** A value that differs from the last one if and only if something was written in between. */
  look(): Promise<string>
  close(): Promise<void>
}

export function sqliteWriteWatch(file: string): WriteWatch {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  return {
    look: async () => String(db.pragma("data_version", { simple: true })),
    close: async () => void db.close(),
  }
}

export function digestWriteWatch(store: DurableStore): WriteWatch {
  return {
    async look() {
      const hash = createHash("sha256")
      for (const definition of allCollections) {
        const documents = await store.collection(definition as CollectionDefinition<StoredDocument>).findMany({})
        hash.update(definition.name).update(JSON.stringify(documents))
      }
      return hash.digest("hex")
    },
    close: () => store.close(),
  }
}
