// Workspace events: small "something changed, refetch" hints for the pages open on a workspace.
// They carry no content, only what changed (and which app or run), so a missed or duplicated
// event costs a refetch and nothing else. Every event names its audience; the per-process hub
// (workspace-event-hub.server.ts) delivers it only to connections inside that audience, and
// strips the audience before anything reaches a browser.

import { can, type Role } from "#shared/auth/permissions.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"

export const WORKSPACE_EVENT_TYPES = [
  "app.created",
  "app.updated",
  "app.deleted",
  /** A build succeeded or a version was restored: open previews load the app's current version. */
  "app.version.created",
  /** The app's agents.json approval changed (approved, revoked, cleared by an edit, published): the Agents page reloads. */
  "app.agents.changed",
  "run.started",
  "run.completed",
  "run.failed",
  "run.stopped",
  /** An app agent run started or ended (runId is the agent run's). */
  "agent_run.started",
  "agent_run.ended",
  "member.changed",
  /** An app was published, unpublished or rolled back, or its audience changed: homes reload "Apps for you" (no appId: everyone hears it). */
  "app.published",
  /** A review request was made, decided, superseded or withdrawn (audience: the app's builders and admins). */
  "review.changed",
  /** The workspace's runtime settings for app frames changed: open apps reload their frame. */
  "workspace.settings.changed",
] as const

export type WorkspaceEventType = (typeof WORKSPACE_EVENT_TYPES)[number]

/** What a browser receives, and nothing more. */
export type WorkspaceEvent = {
  type: WorkspaceEventType
  appId?: string
  runId?: string
  /** When it happened (ISO 8601). */
  at: string
}

/**
 * Who may hear of an event. "workspace": every member. "app": the people who can see that app
 * (its creator and collaborators, passed in) plus the roles that see every app (owners, admins).
 */
export type WorkspaceEventAudience = { kind: "workspace" } | { kind: "app"; userIds: readonly string[] }

/** Who is listening: enough to decide whether an event's audience includes them. */
export interface EventListenerIdentity {
  readonly userId: string
  readonly role: Role
}

export function isInAudience(audience: WorkspaceEventAudience, listener: EventListenerIdentity): boolean {
  if (audience.kind === "workspace") return true
  // The same rule as seeing the app itself (app/apps/app-access.server.ts).
  return can(listener.role, "apps:manage-all") || audience.userIds.includes(listener.userId)
}

export const workspaceEventsChannel = (workspaceId: string) => `workspace:${workspaceId}:events`

/** What travels on the live channel between web processes (never sent to browsers as is). */
export interface WorkspaceEventEnvelope {
  readonly event: WorkspaceEvent
  readonly audience: WorkspaceEventAudience
}

type EventInput = Omit<WorkspaceEvent, "at"> & { at?: string }

export interface PublishFailureLog {
  error(message: string, fields?: Readonly<Record<string, unknown>>): void
}

// Publishers pass their logger; this is only for callers that have none at hand.
const stderrLog: PublishFailureLog = {
  error: (message, fields) => console.error(message, fields ?? {}),
}

/**
 * Publishes an event to everyone in its audience, on every web process. Never rejects: an event
 * is a hint, and failing to send one must not fail the change that caused it, so a failure is
 * logged and the promise resolves false. Callers may `void` it or await it.
 *
 * An event naming an app or a run goes only to an app audience: apps are private to the people
 * listed in it (and owners/admins), and a workspace-wide event would reveal their ids.
 */
export async function publishWorkspaceEvent(
  live: LiveCoordination,
  workspaceId: string,
  event: EventInput,
  audience: WorkspaceEventAudience,
  log: PublishFailureLog = stderrLog,
): Promise<boolean> {
  const { type, appId, runId } = event
  const fields = { workspaceId, type }
  if ((appId !== undefined || runId !== undefined) && audience.kind !== "app") {
    log.error("workspace event not published: an event naming an app or run needs an app audience", fields)
    return false
  }
  // Rebuilt field by field so nothing a caller spread into the event reaches browsers.
  const envelope: WorkspaceEventEnvelope = {
    event: { type, ...(appId !== undefined ? { appId } : {}), ...(runId !== undefined ? { runId } : {}), at: event.at ?? new Date().toISOString() },
    audience: audience.kind === "workspace" ? { kind: "workspace" } : { kind: "app", userIds: [...new Set(audience.userIds)] },
  }
  try {
    await live.publish(workspaceEventsChannel(workspaceId), JSON.stringify(envelope))
    return true
  } catch (error) {
    log.error("workspace event not published", { ...fields, error })
    return false
  }
}

const isString = (value: unknown): value is string => typeof value === "string"

/** Reads an envelope off the channel; null for anything malformed (never trusted blindly). */
export function parseEnvelope(message: string): WorkspaceEventEnvelope | null {
  let raw: unknown
  try {
    raw = JSON.parse(message)
  } catch {
    return null
  }
  if (typeof raw !== "object" || raw === null) return null
  const { event, audience } = raw as { event?: Record<string, unknown>; audience?: Record<string, unknown> }
  if (typeof event !== "object" || event === null || typeof audience !== "object" || audience === null) return null
  if (!(WORKSPACE_EVENT_TYPES as readonly unknown[]).includes(event["type"]) || !isString(event["at"])) return null
  if (event["appId"] !== undefined && !isString(event["appId"])) return null
  if (event["runId"] !== undefined && !isString(event["runId"])) return null
  let parsedAudience: WorkspaceEventAudience
  if (audience["kind"] === "workspace") parsedAudience = { kind: "workspace" }
  else if (audience["kind"] === "app" && Array.isArray(audience["userIds"]) && audience["userIds"].every(isString)) {
    parsedAudience = { kind: "app", userIds: audience["userIds"] }
  } else return null
  // The same rule as publishing: ids of apps and runs never go workspace-wide.
  if (parsedAudience.kind === "workspace" && (event["appId"] !== undefined || event["runId"] !== undefined)) return null
  return {
    event: {
      type: event["type"] as WorkspaceEventType,
      ...(isString(event["appId"]) ? { appId: event["appId"] } : {}),
      ...(isString(event["runId"]) ? { runId: event["runId"] } : {}),
      at: event["at"],
    },
    audience: parsedAudience,
  }
}
