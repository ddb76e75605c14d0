// POST /api/internal/runs/:runId/complete: the worker reports the end of a run's turn (see
// shared/runs/internal-api.ts). 200 when this report settled the run, 409 when something else
// already had (a stop, the reaper), 404 for a run that does not exist (deleted with its app).
// App agent runs report here too: an id that is no builder run's is settled as an agent run's.

import type { ActionFunctionArgs } from "@remix-run/node"
import { Schema } from "effect"
import { ID_PATTERN } from "#shared/ids.ts"
import { RunCompletion } from "#shared/runs/internal-api.ts"
import { internalCallerProblem, jsonProblem } from "../internal/internal-caller.server.ts"
import { completeAgentRun } from "../agents/agent-run-settlement.server.ts"
import { completeRun } from "../runs/run-completion.server.ts"

const decodeCompletion = Schema.decodeUnknownExit(RunCompletion)

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { services } = context
  const refused = internalCallerProblem(request, services.config)
  if (refused) return refused
  if (request.method !== "POST") return jsonProblem(405, "method_not_allowed", "Use POST.")
  const runId = params["runId"] ?? ""
  if (!ID_PATTERN.test(runId)) return jsonProblem(404, "unknown_run", "No such run.")
  const body: unknown = await request.json().catch(() => undefined)
  const decoded = decodeCompletion(body)
  if (decoded._tag === "Failure") return jsonProblem(400, "invalid_completion", "The completion report does not match shared/runs/internal-api.ts.")
  const builder = await completeRun(services, runId, decoded.value)
  const result = builder === "unknown-run" ? await completeAgentRun(services, runId, decoded.value) : builder
  if (result === "unknown-run") return jsonProblem(404, "unknown_run", "No such run.")
  if (result === "already-settled") return jsonProblem(409, "already_settled", "The run had already ended.")
  return Response.json({ settled: true })
}

export const loader = () => jsonProblem(405, "method_not_allowed", "Use POST.")
