// The broker's calls to the web for tools that need durable state: POST {TOOL_EXECUTE_URL}
// (/api/internal/tool-execute) under INTERNAL_API_TOKEN. The body carries the claims of the run
// token the runtime presented, and the web re-checks them against its own state (the run exists,
// is running, and belongs to that app, workspace and runtime) before it does anything.

import { Schema } from "effect"
import { RuntimeId } from "../runtime/run-event.ts"
import { AppToolAnswer, AppToolInput, REPORT_TOOL_FAILURE, ReportToolFailureInput } from "./app-tools.ts"
import { DeleteDocumentInput, InsertDocumentInput, ListDocumentsInput, UpdateDocumentInput } from "./app-data-tools.ts"
import { AGENT_ID_PATTERN, TOOL_NAME_PATTERN } from "../agents/agents-config.ts"
import {
  AppMetadataResult,
  IntegrationKeysResult,
  ListIntegrationKeysInput,
  SetAppMetadataInput,
  SyncIntegrationSetupInput,
  SyncIntegrationSetupResult,
} from "./builder-tools.ts"

const Id = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_-]{1,64}$/))

/**
 * What a valid run token stands for, as the broker verified it. `agentId` is present for an app
 * agent's run (runId is then an agent run's id): the web checks every call against that agent's
 * approved definition, never against anything the worker sends.
 */
export const ToolCallClaims = Schema.Struct({
  workspaceId: Id,
  appId: Id,
  runId: Id,
  runtime: RuntimeId,
  agentId: Schema.optionalKey(Schema.String.check(Schema.isPattern(AGENT_ID_PATTERN))),
})
export type ToolCallClaims = typeof ToolCallClaims.Type

/**
 * The collections the app declares (second.json's dataCollections, as the worker read it from
 * the app's directory when the call came): the app_data tools work on these only.
 */
const DeclaredCollections = Schema.Array(Schema.String).check(Schema.isMaxLength(100))

const appDataCall = <const T extends string, S extends Schema.Top>(tool: T, input: S) =>
  Schema.Struct({
    claims: ToolCallClaims,
    toolSet: Schema.Literal("app_data"),
    tool: Schema.Literal(tool),
    declaredCollections: DeclaredCollections,
    input,
  })

export const ToolExecuteRequest = Schema.Union([
  Schema.Struct({
    claims: ToolCallClaims,
    toolSet: Schema.Literal("second"),
    tool: Schema.Literal("set_app_metadata"),
    input: SetAppMetadataInput,
  }),
  Schema.Struct({
    claims: ToolCallClaims,
    toolSet: Schema.Literal("second"),
    tool: Schema.Literal("list_app_integration_keys"),
    input: ListIntegrationKeysInput,
  }),
  // Not a tool the agent sees: present_integration_setup's second half, once the file checked out in the worker.
  Schema.Struct({
    claims: ToolCallClaims,
    toolSet: Schema.Literal("second"),
    tool: Schema.Literal("sync_integration_setup"),
    input: SyncIntegrationSetupInput,
  }),
  appDataCall("list_documents", ListDocumentsInput),
  appDataCall("insert_document", InsertDocumentInput),
  appDataCall("update_document", UpdateDocumentInput),
  appDataCall("delete_document", DeleteDocumentInput),
  // Before the generic app tool below, whose name pattern report_tool_call_failed also matches.
  Schema.Struct({
    claims: ToolCallClaims,
    toolSet: Schema.Literal("app_tools"),
    tool: Schema.Literal(REPORT_TOOL_FAILURE),
    input: ReportToolFailureInput,
  }),
  // An app agent's declared tool, by name alone: the web finds its definition in the approved configuration.
  Schema.Struct({
    claims: ToolCallClaims,
    toolSet: Schema.Literal("app_tools"),
    tool: Schema.String.check(Schema.isPattern(TOOL_NAME_PATTERN)),
    input: AppToolInput,
  }),
])
export type ToolExecuteRequest = typeof ToolExecuteRequest.Type

/** The web's answer to an app tool call: what the agent is told. */
export type AppToolAnswer = typeof AppToolAnswer.Type

/** The web's answer, per tool: what the agent is told. App data answers are the documents as JSON. */
export const ToolExecuteAnswers = {
  set_app_metadata: AppMetadataResult,
  list_app_integration_keys: IntegrationKeysResult,
  sync_integration_setup: SyncIntegrationSetupResult,
  list_documents: Schema.Unknown,
  insert_document: Schema.Unknown,
  update_document: Schema.Unknown,
  delete_document: Schema.Unknown,
} as const

/** 200 { result } where `result` matches ToolExecuteAnswers[tool]; refusals are WorkerProblem-shaped 4xx. */
export const ToolExecuteResponse = Schema.Struct({ result: Schema.Unknown })
