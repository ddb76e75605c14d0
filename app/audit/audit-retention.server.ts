// How long a workspace keeps its audit log (WorkspaceDocument.auditRetentionDays; missing or null:
// forever), and the sweep that enforces it: events past the cut-off are deleted in bounded batches
// and the deletion itself is recorded, once per workspace and pass.

import type { WebServices } from "../services.server.ts"
import { auditEvents, workspaces, type WorkspaceDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { AppError } from "../errors.server.ts"
import { recordAudit } from "./audit.server.ts"

export const MIN_RETENTION_DAYS = 30
export const MAX_RETENTION_DAYS = 3650
const DAY_MS = 24 * 60 * 60 * 1000
const HOUR_MS = 60 * 60 * 1000

export const retentionCutoff = (retentionDays: number, now: Date) => new Date(now.getTime() - retentionDays * DAY_MS).toISOString()

/** Sets the retention (null: keep forever) and records the change; unchanged, it records nothing. */
export async function setAuditRetention(
  store: DurableStore,
  by: { readonly workspace: WorkspaceDocument; readonly userId: string },
  retentionDays: number | null,
): Promise<{ retentionDays: number | null }> {
  let current = by.workspace
  // Compare-and-set on the value read, so the recorded "before" is the value this change replaced.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const before = current.auditRetentionDays ?? null
    if (before === retentionDays) return { retentionDays }
    const updated = await store
      .collection(workspaces)
      .updateOne({ id: current.id, auditRetentionDays: before }, { auditRetentionDays: retentionDays, updatedAt: new Date().toISOString() })
    if (updated) {
      await recordAudit(store, {
        workspaceId: current.id,
        actorUserId: by.userId,
        action: "audit.retention_changed",
        target: { type: "workspace", id: current.id },
        before: { retentionDays: before },
        after: { retentionDays },
      })
      return { retentionDays }
    }
    const reread = await store.collection(workspaces).findOne({ id: current.id })
    if (!reread) break
    current = reread
  }
  throw new AppError("CONFLICT", "The retention was changed by someone else at the same time; reload the page and try again.")
}

export interface RetentionSweepOptions {
  /** Events deleted per statement: bounds each write and the ids held in memory. */
  readonly batchSize?: number
  /** Batches per workspace and pass; what is left goes in the next pass. */
  readonly maxBatches?: number
}

export interface RetentionSweepResult {
  readonly deleted: number
  readonly workspaces: readonly { readonly workspaceId: string; readonly deleted: number; readonly olderThan: string }[]
}

async function expireWorkspace(store: DurableStore, workspaceId: string, olderThan: string, options: Required<RetentionSweepOptions>): Promise<number> {
  const events = store.collection(auditEvents)
  let deleted = 0
  for (let batch = 0; batch < options.maxBatches; batch += 1) {
    const expired = await events.findMany({ workspaceId, occurredAt: { lt: olderThan } }, { sort: [["occurredAt", 1]], limit: options.batchSize })
    if (expired.length === 0) break
    deleted += await events.deleteMany({ workspaceId, id: { in: expired.map((event) => event.id) } })
    if (expired.length < options.batchSize) break
  }
  return deleted
}

/**
 * One pass over the workspaces that have a retention. The record of a deletion is written at
 * `now`, after the cut-off, so no pass ever deletes what a pass wrote.
 */
export async function sweepAuditRetention(store: DurableStore, now = new Date(), options: RetentionSweepOptions = {}): Promise<RetentionSweepResult> {
  const settings = { batchSize: options.batchSize ?? 500, maxBatches: options.maxBatches ?? 200 }
  const done: { workspaceId: string; deleted: number; olderThan: string }[] = []
  let afterId: string | null = null
  for (;;) {
    const page: WorkspaceDocument[] = await store
      .collection(workspaces)
      .findMany({ auditRetentionDays: { gte: 1 }, ...(afterId === null ? {} : { id: { gt: afterId } }) }, { sort: [["id", 1]], limit: 100 })
    for (const workspace of page) {
      const olderThan = retentionCutoff(workspace.auditRetentionDays ?? 0, now)
      const deleted = await expireWorkspace(store, workspace.id, olderThan, settings)
      if (deleted === 0) continue
      await recordAudit(
        store,
        { workspaceId: workspace.id, actorUserId: null, action: "audit.events_expired", target: { type: "workspace", id: workspace.id }, after: { deleted, olderThan } },
        now,
      )
      done.push({ workspaceId: workspace.id, deleted, olderThan })
    }
    if (page.length < 100) break
    afterId = page.at(-1)!.id
  }
  return { deleted: done.reduce((sum, each) => sum + each.deleted, 0), workspaces: done }
}

export interface AuditRetentionSweeper {
  /** One pass (tests call sweepAuditRetention directly). */
  sweep(): Promise<RetentionSweepResult>
  stop(): void
}

/** Sweeps once soon after boot, then every `intervalMs` (hourly); a pass never overlaps the last. */
export function startAuditRetentionSweeper(services: WebServices, intervalMs = HOUR_MS): AuditRetentionSweeper {
  let sweeping: Promise<unknown> | null = null
  const sweep = () => sweepAuditRetention(services.store)
  const tick = () => {
    if (sweeping) return
    sweeping = sweep()
      .then((result) => {
        if (result.deleted > 0) services.log.info("deleted audit events past their workspace's retention", { deleted: result.deleted, workspaces: result.workspaces.length })
      })
      .catch((error: unknown) => services.log.warn("the audit retention sweep could not finish a pass", { error }))
      .finally(() => (sweeping = null))
  }
  const boot = setTimeout(tick, 0)
  boot.unref()
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return {
    sweep,
    stop: () => {
      clearTimeout(boot)
      clearInterval(timer)
    },
  }
}
