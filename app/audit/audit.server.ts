// The workspace audit trail: who changed what, when, with the state before and after. Written by
// every membership, role, invitation and team change; read by admins (audit:read).

import { newId } from "#shared/ids.ts"
import type { AuditAction } from "./audit-actions.ts"
import { auditEvents } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"

export type { AuditAction }

export interface AuditEntry {
  readonly workspaceId: string
  readonly actorUserId: string | null
  readonly action: AuditAction
  readonly target: { readonly type: "workspace" | "member" | "invitation" | "team" | "app" | "oauth_provider" | "api_token"; readonly id: string }
  readonly before?: Readonly<Record<string, unknown>> | null
  readonly after?: Readonly<Record<string, unknown>> | null
}

export async function recordAudit(store: DurableStore, entry: AuditEntry, now = new Date()): Promise<void> {
  await store.collection(auditEvents).insert({
    id: newId(),
    workspaceId: entry.workspaceId,
    occurredAt: now.toISOString(),
    actorUserId: entry.actorUserId,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    before: entry.before ?? null,
    after: entry.after ?? null,
  })
}
