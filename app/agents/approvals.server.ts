// Approving an app's agents.json: the exact configuration (by its canonical hash) an app's builder
// reviewed on the Agents page. An owner's or admin's approval makes its tools live; a non-admin
// builder's makes them mock-only (they answer with their declared mock data), so a collaborator can
// try the agents without deciding what company APIs they may reach. The draft's approval counts only
// while the draft still hashes the same; the published slot keeps its own payload, untouched by
// later edits. The published slot follows the app's current release (app/publishing): every release
// switch writes it from the release's payload, and it counts only while its hash is the current
// release's. Whatever reads "what may this agent do" asks effectiveAgentsApproval, nothing else.

import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { describeProblems } from "#shared/agents/config-problems.ts"
import { can } from "#shared/auth/permissions.ts"
import { newId } from "#shared/ids.ts"
import { appAudience, requireBuildableApp } from "../apps/app-access.server.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { AppError } from "../errors.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import { appReleases, type AppReleaseDocument } from "../publishing/publishing-collections.server.ts"
import { supersedePendingReviewQuietly } from "../publishing/review-supersede.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, type AppDocument } from "../store/collections.server.ts"
import { StoreDuplicateError } from "../store/store.server.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { agentsApprovals, type AgentsApprovalDocument, type AgentsApprovalMode, type AgentsApprovalSlot } from "./agent-approval-collections.server.ts"
import { readDraftAgentsConfig } from "./agents-source.server.ts"

export interface EffectiveAgentsApproval {
  readonly mode: AgentsApprovalMode
  readonly config: AgentsConfig
  readonly hash: string
  readonly approvedByUserId: string
  readonly approvedAt: string
}

type Who = Pick<WorkspaceScope, "user" | "membership">

/** The app's builders: its creator, its collaborators, and owners and admins (who build in every app). */
export const mayEditAgents = (app: AppDocument, who: Who) =>
  app.createdByUserId === who.user.id || app.collaboratorUserIds.includes(who.user.id) || can(who.membership.role, "apps:manage-all")

/** What this person's approval would make of the agents. */
export const approvalModeFor = (who: Who): AgentsApprovalMode => (can(who.membership.role, "apps:manage-all") ? "live" : "mock")

/** Owners and admins revoke any approval; a builder may take back the mock-only approval they gave. */
export const mayRevoke = (approval: AgentsApprovalDocument, who: Who) =>
  can(who.membership.role, "apps:manage-all") || (approval.mode === "mock" && approval.approvedByUserId === who.user.id)

const ofSlot = (app: Pick<AppDocument, "id" | "workspaceId">, slot: AgentsApprovalSlot) => ({ workspaceId: app.workspaceId, appId: app.id, scope: slot })

export const findAgentsApproval = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">, slot: AgentsApprovalSlot) =>
  services.store.collection(agentsApprovals).findOne(ofSlot(app, slot))

/** The payload as approved; null (and logged) if it no longer hashes as approved, so a tampered row never runs. */
export function approvedConfig(services: Pick<WebServices, "log">, approval: AgentsApprovalDocument): AgentsConfig | null {
  let config: AgentsConfig | null = null
  try {
    config = JSON.parse(approval.payloadJson) as AgentsConfig
  } catch {
    // Reported below as a payload that does not match.
  }
  if (config && hashMatches(config, approval.hash)) return config
  services.log.error("an agents approval's payload does not match its hash; treating it as not approved", { appId: approval.appId, scope: approval.scope })
  return null
}

/** A payload that cannot be hashed (nested too deeply) matches nothing, rather than failing its reader. */
function hashMatches(config: AgentsConfig, hash: string): boolean {
  try {
    return agentsConfigHash(config) === hash
  } catch {
    return false
  }
}

/** The agents hash of the release colleagues see now; undefined while the app is not published. */
/** The agents hash of the release colleagues see: undefined when the app is not published, null when it has no agents approved. */
export async function currentReleaseAgentsHash(services: WebServices, app: AppDocument): Promise<string | null | undefined> {
  if (!app.publishedReleaseId) return undefined
  const release = await services.store.collection(appReleases).findOne({ id: app.publishedReleaseId, appId: app.id, workspaceId: app.workspaceId })
  return release ? release.agentsHash : undefined
}

