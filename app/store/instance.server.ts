// The installation record: written on the first start, read on every later one. It dates the
// installation and carries the schema version future migrations check.

import { instance, type InstanceDocument } from "./collections.server.ts"
import { StoreDuplicateError, type DurableStore } from "./store.server.ts"

export const SCHEMA_VERSION = 1
const INSTANCE_ID = "instance"

export async function ensureInstance(store: DurableStore, now: Date = new Date()): Promise<InstanceDocument> {
  const collection = store.collection(instance)
  const existing = await collection.findOne({ id: INSTANCE_ID })
  if (existing) return existing
  const created: InstanceDocument = { id: INSTANCE_ID, createdAt: now.toISOString(), schemaVersion: SCHEMA_VERSION }
  try {
    await collection.insert(created)
    return created
  } catch (error) {
    // Two web processes starting together: the other one wrote it first.
    if (!(error instanceof StoreDuplicateError)) throw error
    const written = await collection.findOne({ id: INSTANCE_ID })
    if (!written) throw error
    return written
  }
}
