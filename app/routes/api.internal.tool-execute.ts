// POST /api/internal/tool-execute: the worker's broker asks the web to answer a builder tool that
// needs durable state (shared/mcp/tool-execute.ts). 200 { result }; 400 for a call that does not
// match the contract; 403 claims_rejected when the run cannot call tools now (ended, or not that
// app's, workspace's or runtime's).

import type { ActionFunctionArgs } from "@remix-run/node"
import { Cause, Schema } from "effect"
import { ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { internalCallerProblem, jsonProblem } from "../internal/internal-caller.server.ts"
import { executeBuilderTool } from "../runs/builder-tool-calls.server.ts"

const decodeCall = Schema.decodeUnknownExit(ToolExecuteRequest)

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context
  const refused = internalCallerProblem(request, services.config)
  if (refused) return refused
  if (request.method !== "POST") return jsonProblem(405, "method_not_allowed", "Use POST.")
  const body: unknown = await request.json().catch(() => undefined)
  const decoded = decodeCall(body)
  if (decoded._tag === "Failure") {
    // The schema's own words say which field is wrong and why; the first lines are enough.
    const why = Cause.squash(decoded.cause)
    const detail = why instanceof Error ? why.message.split("\n").slice(0, 2).join(" ").slice(0, 300) : ""
    return jsonProblem(400, "invalid_tool_call", `The tool call does not match shared/mcp/tool-execute.ts. ${detail}`.trim())
  }
  const outcome = await executeBuilderTool(services, decoded.value)
  return outcome.ok ? Response.json({ result: outcome.result }, { headers: { "cache-control": "no-store" } }) : jsonProblem(outcome.status, outcome.code, outcome.message)
}

export const loader = () => jsonProblem(405, "method_not_allowed", "Use POST.")