/**
 * What the app's agents may do now in one slot, or null when nothing approved counts: the draft's
 * approval only while the draft's agents.json still hashes as approved and nobody cleared it;
 * the published one only while it is the current release's (a crash between switching the release
 * and writing the slot never runs another release's configuration).
 */
export async function effectiveAgentsApproval(services: WebServices, app: AppDocument, slot: AgentsApprovalSlot): Promise<EffectiveAgentsApproval | null> {
  const approval = await findAgentsApproval(services, app, slot)
  if (!approval || approval.clearedAt !== null) return null
  if (slot === "draft" && (await readDraftAgentsConfig(services, app)).hash !== approval.hash) return null
  if (slot === "published" && (await currentReleaseAgentsHash(services, app)) !== approval.hash) return null
  const config = approvedConfig(services, approval)
  if (!config) return null
  return { mode: approval.mode, config, hash: approval.hash, approvedByUserId: approval.approvedByUserId, approvedAt: approval.approvedAt }
}

type SlotFields = Required<Omit<AgentsApprovalDocument, "id" | "workspaceId" | "appId" | "scope">>

type LiveBaseline = Pick<SlotFields, "liveBaselineHash" | "liveBaselinePayloadJson">
const NO_LIVE_BASELINE: LiveBaseline = { liveBaselineHash: null, liveBaselinePayloadJson: null }

/**
 * What a mock-only approval replacing `current` keeps as the last live approval: `current` itself
 * if it was live (standing, cleared or revoked: it is what an admin last reviewed for live calls),
 * else the baseline `current` kept.
 */
function liveBaselineReplacing(current: AgentsApprovalDocument | null): LiveBaseline {
  if (!current) return NO_LIVE_BASELINE
  if (current.mode === "live") return { liveBaselineHash: current.hash, liveBaselinePayloadJson: current.payloadJson }
  return { liveBaselineHash: current.liveBaselineHash ?? null, liveBaselinePayloadJson: current.liveBaselinePayloadJson ?? null }
}

/** The configuration last approved live before a mock-only approval replaced it; null when none (or it no longer hashes as kept). */
export function liveBaselineConfig(services: Pick<WebServices, "log">, approval: AgentsApprovalDocument): AgentsConfig | null {
  if (approval.mode === "live") return approvedConfig(services, approval)
  const hash = approval.liveBaselineHash ?? null
  const payloadJson = approval.liveBaselinePayloadJson ?? null
  if (hash === null || payloadJson === null) return null
  return approvedConfig(services, { ...approval, hash, payloadJson })
}

/** Replaces the slot's approval, creating the document the first time (two first approvals at once: the later one wins). */
async function writeSlot(services: WebServices, app: AppDocument, slot: AgentsApprovalSlot, fields: SlotFields): Promise<AgentsApprovalDocument> {
  const collection = services.store.collection(agentsApprovals)
  const updated = await collection.updateOne(ofSlot(app, slot), fields)
  if (updated) return updated
  const document: AgentsApprovalDocument = { id: newId(), ...ofSlot(app, slot), ...fields }
  try {
    await collection.insert(document)
    return document
  } catch (error) {
    if (!(error instanceof StoreDuplicateError)) throw error
    const raced = await collection.updateOne(ofSlot(app, slot), fields)
    if (!raced) throw error
    return raced
  }
}

const tellBuilders = (services: WebServices, app: AppDocument) =>
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.agents.changed", appId: app.id }, appAudience(app), services.log)

async function requireAgentsEditor(services: WebServices, scope: WorkspaceScope, appId: string): Promise<AppDocument> {
  const app = await requireBuildableApp(services, scope, appId)
  if (!mayEditAgents(app, scope)) {
    throw new AppError("FORBIDDEN", "Only the app's builders (its creator, collaborators, or a workspace admin) can approve or revoke its agents.")
  }
  return app
}

export const AGENTS_CHANGED = "agents_changed"

/**
 * Approves the draft's agents.json as the person saw it (expectedHash, from the Agents page): live
 * for an owner or admin, mock-only for other builders. Approving what is approved already, at the
 * same or a stronger mode, changes nothing.
 */
