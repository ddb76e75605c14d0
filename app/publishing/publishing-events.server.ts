// What publishing tells the rest of the product: the audit record of each release switch and
// review decision (numbers, audience and hashes only — never files, prompts or secrets), and the
// workspace events pages reload on.

import { appAudience } from "../apps/app-access.server.ts"
import { recordAudit, type AuditAction } from "../audit/audit.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import type { WebServices } from "../services.server.ts"
import { snapshots, type AppDocument } from "../store/collections.server.ts"
import type { AppReleaseDocument, ReviewRequestDocument } from "./publishing-collections.server.ts"

type Audited = Pick<AppReleaseDocument | ReviewRequestDocument, "appId" | "workspaceId" | "versionNumber" | "visibility" | "teamIds" | "snapshotId" | "agentsHash">

/** The hash of the source a release or review names: the snapshot's own sha256 over its files. */
async function sourceHashOf(services: WebServices, document: Audited): Promise<string | null> {
  const snapshot = await services.store.collection(snapshots).findOne({ id: document.snapshotId, appId: document.appId, workspaceId: document.workspaceId })
  return snapshot?.hash ?? null
}

/** What an audit event records of a release or a review. */
export async function auditFields(services: WebServices, document: Audited & { readonly id: string }): Promise<Record<string, unknown>> {
  const release = "number" in document ? (document as AppReleaseDocument) : null
  return {
    ...(release ? { releaseNumber: release.number, reviewId: release.reviewId } : { reviewId: document.id }),
    ...(release?.rolledBackFromNumber ? { rolledBackFromNumber: release.rolledBackFromNumber } : {}),
    versionNumber: document.versionNumber,
    visibility: document.visibility,
    teamIds: [...document.teamIds],
    sourceHash: await sourceHashOf(services, document),
    agentsHash: document.agentsHash,
  }
}

export async function auditPublishing(
  services: WebServices,
  entry: {
    readonly action: AuditAction
    readonly app: Pick<AppDocument, "id" | "workspaceId">
    readonly actorUserId: string | null
    readonly before?: Record<string, unknown> | null
    readonly after?: Record<string, unknown> | null
  },
): Promise<void> {
  await recordAudit(services.store, {
    workspaceId: entry.app.workspaceId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    target: { type: "app", id: entry.app.id },
    before: entry.before ?? null,
    after: entry.after ?? null,
  })
}

/** What colleagues see changed: homes reload "Apps for you" (no app id: everyone hears it), the builder's page reloads. */
export function announceReleaseSwitch(services: WebServices, app: AppDocument): void {
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.published" }, { kind: "workspace" }, services.log)
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.updated", appId: app.id }, appAudience(app), services.log)
}

/** A review was made, decided, superseded or withdrawn: the Reviews page and the builder's Publish dialog reload. */
export function announceReviewChange(services: WebServices, app: AppDocument): void {
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "review.changed", appId: app.id }, appAudience(app), services.log)
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.updated", appId: app.id }, appAudience(app), services.log)
}
