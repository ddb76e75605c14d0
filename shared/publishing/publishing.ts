// Publishing an app to colleagues: who a published app is for, its releases (the published
// version history), review requests and the diff a reviewer reads. The shapes the web's
// procedures return and the pages render; plain TypeScript, so the browser can import it.

/** "workspace": every member; "teams": members of the chosen teams (owners, admins and the app's builders always). */
export const VISIBILITIES = ["workspace", "teams"] as const
export type Visibility = (typeof VISIBILITIES)[number]

/** At most this many teams per audience: a published app is for a few teams, not a directory. */
export const MAX_AUDIENCE_TEAMS = 50
/** A requester's note and a reviewer's comment. */
export const REVIEW_TEXT_MAX_CHARS = 2000

/** pending → approved | changes_requested | superseded (the draft changed) | withdrawn (by its requester). */
export const REVIEW_STATUSES = ["pending", "approved", "changes_requested", "superseded", "withdrawn"] as const
export type ReviewStatus = (typeof REVIEW_STATUSES)[number]

/** Machine-readable reasons of refusals (AppError.reasonCode, sent as the tRPC error's data.reasonCode). */
export const PUBLISH_REFUSALS = {
  /** The review no longer matches the app's draft (it changed, or the review was decided meanwhile): 409. */
  reviewStale: "review_stale",
  /** Outside local mode, every integration the app declares must be set up first: 409. */
  integrationsSetupRequired: "integrations_setup_required",
  /** The app has no build to publish: 409. */
  nothingToPublish: "nothing_to_publish",
  /** A review of this app is pending already: 409. */
  reviewPending: "review_pending",
} as const

export interface PersonRef {
  readonly id: string
  /** Display name, or "someone no longer here". */
  readonly name: string
}

export interface AudienceView {
  readonly visibility: Visibility
  /** Empty for "workspace". */
  readonly teamIds: readonly string[]
  /** The teams' current names, in teamIds' order ("a deleted team" for one that is gone). */
  readonly teamNames: readonly string[]
}

/** One published version of an app: numbered 1, 2, 3… per app; a rollback is a new release. */
export interface ReleaseView {
  readonly id: string
  readonly number: number
  /** The app version (app/apps/versions.server.ts) whose source and build it serves. */
  readonly versionId: string
  readonly versionNumber: number
  readonly audience: AudienceView
  readonly publishedAt: string
  readonly publishedBy: PersonRef
  /** The review it came from; null when an owner or admin published directly (or rolled back). */
  readonly reviewId: string | null
  readonly rolledBackFromNumber: number | null
  /** "live"/"mock": its agents run as approved; null: no agents approved when it was published. */
  readonly agentsMode: "live" | "mock" | null
  /** Its version declares agents (agents.json with agents): agentsMode null then means "not approved". Null: not known (an older release). */
  readonly agentsDeclared: boolean | null
  /** The release colleagues see now (false for every release while the app is unpublished). */
  readonly current: boolean
}

export interface ReviewView {
  readonly id: string
  readonly appId: string
  readonly appName: string
  readonly status: ReviewStatus
  readonly requestedBy: PersonRef
  readonly requestedAt: string
  readonly audience: AudienceView
  /** The requester's note to the reviewer. */
  readonly note: string | null
  /** The draft version under review. */
  readonly versionId: string
  readonly versionNumber: number
  readonly reviewer: PersonRef | null
  readonly decidedAt: string | null
  /** The reviewer's comment (required for "changes_requested"). */
  readonly comment: string | null
  /** Why it was superseded ("Version 5 was built after the request"); null otherwise. */
  readonly supersededReason: string | null
}

/** An integration the app declares that is not set up yet, and what is missing. */
export interface MissingIntegration {
  readonly domain: string
  readonly name: string
  /** What an admin must do, in words ("store the secret API_KEY", "add the OAuth client for google"). */
  readonly missing: string
}

/** What the builder's Publish dialog shows (publishing.state). */
export interface PublishState {
  readonly published: ReleaseView | null
  readonly pendingReview: ReviewView | null
  /** The last decided review, when it asked for changes and nothing newer happened: its comment is shown. */
  readonly changesRequested: ReviewView | null
  /** The viewer may publish directly (apps:publish); otherwise Publish asks for a review. */
  readonly canPublishDirectly: boolean
  /** The draft version that would be published; null when the app has no build. */
  readonly draftVersion: { readonly id: string; readonly number: number } | null
  /** The current release serves the draft version already (its audience may still be changed). */
  readonly draftIsPublished: boolean
  /**
   * The current release serves the draft version with the draft's agents approval: publishing again
   * changes something only when the audience differs from the release's (else 409 nothing_to_publish).
   */
  readonly draftMatchesRelease: boolean
  /** What the release's agents would be: declared in agents.json, and the draft's effective approval. */
  readonly draftAgents: DraftAgentsView
  /** Empty when every declared integration is set up, or in local mode (then integrationsRequired is false). */
  readonly missingIntegrations: readonly MissingIntegration[]
  readonly integrationsRequired: boolean
}

export interface DraftAgentsView {
  /** agents.json is present and declares at least one agent. */
  readonly declared: boolean
  /** The draft's effective approval ("live", "mock"); null: not approved (or none declared). */
  readonly approval: "live" | "mock" | null
  /** The declared agents' names (or ids), for the warning; empty when agents.json is invalid. */
  readonly agentNames: readonly string[]
}

/** Whether two audiences reach the same people: the same visibility, and the same teams in any order. */
export function sameAudience(
  a: { readonly visibility: Visibility; readonly teamIds: readonly string[] },
  b: { readonly visibility: Visibility; readonly teamIds: readonly string[] },
): boolean {
  if (a.visibility !== b.visibility) return false
  if (a.visibility === "workspace") return true
  const left = new Set(a.teamIds)
  const right = new Set(b.teamIds)
  return left.size === right.size && [...left].every((id) => right.has(id))
}

export type DiffLineKind = "context" | "added" | "removed"
export interface DiffLine {
  readonly kind: DiffLineKind
  readonly text: string
}

export interface FileChange {
  readonly path: string
  readonly change: "added" | "removed" | "changed"
  readonly addedLines: number
  readonly removedLines: number
  /** Hunks with a few lines of context; null for a binary file or one too large to diff here. */
  readonly lines: readonly DiffLine[] | null
}

/** A change to an agent, a tool, a collection permission or an integration, in words. */
export interface PolicyChange {
  /** "agent", "tool", "collection", "integration". */
  readonly kind: string
  /** What changed: the agent's id, "agentId/toolName", a collection name, an integration's domain. */
  readonly subject: string
  readonly change: "added" | "removed" | "changed"
  /** Plain sentences: "GET https://api.weather.example/v1/forecast", "write access added". */
  readonly details: readonly string[]
}

/** The draft under review against the app's current release (or against nothing, at first publish). */
export interface ReviewDiff {
  readonly base: { readonly releaseNumber: number; readonly versionNumber: number } | null
  /** Source files only: dist/ (the build) is summarized as one line, not diffed. */
  readonly files: readonly FileChange[]
  /** More files changed than a page shows; their count. */
  readonly filesNotShown: number
  readonly agents: readonly PolicyChange[]
  readonly integrations: readonly PolicyChange[]
}

/** A published app as its colleagues' home lists it ("Apps for you"). */
export interface PublishedAppCard {
  readonly appId: string
  readonly name: string
  readonly description: string | null
  readonly publishedAt: string
  readonly audience: AudienceView
}
