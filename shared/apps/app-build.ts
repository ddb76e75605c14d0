// A successful build, reported by the worker the moment done_building's build passes: POST
// {WEB_URL}/api/internal/app-builds under INTERNAL_API_TOKEN. The web re-checks the claims (the
// run is running and belongs to that app, workspace and runtime, as for tool-execute), stores the
// source with its dist/ as a snapshot, records it as the app's next version, and tells every open
// preview to reload. The answer names the version, which the agent and the chat are told.

import { Schema } from "effect"
import { AppSourceAnswer } from "../runs/internal-api.ts"
import { ToolCallClaims } from "../mcp/tool-execute.ts"

export const AppBuildReport = Schema.Struct({
  claims: ToolCallClaims,
  /** done_building's summary: what this build changed, for the Versions list. */
  summary: Schema.String.check(Schema.isMaxLength(4_000)),
  durationMs: Schema.Number,
  /** The app's source at the end of the build, dist/ included (dist/index.html is present). */
  source: AppSourceAnswer,
})
export type AppBuildReport = typeof AppBuildReport.Type

export const AppBuildRecorded = Schema.Struct({
  versionId: Schema.String,
  versionNumber: Schema.Number,
})
export type AppBuildRecorded = typeof AppBuildRecorded.Type

export const appBuildsPath = "/api/internal/app-builds"
