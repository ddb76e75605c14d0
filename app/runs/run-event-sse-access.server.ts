// Who may stream GET /api/runs/:runId/events, decided once for both ways a request reaches it: the
// web's node:http host (app/server/http-host.server.ts, which writes the stream to the response
// itself) and the Remix route (app/routes/api.runs.$runId.events.ts, for any spelling of the path
// the host leaves to Remix). Authorized like the run's app (signed out 401; another workspace's
// run, or an app the viewer cannot see: 404); a bad Last-Event-ID 400; a client already past the
// run's settle 204 (EventSource stops reconnecting); then a stream slot (429/503 when none). App
// agent runs stream here too: to the app's builders, and a published run to the person who
// triggered it while they still use the app (app/agents/agent-run-access.server.ts maySeeAgentRun).

import { ID_PATTERN } from "#shared/ids.ts"
import { agentRuns } from "../agents/agent-run-collections.server.ts"
import { findAgentRunForUser, isActiveAgentRun } from "../agents/agent-runs.server.ts"
import { mayStreamWithToken } from "../api-tokens/token-run-access.server.ts"
import { INVALID_API_TOKEN_MESSAGE } from "../api-tokens/api-token-text.ts"
import { getApiViewer, INVALID_API_TOKEN, viewerSessionKey, type Viewer } from "../auth/viewer.server.ts"
import { plainText } from "../server/plain-text.server.ts"
import type { WebServices } from "../services.server.ts"
import type { SlotRelease } from "../sse/stream-slots.server.ts"
import { runs } from "../store/collections.server.ts"
import type { RunEventSessionOptions } from "./run-event-sse-options.server.ts"
import { isCaughtUpPastEnd, lastEventIdProblem } from "./run-stream-cursor.server.ts"
import { findRunForUser } from "./runs.server.ts"

/**
 * A run the viewer may stream. Only what the stream needs later is kept (not the run's document,
 * whose transcript can be large): a process holds one of these per open stream.
 */
interface StreamedRun {
  readonly id: string
  readonly workspaceId: string
  readonly kind: "builder" | "agent"
}

async function findStreamedRun(services: WebServices, viewer: Viewer, runId: string): Promise<StreamedRun | null> {
  const user = viewer.user
  const run = await findRunForUser(services, user, runId)
  if (run) return (await mayStreamWithToken(services, viewer, run, "builder")) ? { id: run.id, workspaceId: run.workspaceId, kind: "builder" } : null
  const agentRun = await findAgentRunForUser(services, user, runId)
  if (!agentRun || !(await mayStreamWithToken(services, viewer, agentRun, "agent"))) return null
  return { id: agentRun.id, workspaceId: agentRun.workspaceId, kind: "agent" }
}

/** The stored run now: whether it ended, and its transcript. */
async function currentState(
  services: WebServices,
  run: StreamedRun,
): Promise<{ ended: boolean; endedAt: string | null; transcript: readonly unknown[] } | null> {
  if (run.kind === "builder") {
    const latest = await services.store.collection(runs).findOne({ id: run.id, workspaceId: run.workspaceId })
    return latest ? { ended: latest.status !== "running", endedAt: latest.endedAt, transcript: latest.transcript } : null
  }
  const latest = await services.store.collection(agentRuns).findOne({ id: run.id, workspaceId: run.workspaceId })
  return latest ? { ended: !isActiveAgentRun(latest), endedAt: latest.endedAt, transcript: latest.transcript } : null
}

/**
 * How long after a run is marked ended in the store its stream may still be waiting for
 * run.settled: settling records usage and the snapshot and frees the app before it appends
 * run.settled, and a stream ended by `end` in that window would tell a watcher the run is over
 * while the app still looks busy. Past this, a stream that never got run.settled ends anyway.
 */
const SETTLING_GRACE_MS = 10_000

const endedLongEnough = (state: { ended: boolean; endedAt: string | null } | null) =>
  state === null || (state.ended && (state.endedAt === null || Date.now() - Date.parse(state.endedAt) >= SETTLING_GRACE_MS))

export interface RunEventsRequest {
  /** The request as the app sees it (its URL on the public origin, its headers). */
  readonly request: Request
  /** The run id from the path, as routed. */
  readonly runId: string
  /**
   * The request again, for the access re-check at every heartbeat: the session or token may be
   * revoked, or the viewer removed from the workspace or the app's collaborators.
   */
  readonly again: () => Request
  /** When the stream's slot comes back: the request's signal, or the response itself. */
  readonly released: SlotRelease
}

/** The answer to send instead of a stream (401, 404, 400, 204, 429, 503), or the stream's options. */
export async function authorizeRunEvents(services: WebServices, given: RunEventsRequest): Promise<Response | RunEventSessionOptions> {
  const { request, runId } = given
  const viewer = await getApiViewer(request, services)
  if (viewer === INVALID_API_TOKEN) return plainText(INVALID_API_TOKEN_MESSAGE, 401)
  if (!viewer) return plainText("Sign in first.", 401)
  const run = ID_PATTERN.test(runId) ? await findStreamedRun(services, viewer, runId) : null
  if (!run) return plainText("Run not found.", 404)

  const lastEventId = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId")
  const badCursor = lastEventIdProblem(lastEventId)
  if (badCursor) return plainText(badCursor, 400)
  if (await isCaughtUpPastEnd(services.live, run.id, lastEventId)) return new Response(null, { status: 204 })
  const refused = services.streamSlots.take({ userId: viewer.user.id, sessionId: viewerSessionKey(viewer) }, given.released)
  if (refused) return refused
  const again = given.again
  return {
    live: services.live,
    hub: services.runEventHub,
    runId: run.id,
    lastEventId,
    loadTranscript: async () => {
      const latest = await currentState(services, run)
      return latest && latest.ended ? [...latest.transcript] : null
    },
    runEnded: async () => (await currentState(services, run))?.ended !== false,
    runEndedAwhile: async () => endedLongEnough(await currentState(services, run)),
    stillAllowed: async () => {
      const stillViewer = await getApiViewer(again(), services)
      return stillViewer !== null && stillViewer !== INVALID_API_TOKEN && (await findStreamedRun(services, stillViewer, run.id)) !== null
    },
  }
}
