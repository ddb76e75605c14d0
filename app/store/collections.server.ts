// Every collection the web tier stores, with its indexes. Both engines create these at startup.
// Timestamps are ISO-8601 strings so documents read back identically from SQLite and MongoDB.
// Every workspace-owned document carries workspaceId, and every query on one filters by it.

import type { Role } from "#shared/auth/permissions.ts"
import type { Visibility } from "#shared/publishing/publishing.ts"
import type { RunErrorInfo } from "#shared/runs/internal-api.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { agentsApprovals } from "../agents/agent-approval-collections.server.ts"
import { agentRunCollections } from "../agents/agent-run-collections.server.ts"
import { apiTokenCollections } from "../api-tokens/api-token-collections.server.ts"
import { appDataCollections } from "../app-data/app-data-collections.server.ts"
import { integrationCollections } from "../integrations/integration-collections.server.ts"
import { publishingCollections } from "../publishing/publishing-collections.server.ts"
import { usageCollections } from "../usage/usage-collections.server.ts"
import { storedSecrets } from "../secrets/secret-collections.server.ts"
import type { RunBuild } from "../runs/build-outcome.ts"
import { defineCollection, type AnyCollectionDefinition, type StoredDocument } from "./store.server.ts"

export type { Role }

export interface UserDocument extends StoredDocument {
  readonly email: string
  /** Lower-cased, trimmed: the unique key people sign in with. */
  readonly emailNormalized: string
  readonly displayName: string
  /** Set for people who signed in through an external identity provider. */
  readonly externalIssuer?: string
  readonly externalSubject?: string
  /** Product analytics for this person (app/telemetry): absent means "anonymous", the default. */
  readonly analyticsChoice?: "anonymous" | "identified" | "off"
  readonly createdAt: string
  readonly updatedAt: string
}

/** A signed-in browser. The id is the SHA-256 of the cookie's token, so a stolen database holds no usable session. */
export interface SessionDocument extends StoredDocument {
  readonly userId: string
  readonly authMode: "none" | "external"
  readonly createdAt: string
  readonly expiresAt: string
  readonly lastSeenAt: string
  readonly userAgent: string
}

export interface WorkspaceDocument extends StoredDocument {
  readonly name: string
  readonly slug: string
  readonly createdByUserId: string
  readonly defaultTeamId: string
  /** Workspaces mirrored from an external identity provider's organization. */
  readonly externalProvider?: string
  readonly externalOrganizationId?: string
  /** How published apps' frames may behave (Settings → Runtime); missing: everything allowed (the defaults). */
  readonly appRuntimeSettings?: AppRuntimeSettings | null
  /** Audit events older than this many days are deleted (and the deletion recorded); missing or null: kept forever. */
  readonly auditRetentionDays?: number | null
  readonly createdAt: string
  readonly updatedAt: string
}

/** Mapped onto the app frame's sandbox and allow attributes (see shared/apps/frame-policy.ts). */
export interface AppRuntimeSettings {
  readonly scripts: boolean
  readonly clipboard: boolean
  readonly externalLinks: boolean
}

export interface MembershipDocument extends StoredDocument {
  readonly workspaceId: string
  readonly userId: string
  readonly role: Role
  /** "external": the role is owned by the identity provider and re-synced at every sign-in. */
  readonly source: "local" | "external"
  readonly createdAt: string
  readonly updatedAt: string
}

export interface TeamDocument extends StoredDocument {
  readonly workspaceId: string
  readonly name: string
  readonly nameNormalized: string
  /** The General team: everyone is in it; it cannot be renamed or deleted. */
  readonly isDefault: boolean
  readonly createdByUserId: string
  readonly createdAt: string
  readonly updatedAt: string
}

export interface TeamMembershipDocument extends StoredDocument {
  readonly workspaceId: string
  readonly teamId: string
  readonly userId: string
  readonly createdAt: string
}

export type InvitationStatus = "pending" | "accepted" | "revoked"

export interface InvitationDocument extends StoredDocument {
  readonly workspaceId: string
  readonly email: string
  readonly emailNormalized: string
  readonly role: Role
  readonly teamIds: readonly string[]
  /** SHA-256 of the link's token; the token itself is shown once and never stored. */
  readonly tokenHash: string
  readonly status: InvitationStatus
  readonly expiresAt: string
  readonly invitedByUserId: string
  readonly acceptedByUserId?: string
  readonly acceptedAt?: string
  readonly createdAt: string
  readonly updatedAt: string
}

export interface AuditEventDocument extends StoredDocument {
  readonly workspaceId: string
  readonly occurredAt: string
  readonly actorUserId: string | null
  readonly action: string
  readonly targetType: string
  readonly targetId: string
  readonly before: Readonly<Record<string, unknown>> | null
  readonly after: Readonly<Record<string, unknown>> | null
}

