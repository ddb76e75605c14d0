// The builder tools the worker's broker cannot answer alone (POST /api/internal/tool-execute). The
// broker verified the run's token; the web re-checks what the token claims against its own state
// before anything is read or written: a run may have ended (stopped, reaped) while a call was on
// its way, and the internal token alone says nothing about which run may act on which app. Calls
// whose claims name an app agent (claims.agentId) are an agent run's: app/agents/agent-tool-calls.

import { validateIntegrationSetup } from "#shared/agents/integration-setup.ts"
import { describeProblems } from "#shared/agents/validate-agents-config.ts"
import type { AppMetadataResult, IntegrationKeysResult, SyncIntegrationSetupResult } from "#shared/mcp/builder-tools.ts"
import type { ToolCallClaims, ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { executeAgentDataCall, executeAgentToolCall, type AgentToolOutcome } from "../agents/agent-tool-calls.server.ts"
import { executeAppDataTool, type AppDataToolOutcome } from "../app-data/app-data-tools.server.ts"
import { setAppMetadataByAgent } from "../apps/app-metadata.server.ts"
import { integrationKeysOfApp } from "../integrations/grants/grant-views.server.ts"
import { syncGrants } from "../integrations/grants/sync-grants.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, runs, type AppDocument, type RunDocument } from "../store/collections.server.ts"
import { cleanName } from "../text/names.ts"

export type ToolExecuteOutcome =
  | { readonly ok: true; readonly result: AppMetadataResult | IntegrationKeysResult | SyncIntegrationSetupResult }
  | { readonly ok: false; readonly status: 400 | 403; readonly code: string; readonly message: string }
  | AppDataToolOutcome
  | AgentToolOutcome

/** One answer for every mismatch, so a stale or forged claim learns nothing about what exists. */
const claimsRejected: ToolExecuteOutcome = {
  ok: false,
  status: 403,
  code: "claims_rejected",
  message: "This run cannot call tools now.",
}

/** The run and app the claims stand for, if the run is still in its turn; null otherwise. Also re-checks build reports. */
export async function claimedTurn(services: WebServices, claims: ToolCallClaims): Promise<{ run: RunDocument; app: AppDocument } | null> {
  const run = await services.store.collection(runs).findOne({ id: claims.runId, workspaceId: claims.workspaceId })
  if (!run || run.status !== "running" || run.appId !== claims.appId || run.runtime !== claims.runtime) return null
  const app = await services.store.collection(apps).findOne({ id: claims.appId, workspaceId: claims.workspaceId })
  return app && !app.deleting ? { run, app } : null
}

export async function executeBuilderTool(services: WebServices, call: ToolExecuteRequest): Promise<ToolExecuteOutcome> {
  // An agent run has app_tools and app_data only; a builder run never has app_tools.
  if (call.toolSet === "app_tools") return call.claims.agentId === undefined ? claimsRejected : executeAgentToolCall(services, call)
  if (call.claims.agentId !== undefined) return call.toolSet === "app_data" ? executeAgentDataCall(services, call) : claimsRejected
  switch (call.tool) {
    case "set_app_metadata": {
      // Names are shown to colleagues: cleaned as every name nobody typed as one (app/text/names.ts).
      const name = cleanName(call.input.name, 80)
      const description = cleanName(call.input.description, 200)
      if (!name || !description) {
        const what = name ? "description" : "name"
        return { ok: false, status: 400, code: "invalid_input", message: `The ${what} has no characters that can be shown: write it in plain words.` }
      }
      const turn = await claimedTurn(services, call.claims)
      if (!turn) return claimsRejected
      const result = await setAppMetadataByAgent(services, turn.app, turn.run, { name, description })
      return result ? { ok: true, result } : claimsRejected
    }
    case "list_app_integration_keys": {
      const turn = await claimedTurn(services, call.claims)
      if (!turn) return claimsRejected
      return { ok: true, result: await integrationKeysOfApp(services, turn.app, call.input.domain ?? null) }
    }
    case "sync_integration_setup": {
      // The worker validated the file against the app's agents.json; the shared rules are checked
      // again here (the web never trusts what the worker read), without agents.json, which only
      // the worker's directory holds mid-turn.
      const checked = validateIntegrationSetup(call.input.setup)
      if (!checked.ok) return { ok: false, status: 400, code: "invalid_input", message: `integration-setup.json has problems:\n${describeProblems(checked.problems)}` }
      const turn = await claimedTurn(services, call.claims)
      if (!turn) return claimsRejected
      const result = await syncGrants(services, { workspaceId: turn.app.workspaceId, appId: turn.app.id, requestedByUserId: turn.run.createdByUserId, setup: checked.config })
      return { ok: true, result }
    }
    case "list_documents":
    case "insert_document":
    case "update_document":
    case "delete_document": {
      const turn = await claimedTurn(services, call.claims)
      if (!turn) return claimsRejected
      return executeAppDataTool(services, turn.app, call)
    }
  }
}
