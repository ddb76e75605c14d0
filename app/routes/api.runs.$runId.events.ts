// GET /api/runs/:runId/events: a run's events as Server-Sent Events. Replays from Last-Event-ID
// (header, or ?lastEventId= for a first connection that resumes), then follows the live stream
// past the turn's end to run.settled; who may, and every other answer, is decided in
// app/runs/run-event-sse-access.server.ts. The web's host serves this path itself, straight to the
// node:http response (app/server/http-host.server.ts); Remix serves the spellings it leaves here
// (/API/runs/…, percent-encoded ids, HEAD), with the same authorization and the same stream.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { authorizeRunEvents } from "../runs/run-event-sse-access.server.ts"
import { openRunEventStream } from "../runs/run-event-sse.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { SSE_HEADERS } from "../sse/sse.server.ts"

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const answer = await authorizeRunEvents(context.services, { request, runId: params["runId"] ?? "", again: () => request, released: request.signal })
  if (answer instanceof Response) return answer
  return new Response(openRunEventStream({ ...answer, signal: request.signal }), { headers: SSE_HEADERS })
}

export const action = onlyMethod("GET")
