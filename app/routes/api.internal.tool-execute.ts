// POST /api/internal/tool-execute: the worker's broker asks the web to answer a tool that needs
// durable state or the network (shared/mcp/tool-execute.ts): a builder run's, or an app agent
// run's (claims with agentId: its custom tools, report_tool_call_failed, and app_data limited to
// its approved collections). 200 { result }; 400 for a call that does not match the contract or
// the tool's parameters; 403 claims_rejected when the run cannot call tools now (ended, or not
// that app's, workspace's, agent's or runtime's), 403 for a tool or collection the approved
// agents.json does not give it; 502 when the provider could not be reached or answered unusably.

import type { ActionFunctionArgs } from "@remix-run/node"
import { Schema } from "effect"
import { ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { jsonProblem, readInternalPost } from "../internal/internal-caller.server.ts"
import { executeBuilderTool } from "../runs/builder-tool-calls.server.ts"

const decodeCall = Schema.decodeUnknownExit(ToolExecuteRequest)

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context
  const call = await readInternalPost(request, services.config, decodeCall, { code: "invalid_tool_call", what: "tool call", contract: "shared/mcp/tool-execute.ts" })
  if (!call.ok) return call.response
  const outcome = await executeBuilderTool(services, call.value)
  return outcome.ok ? Response.json({ result: outcome.result }, { headers: { "cache-control": "no-store" } }) : jsonProblem(outcome.status, outcome.code, outcome.message)
}

export const loader = () => jsonProblem(405, "method_not_allowed", "Use POST.")
