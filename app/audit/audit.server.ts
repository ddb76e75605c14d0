// The workspace audit trail: who changed what, when, with the state before and after. Written by
// every membership, role, invitation and team change; read by admins (audit:read).

import { newId } from "#shared/ids.ts"
import { auditEvents, type AuditEventDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"

export type AuditAction =
  | "workspace.created"
  | "workspace.renamed"
  | "member.added"
  | "member.role_changed"
  | "member.removed"
  | "invitation.created"
  | "invitation.resent"
  | "invitation.revoked"
  | "invitation.accepted"
  | "team.created"
  | "team.renamed"
  | "team.deleted"
  | "team.member_added"
  | "team.member_removed"
  | "app.created"
  | "app.renamed"
  | "app.deleted"
  | "app.collaborator_added"
  | "app.collaborator_removed"
  | "app.version_restored"
  | "app.agents_approved"
  | "app.agents_revoked"
  | "app.agents_approval_cleared"
  | "agent_run.started"
  | "agent_run.cancelled"
  | "agent_run.repair_requested"
  | "tool.executed"
  | "tool.mocked"
  | "tool.denied"
  | "tool.failed"
  | "agent.tool_failure_reported"
  | "integration.provider_saved"
  | "integration.provider_deleted"
  | "integration.grants_synced"
  | "integration.secret_set"
  | "integration.secret_cleared"
  | "oauth.connected"
  | "oauth.disconnected"
  | "oauth.token_refreshed"
  | "oauth.reconnect_needed"
  | "app.published"
  | "app.unpublished"
  | "app.rolled_back"
  | "review.requested"
  | "review.approved"
  | "review.changes_requested"
  | "review.superseded"
  | "review.withdrawn"
  | "workspace.runtime_settings_changed"
  | "audit.retention_changed"
  | "audit.events_expired"
  | "audit.exported"

export interface AuditEntry {
  readonly workspaceId: string
  readonly actorUserId: string | null
  readonly action: AuditAction
  readonly target: { readonly type: "workspace" | "member" | "invitation" | "team" | "app" | "oauth_provider"; readonly id: string }
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

/** Newest first. `before` is the occurredAt of the last event of the previous page. */
export async function listAudit(
  store: DurableStore,
  workspaceId: string,
  options: { readonly limit: number },
): Promise<AuditEventDocument[]> {
  return store.collection(auditEvents).findMany({ workspaceId }, { sort: [["occurredAt", -1]], limit: options.limit })
}
