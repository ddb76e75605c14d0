// What publishing the app now would publish — its current version (source with dist/) and the
// draft's effective agents approval — and who it would be for, checked against the workspace.

import { PUBLISH_REFUSALS, type Visibility } from "#shared/publishing/publishing.ts"
import { effectiveAgentsApproval } from "../agents/approvals.server.ts"
import { currentVersion } from "../apps/versions.server.ts"
import { AppError } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { teams, type AppDocument, type AppVersionDocument } from "../store/collections.server.ts"
import type { AppReleaseDocument } from "./publishing-collections.server.ts"

export type ReleasedAgentsFields = Pick<AppReleaseDocument, "agentsHash" | "agentsPayloadJson" | "agentsMode" | "agentsApprovedByUserId" | "agentsApprovedAt">

export interface PublishableDraft {
  readonly version: AppVersionDocument
  readonly agents: ReleasedAgentsFields
}

const NO_AGENTS: ReleasedAgentsFields = { agentsHash: null, agentsPayloadJson: null, agentsMode: null, agentsApprovedByUserId: null, agentsApprovedAt: null }

/** The draft's effective agents approval, as a release keeps it. */
export async function draftAgents(services: WebServices, app: AppDocument): Promise<ReleasedAgentsFields> {
  const approval = await effectiveAgentsApproval(services, app, "draft")
  if (!approval) return NO_AGENTS
  return {
    agentsHash: approval.hash,
    agentsPayloadJson: JSON.stringify(approval.config),
    agentsMode: approval.mode,
    agentsApprovedByUserId: approval.approvedByUserId,
    agentsApprovedAt: approval.approvedAt,
  }
}

/** 409 nothing_to_publish until the app has a build. */
export async function requirePublishableDraft(services: WebServices, app: AppDocument): Promise<PublishableDraft> {
  const version = await currentVersion(services, app)
  if (!version) {
    throw new AppError("CONFLICT", "This app has no build to publish yet: ask the builder to build it, then publish.", PUBLISH_REFUSALS.nothingToPublish)
  }
  return { version, agents: await draftAgents(services, app) }
}

/** The audience as stored: teams only for "teams", each once, each a team of this workspace (400 naming one that is not). */
export async function requireAudience(services: WebServices, workspaceId: string, visibility: Visibility, teamIds: readonly string[]): Promise<readonly string[]> {
  if (visibility === "workspace") return []
  const unique = [...new Set(teamIds)]
  if (unique.length === 0) throw new AppError("BAD_REQUEST", 'Choose at least one team when publishing to "teams".')
  const found = new Set((await services.store.collection(teams).findMany({ workspaceId, id: { in: unique } })).map((team) => team.id))
  const unknown = unique.find((id) => !found.has(id))
  if (unknown) throw new AppError("BAD_REQUEST", `teamIds: ${unknown} is not a team of this workspace; choose teams from the list.`)
  return unique
}
