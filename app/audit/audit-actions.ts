// Every action the audit log records, as data: the server types its entries with it, and the
// audit page and export offer and check the action filter against it. Pure, so pages import it.

export const AUDIT_ACTIONS = [
  "workspace.created",
  "workspace.renamed",
  "member.added",
  "member.role_changed",
  "member.removed",
  "invitation.created",
  "invitation.resent",
  "invitation.revoked",
  "invitation.accepted",
  "team.created",
  "team.renamed",
  "team.deleted",
  "team.member_added",
  "team.member_removed",
  "app.created",
  "app.renamed",
  "app.deleted",
  "app.collaborator_added",
  "app.collaborator_removed",
  "app.version_restored",
  "app.agents_approved",
  "app.agents_revoked",
  "app.agents_approval_cleared",
  "agent_run.started",
  "agent_run.cancelled",
  "agent_run.repair_requested",
  "tool.executed",
  "tool.mocked",
  "tool.denied",
  "tool.failed",
  "agent.tool_failure_reported",
  "integration.provider_saved",
  "integration.provider_deleted",
  "integration.grants_synced",
  "integration.secret_set",
  "integration.secret_cleared",
  "oauth.connected",
  "oauth.disconnected",
  "oauth.token_refreshed",
  "oauth.reconnect_needed",
  "app.published",
  "app.unpublished",
  "app.rolled_back",
  "review.requested",
  "review.approved",
  "review.changes_requested",
  "review.superseded",
  "review.withdrawn",
  "workspace.runtime_settings_changed",
  "audit.retention_changed",
  "audit.events_expired",
  "audit.exported",
] as const

export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** "app.", "review.", ...: the families the action filter offers, in the order first listed. */
export const AUDIT_ACTION_PREFIXES: readonly string[] = [...new Set(AUDIT_ACTIONS.map((action) => `${action.split(".")[0]}.`))]

export const isAuditAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value)
