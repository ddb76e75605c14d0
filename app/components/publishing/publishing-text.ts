// The words of publishing, one place for the dialog, the Reviews pages and the release history:
// who an app is for, what state a review is in, and what a refusal means for the person.

import type { AudienceView, ReviewStatus } from "#shared/publishing/publishing.ts"

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

export interface PublishFacts {
  readonly draftVersion: { readonly number: number } | null
  readonly draftIsPublished: boolean
}

/** Why Publish (or Request review) cannot be pressed now; null when it can. */
export function cannotPublishReason(facts: PublishFacts): string | null {
  if (facts.draftVersion === null) return "Nothing to publish yet: the app has no successful build. Ask the builder to build it first."
  if (facts.draftIsPublished) return `Version ${facts.draftVersion.number} is published already. Change the app, and publish the new version.`
  return null
}