/** One document describing this installation: when it was first started and its schema version. */
export interface InstanceDocument extends StoredDocument {
  readonly createdAt: string
  readonly schemaVersion: number
}

export const users = defineCollection<UserDocument>({
  name: "users",
  indexes: [
    { name: "email_unique", fields: ["emailNormalized"], unique: true },
    { name: "external_identity_unique", fields: ["externalIssuer", "externalSubject"], unique: true },
  ],
})

export const sessions = defineCollection<SessionDocument>({
  name: "sessions",
  indexes: [{ name: "user", fields: ["userId"] }],
})

export const workspaces = defineCollection<WorkspaceDocument>({
  name: "workspaces",
  indexes: [
    { name: "slug_unique", fields: ["slug"], unique: true },
    { name: "external_organization_unique", fields: ["externalProvider", "externalOrganizationId"], unique: true },
  ],
})

export const memberships = defineCollection<MembershipDocument>({
  name: "workspace_memberships",
  indexes: [
    { name: "workspace_user_unique", fields: ["workspaceId", "userId"], unique: true },
    { name: "user_workspace", fields: ["userId", "workspaceId"] },
    { name: "workspace_created", fields: ["workspaceId", "createdAt"] },
  ],
})

export const teams = defineCollection<TeamDocument>({
  name: "workspace_teams",
  indexes: [
    { name: "workspace_name_unique", fields: ["workspaceId", "nameNormalized"], unique: true },
    { name: "workspace_default", fields: ["workspaceId", "isDefault"] },
  ],
})

export const teamMemberships = defineCollection<TeamMembershipDocument>({
  name: "workspace_team_memberships",
  indexes: [
    { name: "workspace_team_user_unique", fields: ["workspaceId", "teamId", "userId"], unique: true },
    { name: "workspace_user", fields: ["workspaceId", "userId"] },
  ],
})

export const invitations = defineCollection<InvitationDocument>({
  name: "workspace_invitations",
  indexes: [
    { name: "token_unique", fields: ["tokenHash"], unique: true },
    { name: "workspace_email_status", fields: ["workspaceId", "emailNormalized", "status"] },
  ],
})

export const auditEvents = defineCollection<AuditEventDocument>({
  name: "audit_events",
  indexes: [
    { name: "workspace_occurred", fields: ["workspaceId", "occurredAt"] },
    { name: "workspace_target", fields: ["workspaceId", "targetType", "targetId"] },
    // The audit page's filters and keyset pages, (occurredAt, id) newest or oldest first.
    { name: "workspace_occurred_id", fields: ["workspaceId", "occurredAt", "id"] },
    { name: "workspace_actor_occurred_id", fields: ["workspaceId", "actorUserId", "occurredAt", "id"] },
    { name: "workspace_action_occurred_id", fields: ["workspaceId", "action", "occurredAt", "id"] },
    { name: "workspace_target_occurred_id", fields: ["workspaceId", "targetType", "targetId", "occurredAt", "id"] },
  ],
})

export const instance = defineCollection<InstanceDocument>({ name: "instance", indexes: [] })

export type AppRuntimeSessions = { readonly [R in RuntimeId]?: { readonly sessionId: string; readonly throughRunId: string } }

