// What publishing the app now would publish — its current version (source with dist/) and the
// draft's effective agents approval — and who it would be for, checked against the workspace.

import { PUBLISH_REFUSALS, sameAudience, type DraftAgentsView, type Visibility } from "#shared/publishing/publishing.ts"
import { effectiveAgentsApproval } from "../agents/approvals.server.ts"
import { readDraftAgentsConfig } from "../agents/agents-source.server.ts"
import { currentVersion } from "../apps/versions.server.ts"
import { AppError } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { teams, type AppDocument, type AppVersionDocument } from "../store/collections.server.ts"
import type { AppReleaseDocument } from "./publishing-collections.server.ts"

export type ReleasedAgentsFields = Pick<AppReleaseDocument, "agentsHash" | "agentsPayloadJson" | "agentsMode" | "agentsApprovedByUserId" | "agentsApprovedAt"> & {
  readonly agentsDeclared: boolean
}

export interface PublishableDraft {
  readonly version: AppVersionDocument
  readonly agents: ReleasedAgentsFields
}

const NO_APPROVAL = { agentsHash: null, agentsPayloadJson: null, agentsMode: null, agentsApprovedByUserId: null, agentsApprovedAt: null } as const

/** Whether the draft's agents.json is there and declares agents (an invalid one counts: its agents would not run). */
async function draftDeclaresAgents(services: WebServices, app: AppDocument): Promise<boolean> {
  const read = await readDraftAgentsConfig(services, app)
  return read.present && (read.config === null || read.config.agents.length > 0)
}

/** The draft's effective agents approval, as a release keeps it. */
export async function draftAgents(services: WebServices, app: AppDocument): Promise<ReleasedAgentsFields> {
  const [approval, agentsDeclared] = await Promise.all([effectiveAgentsApproval(services, app, "draft"), draftDeclaresAgents(services, app)])
  if (!approval) return { ...NO_APPROVAL, agentsDeclared }
  return {
    agentsDeclared,
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

/** What the published app's agents would be, as the Publish dialog warns about them. */
export async function draftAgentsView(services: WebServices, app: AppDocument, agents: ReleasedAgentsFields): Promise<DraftAgentsView> {
  const read = await readDraftAgentsConfig(services, app)
  return {
    declared: agents.agentsDeclared,
    approval: agents.agentsDeclared ? agents.agentsMode : null,
    agentNames: (read.config?.agents ?? []).map((agent) => agent.name || agent.id),
  }
}

/** The current release serves exactly this draft (version and agents approval): only another audience would be new. */
export const releaseServesDraft = (release: AppReleaseDocument | null, version: AppVersionDocument | null, agents: ReleasedAgentsFields): boolean =>
  release !== null && version !== null && release.versionId === version.id && release.agentsHash === agents.agentsHash && release.agentsMode === agents.agentsMode

/** 409 nothing_to_publish when the release would be the current one again: the same draft, for the same people. */
export function requireSomethingNew(release: AppReleaseDocument | null, draft: PublishableDraft, visibility: Visibility, teamIds: readonly string[]): void {
  if (!release || !releaseServesDraft(release, draft.version, draft.agents) || !sameAudience(release, { visibility, teamIds })) return
  throw new AppError(
    "CONFLICT",
    `Version ${draft.version.number} is published already for these people: change the app, or choose another audience, to publish again.`,
    PUBLISH_REFUSALS.nothingToPublish,
  )
}
