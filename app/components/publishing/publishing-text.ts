// The words of publishing, one place for the dialog, the Reviews pages and the release history:
// who an app is for, what state a review is in, and what a refusal means for the person.

import { sameAudience, type AudienceView, type DraftAgentsView, type ReleaseView, type ReviewStatus, type Visibility } from "#shared/publishing/publishing.ts"

/** "Everyone in Acme", "Design", "Design and Sales", "Design, Sales and Ops". */
export function audienceText(audience: AudienceView, workspaceName: string): string {
  if (audience.visibility === "workspace") return `Everyone in ${workspaceName}`
  const names = audience.teamNames.length > 0 ? audience.teamNames : ["no team"]
  if (names.length === 1) return names[0]!
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`
}

export const REVIEW_STATUS_LABELS: Readonly<Record<ReviewStatus, string>> = {
  pending: "Waiting for review",
  approved: "Approved",
  changes_requested: "Changes requested",
  superseded: "Superseded",
  withdrawn: "Withdrawn",
}

export const REVIEW_STATUS_TONES: Readonly<Record<ReviewStatus, "warning" | "success" | "destructive" | "outline">> = {
  pending: "warning",
  approved: "success",
  changes_requested: "destructive",
  superseded: "outline",
  withdrawn: "outline",
}

/** The published app, as colleagues open it. */
export const publishedAppPath = (workspaceId: string, appId: string) => `/w/${workspaceId}/a/${appId}`
export const reviewsPath = (workspaceId: string) => `/w/${workspaceId}/reviews`
export const reviewPath = (workspaceId: string, reviewId: string) => `${reviewsPath(workspaceId)}/${reviewId}`
export const integrationsSettingsPath = (workspaceId: string) => `/w/${workspaceId}/settings/integrations`

export const appAgentsPath = (workspaceId: string, appId: string) => `/w/${workspaceId}/apps/${appId}/agents`

/** One numbering for people: releases; the version a release was built as comes after it. */
export const releaseLabel = (release: { readonly number: number; readonly versionNumber: number }) => `Release ${release.number} · built as version ${release.versionNumber}`

export interface PublishFacts {
  readonly draftVersion: { readonly number: number } | null
  /** The current release serves the draft (version and agents): only another audience would be new. */
  readonly draftMatchesRelease: boolean
  readonly published: { readonly audience: Pick<AudienceView, "visibility" | "teamIds"> } | null
}

/** Why Publish (or Request review) cannot be pressed for this audience; null when it can. */
export function cannotPublishReason(facts: PublishFacts, chosen: { readonly visibility: Visibility; readonly teamIds: readonly string[] }): string | null {
  if (facts.draftVersion === null) return "Nothing to publish yet: the app has no successful build. Ask the builder to build it first."
  if (facts.draftMatchesRelease && facts.published && sameAudience(facts.published.audience, chosen)) {
    return `Version ${facts.draftVersion.number} is published already for these people. Choose another audience, or change the app and publish the new version.`
  }
  return null
}

const agentsSubject = (names: readonly string[]) =>
  names.length === 0 ? "The app's agents are" : names.length === 1 ? `The ${names[0]} agent is` : `The agents ${names.slice(0, -1).join(", ")} and ${names.at(-1)} are`

/** The warning before publishing agents that would not run live; null when they would (or there are none). */
export function agentsWarning(agents: DraftAgentsView): string | null {
  if (!agents.declared || agents.approval === "live") return null
  const subject = agentsSubject(agents.agentNames)
  if (agents.approval === "mock") return `${subject} not approved for live calls: in the published app ${agents.agentNames.length === 1 ? "it" : "they"} will answer with mock data.`
  return `${subject} not approved at all: in the published app ${agents.agentNames.length === 1 ? "it" : "they"} will not run.`
}

/** What a release's agents do: "agents live", "agents on mock data only", "agents not approved"; null without agents (or not known). */
export function releaseAgentsText(release: Pick<ReleaseView, "agentsMode" | "agentsDeclared">): string | null {
  if (release.agentsMode === "live") return "agents live"
  if (release.agentsMode === "mock") return "agents on mock data only"
  return release.agentsDeclared ? "agents not approved" : null
}

/** For the rollback confirmation: what the release's agents will be. */
export function rollbackAgentsSentence(release: Pick<ReleaseView, "agentsMode" | "agentsDeclared">): string | null {
  if (release.agentsMode === "live") return "Its agents run live, as approved for it."
  if (release.agentsMode === "mock") return "Its agents were approved for mock data only: they will answer with mock data."
  return release.agentsDeclared ? "Its agents were not approved: they will not run." : null
}
