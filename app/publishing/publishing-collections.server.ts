// What publishing keeps durably: an app's releases (the published version history; the app
// document points at the current one, so switching what colleagues see is one atomic update) and
// review requests. A release holds everything colleagues run — the version (source and build) and
// the agents configuration approved for it — so later draft edits never leak into it.

import type { ReviewStatus, Visibility } from "#shared/publishing/publishing.ts"
import type { AgentsApprovalMode } from "../agents/agent-approval-collections.server.ts"
import { defineCollection, type StoredDocument } from "../store/store.server.ts"

export interface AppReleaseDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  /** 1, 2, 3… per app (the app's lastReleaseNumber counter hands them out). */
  readonly number: number
  readonly versionId: string
  readonly versionNumber: number
  /** The version's snapshot (source with dist/): what the published app serves. */
  readonly snapshotId: string
  /** The draft's effective agents approval when published, copied whole; null: none approved. */
  readonly agentsHash: string | null
  readonly agentsPayloadJson: string | null
  readonly agentsMode: AgentsApprovalMode | null
  readonly agentsApprovedByUserId: string | null
  readonly agentsApprovedAt: string | null
  /** Its version's agents.json declares agents (so agentsMode null means "not approved"). Absent on older releases. */
  readonly agentsDeclared?: boolean
  readonly visibility: Visibility
  readonly teamIds: readonly string[]
  readonly publishedByUserId: string
  /** The approved review it came from; null for a direct publish or a rollback. */
  readonly reviewId: string | null
  readonly rolledBackFromNumber: number | null
  /**
   * The app's integration keys when released (domain, auth, scopes; never secrets), so a review
   * diffs the draft's against them. Absent on releases written before it existed.
   */
  readonly integrations?: readonly ReleasedIntegration[]
  readonly createdAt: string
}

export interface ReleasedIntegration {
  readonly domain: string
  readonly keySlug: string
  readonly name: string
  readonly authType: "none" | "static" | "oauth2"
  readonly providerKey: string | null
  readonly scopes: readonly string[]
}

export interface ReviewRequestDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly status: ReviewStatus
  readonly requestedByUserId: string
  readonly visibility: Visibility
  readonly teamIds: readonly string[]
  readonly note: string | null
  /** The draft under review: the app's current version when requested. */
  readonly versionId: string
  readonly versionNumber: number
  readonly snapshotId: string
  /** The draft's effective agents approval hash when requested (null: none). */
  readonly agentsHash: string | null
  /** The release the diff is against; null at first publish. */
  readonly baseReleaseId: string | null
  readonly reviewerUserId: string | null
  readonly comment: string | null
  readonly decidedAt: string | null
  /** Set on approval: the release it made. */
  readonly releaseId: string | null
  readonly supersededReason: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

export const appReleases = defineCollection<AppReleaseDocument>({
  name: "app_releases",
  indexes: [
    { name: "app_number_unique", fields: ["appId", "number"], unique: true },
    { name: "workspace_app_created", fields: ["workspaceId", "appId", "createdAt"] },
  ],
})

export const reviewRequests = defineCollection<ReviewRequestDocument>({
  name: "review_requests",
  indexes: [
    { name: "workspace_status_updated", fields: ["workspaceId", "status", "updatedAt"] },
    { name: "workspace_app_status", fields: ["workspaceId", "appId", "status"] },
  ],
})

export const publishingCollections = [appReleases, reviewRequests] as const
