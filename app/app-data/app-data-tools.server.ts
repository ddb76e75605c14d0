// The builder's app_data tools, answered by the web once the run's claims were re-checked
// (app/runs/builder-tool-calls.server.ts): the app's draft data, in the collections the app
// declares in second.json only, so what the agent writes is what the app's code will read. App
// agents use the same tools, limited to their approved dataCollections (app/agents/agent-tool-calls).
// Every refusal is an answer in words the agent can act on; writes reach open previews like any other.

import { APP_MANIFEST_FILE, type AppDataScope } from "#shared/apps/app-data.ts"
import type { ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { AppError } from "../errors.server.ts"
import type { AppDocument } from "../store/collections.server.ts"
import { insertDocument, listDocuments, removeDocument, updateDocument, type AppDataServices, type AppDataTarget } from "./app-data.server.ts"

export type AppDataToolCall = Extract<ToolExecuteRequest, { readonly toolSet: "app_data" }>

export type AppDataToolOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 409 | 413; readonly code: string; readonly message: string }

const REFUSALS = {
  BAD_REQUEST: { status: 400, code: "invalid_input" },
  FORBIDDEN: { status: 403, code: "forbidden" },
  NOT_FOUND: { status: 404, code: "not_found" },
  CONFLICT: { status: 409, code: "conflict" },
  PAYLOAD_TOO_LARGE: { status: 413, code: "too_large" },
} as const

export const isAppDataToolCall = (call: ToolExecuteRequest): call is AppDataToolCall => call.toolSet === "app_data"

/**
 * For an app agent's run: the collections its approved definition declares (nothing else, whatever
 * the worker says the app declares) and the data of the run's scope.
 */
export interface AgentDataRestriction {
  readonly agentId: string
  readonly scope: AppDataScope
  readonly dataCollections: readonly string[]
}

function collectionNotAllowed(agent: AgentDataRestriction, collection: string): AppDataToolOutcome {
  const allowed =
    agent.dataCollections.length > 0 ? `It may use ${agent.dataCollections.map((name) => `"${name}"`).join(", ")}.` : "It may use no collection."
  return {
    ok: false,
    status: 403,
    code: "collection_not_allowed",
    message: `The agent "${agent.agentId}" may not use the collection "${collection}": its approved dataCollections in agents.json do not list it. ${allowed}`,
  }
}

/**
 * Runs one call on the app's data: the builder's on the draft, in the collections the app
 * declares; an agent's (with `agent`) as AgentDataRestriction says. `app` is the app the run's
 * re-checked claims stand for.
 */
export async function executeAppDataTool(services: AppDataServices, app: AppDocument, call: AppDataToolCall, agent?: AgentDataRestriction): Promise<AppDataToolOutcome> {
  const { collection } = call.input
  if (agent && !agent.dataCollections.includes(collection)) return collectionNotAllowed(agent, collection)
  if (!agent && !call.declaredCollections.includes(collection)) {
    const declared = call.declaredCollections.length > 0 ? `It declares ${call.declaredCollections.map((name) => `"${name}"`).join(", ")}.` : "It declares none yet."
    return {
      ok: false,
      status: 400,
      code: "collection_not_declared",
      message:
        `The app does not declare a collection named "${collection}". ${declared} Add "${collection}" to the dataCollections list in ` +
        `${APP_MANIFEST_FILE} at the app's root (e.g. {"dataCollections": ["${collection}"]}), then call again.`,
    }
  }
  const target: AppDataTarget = { workspaceId: app.workspaceId, appId: app.id, scope: agent?.scope ?? "draft" }
  try {
    switch (call.tool) {
      case "list_documents":
        return { ok: true, result: await listDocuments(services, target, { collection, cursor: call.input.cursor, limit: call.input.limit }) }
      case "insert_document":
        return { ok: true, result: await insertDocument(services, target, collection, call.input.data) }
      case "update_document":
        return { ok: true, result: await updateDocument(services, target, collection, call.input.id, call.input.data) }
      case "delete_document":
        return { ok: true, result: { deleted: true, ...(await removeDocument(services, target, collection, call.input.id)) } }
    }
  } catch (error) {
    if (error instanceof AppError && error.code in REFUSALS) {
      return { ok: false, ...REFUSALS[error.code as keyof typeof REFUSALS], message: error.message }
    }
    throw error
  }
}