export async function approveAgents(services: WebServices, scope: WorkspaceScope, appId: string, expectedHash: string): Promise<AgentsApprovalDocument> {
  const app = await requireAgentsEditor(services, scope, appId)
  const draft = await readDraftAgentsConfig(services, app)
  if (!draft.present) throw new AppError("BAD_REQUEST", "This app has no agents.json to approve: ask the builder to declare its agents first.")
  if (!draft.config || !draft.hash) {
    throw new AppError("BAD_REQUEST", `agents.json has problems; ask the builder to fix them, then review it again:\n${describeProblems(draft.problems)}`)
  }
  if (draft.hash !== expectedHash) throw new AppError("CONFLICT", "The agents changed since you looked: review them again.", AGENTS_CHANGED)

  const mode = approvalModeFor(scope)
  const current = await findAgentsApproval(services, app, "draft")
  if (current && current.clearedAt === null && current.hash === draft.hash && (current.mode === "live" || mode === "mock")) return current

  const approval = await writeSlot(services, app, "draft", {
    hash: draft.hash,
    payloadJson: JSON.stringify(draft.config),
    mode,
    approvedByUserId: scope.user.id,
    approvedAt: nowIso(),
    clearedAt: null,
    clearedReason: null,
    clearedHash: null,
    revokedByUserId: null,
    ...(mode === "live" ? NO_LIVE_BASELINE : liveBaselineReplacing(current)),
  })
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: scope.user.id,
    action: "app.agents_approved",
    target: { type: "app", id: app.id },
    before: current && current.clearedAt === null ? { hash: current.hash, mode: current.mode } : null,
    after: { hash: approval.hash, mode },
  })
  tellBuilders(services, app)
  await supersedePendingReviewQuietly(services, app, (review) => review.agentsHash !== approval.hash, "The agents were approved again after the request", scope.user.id)
  // A turn that settled between reading the draft and writing the approval found nothing to clear.
  await clearChangedDraftApproval(services, app.id, app.workspaceId, { kind: "recheck", actorUserId: scope.user.id })
  return approval
}

/** Takes an approval back: its agents stop (draft) or fall back to nothing (published) until approved again. */
export async function revokeAgents(services: WebServices, scope: WorkspaceScope, appId: string, slot: AgentsApprovalSlot = "draft"): Promise<AgentsApprovalDocument> {
  const app = await requireAgentsEditor(services, scope, appId)
  const approval = await findAgentsApproval(services, app, slot)
  if (!approval || approval.clearedAt !== null) throw new AppError("CONFLICT", `Nothing is approved for the ${slot === "draft" ? "draft" : "published app"} to revoke.`)
  if (!mayRevoke(approval, scope)) {
    throw new AppError("FORBIDDEN", "Only a workspace owner or admin can revoke this approval (or the builder who gave a mock-only one).")
  }
  const revoked = await services.store
    .collection(agentsApprovals)
    .updateOne(
      { id: approval.id, workspaceId: app.workspaceId, approvedAt: approval.approvedAt, clearedAt: null },
      { clearedAt: nowIso(), clearedReason: `Revoked by ${scope.user.displayName}`, clearedHash: null, revokedByUserId: scope.user.id },
    )
  if (!revoked) throw new AppError("CONFLICT", "This approval changed at the same moment; look again.")
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: scope.user.id,
    action: "app.agents_revoked",
    target: { type: "app", id: app.id },
    before: { hash: approval.hash, mode: approval.mode, scope: slot },
    after: null,
  })
  tellBuilders(services, app)
  if (slot === "draft") {
    await supersedePendingReviewQuietly(services, app, (review) => review.agentsHash !== null, "The agents' approval was revoked after the request", scope.user.id)
  }
  return revoked
}

/** The published slot as the release says: its agents approval, copied whole when it was made (or none). */
async function writePublishedSlotFrom(services: WebServices, app: AppDocument, release: AppReleaseDocument | null): Promise<void> {
  if (!release || release.agentsHash === null || release.agentsPayloadJson === null || release.agentsMode === null) {
    await services.store
      .collection(agentsApprovals)
      .updateOne(
        { ...ofSlot(app, "published"), clearedAt: null },
        { clearedAt: nowIso(), clearedReason: release ? "Published without approved agents" : "Unpublished", clearedHash: null },
      )
    return
  }
  await writeSlot(services, app, "published", {
    hash: release.agentsHash,
    payloadJson: release.agentsPayloadJson,
    mode: release.agentsMode,
    approvedByUserId: release.agentsApprovedByUserId ?? "",
    approvedAt: release.agentsApprovedAt ?? nowIso(),
    clearedAt: null,
    clearedReason: null,
    clearedHash: null,
    revokedByUserId: null,
    ...NO_LIVE_BASELINE,
  })
}

