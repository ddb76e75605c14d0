// GET /api/runs/:runId/events: a run's events as Server-Sent Events, authorized like its app
// (signed out 401; another workspace's run, or an app the viewer cannot see: 404). Replays from
// Last-Event-ID (header, or ?lastEventId= for a first connection that resumes), then follows the
// live stream past the turn's end to run.settled. A client already past that gets 204, which
// tells EventSource to stop reconnecting. App agent runs stream here too: to the app's builders,
// and a published run to the person who triggered it while they still use the app
// (app/agents/agent-run-access.server.ts maySeeAgentRun).

import type { LoaderFunctionArgs } from "@remix-run/node"
import { ID_PATTERN } from "#shared/ids.ts"
import { agentRuns } from "../agents/agent-run-collections.server.ts"
import { findAgentRunForUser, isActiveAgentRun } from "../agents/agent-runs.server.ts"
import { mayStreamWithToken } from "../api-tokens/token-run-access.server.ts"
import { INVALID_API_TOKEN_MESSAGE } from "../api-tokens/api-token-text.ts"
import { getApiViewer, INVALID_API_TOKEN, viewerSessionKey, type Viewer } from "../auth/viewer.server.ts"
import { openRunEventStream } from "../runs/run-event-sse.server.ts"
import { isCaughtUpPastEnd, lastEventIdProblem } from "../runs/run-stream-cursor.server.ts"
import { findRunForUser } from "../runs/runs.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { plainText } from "../server/plain-text.server.ts"
import { SSE_HEADERS } from "../sse/sse.server.ts"
import type { WebServices } from "../services.server.ts"
import { runs } from "../store/collections.server.ts"

/** A builder run or an app agent run the user may see, with how to read its stored state while streaming. */
async function findStreamedRun(services: WebServices, viewer: Viewer, runId: string) {
  const user = viewer.user
  const run = await findRunForUser(services, user, runId)
  if (run) {
    if (!(await mayStreamWithToken(services, viewer, run, "builder"))) return null
    return {
      id: run.id,
      current: async () => {
        const latest = await services.store.collection(runs).findOne({ id: run.id, workspaceId: run.workspaceId })
        return latest ? { ended: latest.status !== "running", transcript: latest.transcript } : null
      },
    }
  }
  const agentRun = await findAgentRunForUser(services, user, runId)
  if (!agentRun || !(await mayStreamWithToken(services, viewer, agentRun, "agent"))) return null
  return {
    id: agentRun.id,
    current: async () => {
      const latest = await services.store.collection(agentRuns).findOne({ id: agentRun.id, workspaceId: agentRun.workspaceId })
      return latest ? { ended: !isActiveAgentRun(latest), transcript: latest.transcript } : null
    },
  }
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { services } = context
  const viewer = await getApiViewer(request, services)
  if (viewer === INVALID_API_TOKEN) return plainText(INVALID_API_TOKEN_MESSAGE, 401)
  if (!viewer) return plainText("Sign in first.", 401)
  const runId = params["runId"] ?? ""
  const run = ID_PATTERN.test(runId) ? await findStreamedRun(services, viewer, runId) : null
  if (!run) return plainText("Run not found.", 404)

  const lastEventId = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId")
  const badCursor = lastEventIdProblem(lastEventId)
  if (badCursor) return plainText(badCursor, 400)
  if (await isCaughtUpPastEnd(services.live, run.id, lastEventId)) return new Response(null, { status: 204 })
  const refused = services.streamSlots.take({ userId: viewer.user.id, sessionId: viewerSessionKey(viewer) }, request.signal)
  if (refused) return refused
  const current = run.current
  const body = openRunEventStream({
    live: services.live,
    hub: services.runEventHub,
    runId: run.id,
    lastEventId,
    loadTranscript: async () => {
      const latest = await current()
      return latest && latest.ended ? [...latest.transcript] : null
    },
    runEnded: async () => (await current())?.ended !== false,
    // The session or token may be revoked, or the viewer removed from the workspace or the app's collaborators.
    stillAllowed: async () => {
      const stillViewer = await getApiViewer(request, services)
      return stillViewer !== null && stillViewer !== INVALID_API_TOKEN && (await findStreamedRun(services, stillViewer, run.id)) !== null
    },
    signal: request.signal,
  })
  return new Response(body, { headers: SSE_HEADERS })
}

export const action = onlyMethod("GET")
