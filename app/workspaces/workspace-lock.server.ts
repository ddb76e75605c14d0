// Serializes changes to a workspace's members, so that "keep at least one owner" holds even when
// two owners demote each other at the same moment, on one web process or several.

import { AppError } from "../errors.server.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"

const LEASE_MS = 10_000
const WAIT_MS = 5_000
const RETRY_MS = 20

export async function withMembersLock<T>(live: LiveCoordination, workspaceId: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const lock = await live.acquireLock(`workspace:${workspaceId}:members`, { ttlMs: LEASE_MS })
    if (lock) {
      try {
        return await work()
      } finally {
        await lock.release()
      }
    }
    if (Date.now() > deadline) throw new AppError("CONFLICT", "Members of this workspace are being changed; try again.")
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
  }
}