const SLOT_SYNC_ATTEMPTS = 5

/**
 * Makes the published slot the app's current release's agents (or clears it while unpublished);
 * called right after every release switch. Looks again when the release switched meanwhile, so
 * the slot ends as the last switch's.
 */
export async function syncPublishedAgentsSlot(services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">): Promise<void> {
  const releaseOf = (releaseId: string) => services.store.collection(appReleases).findOne({ id: releaseId, appId: app.id, workspaceId: app.workspaceId })
  let written: string | null | undefined
  for (let attempt = 0; attempt < SLOT_SYNC_ATTEMPTS; attempt += 1) {
    const current = await services.store.collection(apps).findOne({ id: app.id, workspaceId: app.workspaceId })
    if (!current) return
    const releaseId = current.publishedReleaseId ?? null
    if (releaseId === written) return
    await writePublishedSlotFrom(services, current, releaseId ? await releaseOf(releaseId) : null)
    written = releaseId
    tellBuilders(services, current)
  }
}

/** What changed the draft's source: a builder turn, a restored version, or a look after approving. */
export type DraftChange =
  | { readonly kind: "run"; readonly runId: string; readonly actorUserId: string }
  | { readonly kind: "restore"; readonly restoredFromNumber: number; readonly actorUserId: string }
  | { readonly kind: "recheck"; readonly actorUserId: string }

const clearedReasonFor = (change: DraftChange) =>
  change.kind === "run"
    ? `The builder changed agents.json in run ${change.runId}`
    : change.kind === "restore"
      ? `Restoring version ${change.restoredFromNumber} changed agents.json`
      : "agents.json changed while it was being approved"

/**
 * Clears the draft's approval, visibly and once, when the app's current agents.json no longer
 * hashes as approved (changed, made invalid, or removed). Called whenever the draft's source may
 * have changed; an unchanged hash keeps the approval. Returns whether it cleared one.
 */
export async function clearChangedDraftApproval(services: WebServices, appId: string, workspaceId: string, change: DraftChange): Promise<boolean> {
  const approval = await services.store.collection(agentsApprovals).findOne({ workspaceId, appId, scope: "draft", clearedAt: null })
  if (!approval) return false
  const app = await services.store.collection(apps).findOne({ id: appId, workspaceId })
  if (!app) return false
  const draft = await readDraftAgentsConfig(services, app)
  if (draft.hash === approval.hash) return false
  const cleared = await services.store
    .collection(agentsApprovals)
    .updateOne(
      { id: approval.id, workspaceId, hash: approval.hash, approvedAt: approval.approvedAt, clearedAt: null },
      { clearedAt: nowIso(), clearedReason: clearedReasonFor(change), clearedHash: draft.hash },
    )
  if (!cleared) return false
  await recordAudit(services.store, {
    workspaceId,
    actorUserId: change.actorUserId,
    action: "app.agents_approval_cleared",
    target: { type: "app", id: app.id },
    before: { hash: approval.hash, mode: approval.mode },
    after: {
      hash: draft.hash,
      agentsFile: draft.hash ? "changed" : draft.present ? "invalid" : "removed",
      ...(change.kind === "run" ? { by: "builder agent", runId: change.runId } : {}),
      ...(change.kind === "restore" ? { restoredFromNumber: change.restoredFromNumber } : {}),
    },
  })
  tellBuilders(services, app)
  await supersedePendingReviewQuietly(services, app, (review) => review.agentsHash !== null, "agents.json changed after the request, which cleared its approval", change.actorUserId)
  return true
}

/** Never throws: a settling turn or a restore must not fail because the approval could not be checked. */
export const clearChangedDraftApprovalQuietly = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">, change: DraftChange) =>
  clearChangedDraftApproval(services, app.id, app.workspaceId, change).catch((error: unknown) => {
    services.log.warn("could not check the app's agents approval against its new source", { appId: app.id, error })
    return false
  })

/** With the app itself. */
export async function deleteAgentsApprovals(services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">): Promise<void> {
  await services.store.collection(agentsApprovals).deleteMany({ workspaceId: app.workspaceId, appId: app.id })
}