export interface AppDocument extends StoredDocument {
  readonly workspaceId: string
  readonly name: string
  /**
   * Who chose the name: the prompt's first words, the builder agent, or a person. The agent may
   * replace the first two, never a person's. Missing on older apps: read it as "prompt".
   */
  readonly nameSetBy?: "prompt" | "agent" | "user"
  /** One line saying what the app is for, from the builder agent; missing or null until it gives one. */
  readonly description?: string | null
  /** The prompt the app was created from. */
  readonly prompt: string
  readonly createdByUserId: string
  readonly collaboratorUserIds: readonly string[]
  /** The runtime and model of the last message; the composer starts from them. */
  readonly runtime: RuntimeId
  readonly model: string | null
  /** The run whose turn is in progress; set and cleared atomically (the claim). */
  readonly activeRunId?: string | null
  /** Each runtime's native session, and the last run it has seen, for resuming. */
  readonly runtimeSessions: AppRuntimeSessions
  /** The last persisted source snapshot, if any. */
  readonly snapshotId: string | null
  /** Set when deletion begins: no new turn may claim the app from then on. */
  readonly deleting?: boolean | null
  /** The highest version number handed out (app/apps/versions.server.ts); missing until the first build. */
  readonly lastVersionNumber?: number | null
  /** The version previews show by default, and its number (so a late writer never moves it back). */
  readonly currentVersionId?: string | null
  readonly currentVersionNumber?: number | null
  /** Set by a restore: the next turn replaces the worker's files with the snapshot's (cleared once a worker accepted one). */
  readonly sourceReplaceVersion?: number | null
  /** With sourceReplaceVersion, set in the same update: the restored files, and which version they are. */
  readonly sourceReplaceSnapshotId?: string | null
  readonly sourceReplaceFromNumber?: number | null
  /**
   * Publishing (app/publishing): who the published app is for and the release they see, set
   * together in one update (so access and content switch at once); null or missing while the app
   * is not published. Draft edits never touch them.
   */
  readonly visibility?: Visibility | null
  readonly visibleTeamIds?: readonly string[] | null
  readonly publishedReleaseId?: string | null
  /** The highest release number handed out (compare-and-set, like lastVersionNumber). */
  readonly lastReleaseNumber?: number | null
  /** The pending review request of this app, if any: at most one at a time. */
  readonly pendingReviewId?: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

export type RunStatus = "running" | "completed" | "failed" | "stopped"

export interface RunDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly createdByUserId: string
  /** The user's message that started this turn. */
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly status: RunStatus
  readonly error: RunErrorInfo | null
  /** The turn folded into parts (shared/runs/transcript.ts); empty until the turn ends. */
  readonly transcript: Transcript
  /** The failed run this one retries, if any. */
  readonly retryOf: string | null
  readonly createdAt: string
  readonly endedAt: string | null
  /** What the turn left the app in (app/runs/build-outcome.ts), set when it settles; missing on older runs. */
  readonly build?: RunBuild | null
  /** The person's approval of the plan this turn ended with; missing or null until then. */
  readonly approval?: RunApproval | null
}

export interface RunApproval {
  readonly byUserId: string
  /** The approver's display name when they approved, so the chat can say who without another lookup. */
  readonly byName: string
  readonly at: string
  /** The run that builds the plan; null only while it is being started. */
  readonly followUpRunId: string | null
}

export interface SnapshotDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly runId: string
  /** Relative path → text content. */
  readonly files: Readonly<Record<string, string>>
  /** Relative path → base64 content, for files that are not text. Absent on older snapshots. */
  readonly binaryFiles?: Readonly<Record<string, string>>
  /** Files the source had but a snapshot does not carry (over the per-file size limit): the first paths, and how many. Absent on older snapshots. */
  readonly skipped?: readonly string[]
  readonly skippedCount?: number
  readonly fileCount: number
  readonly sizeBytes: number
  /** sha256 over the sorted paths and contents: an unchanged source is not stored twice. */
  readonly hash: string
  readonly createdAt: string
}

/** One build of an app, or a restore of an earlier one: numbered 1, 2, 3… per app, never changed afterwards. */
export interface AppVersionDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly number: number
  /** The source, dist/ included; shared with other versions and the app when unchanged, never deleted while a version names it. */
  readonly snapshotId: string
  /** The turn that built it; null for a restore. */
  readonly runId: string | null
  /** Who sent the message that built it, or who restored it. */
  readonly requestedByUserId: string
  /** The message that built it (bounded); null for a restore. */
  readonly message: string | null
  /** done_building's summary; for a restore, the restored version's. */
  readonly summary: string
  readonly restoredFromNumber: number | null
  /** `${runId}:${source hash}`, only on builds: a retried report finds its version by it. */
  readonly buildKey?: string
  readonly createdAt: string
}

export const apps = defineCollection<AppDocument>({
  name: "apps",
  indexes: [
    { name: "workspace_created", fields: ["workspaceId", "createdAt"] },
    { name: "active_run", fields: ["activeRunId"] },
  ],
})

export const runs = defineCollection<RunDocument>({
  name: "runs",
  indexes: [
    { name: "app_created", fields: ["appId", "createdAt"] },
    { name: "status", fields: ["status"] },
  ],
})

export const snapshots = defineCollection<SnapshotDocument>({
  name: "app_source_snapshots",
  indexes: [{ name: "app_created", fields: ["appId", "createdAt"] }],
})

export const appVersions = defineCollection<AppVersionDocument>({
  name: "app_versions",
  indexes: [
    { name: "app_number_unique", fields: ["appId", "number"], unique: true },
    { name: "app_build_unique", fields: ["appId", "buildKey"], unique: true },
    { name: "app_snapshot", fields: ["appId", "snapshotId"] },
  ],
})

export const allCollections: readonly AnyCollectionDefinition[] = [
  users,
  sessions,
  workspaces,
  memberships,
  teams,
  teamMemberships,
  invitations,
  auditEvents,
  instance,
  apps,
  runs,
  snapshots,
  appVersions,
  ...appDataCollections,
  ...agentRunCollections,
  agentsApprovals,
  storedSecrets,
  ...integrationCollections,
  ...publishingCollections,
  ...usageCollections,
  ...apiTokenCollections,
]
