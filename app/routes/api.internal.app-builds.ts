// POST /api/internal/app-builds: the worker reports a successful build (shared/apps/app-build.ts).
// 200 { versionId, versionNumber }; 400 for a report that does not match the contract; 403
// claims_rejected when the run cannot record builds now (ended, or not that app's, workspace's or
// runtime's); 422 when the build cannot be kept as a version, saying what the agent should change.
// The body (a whole source, dist/ included, base64 for binaries) is bounded by the host's limit for
// /api/internal/ (app/server/request-checks.server.ts), as the end-of-turn report is.

import type { ActionFunctionArgs } from "@remix-run/node"
import { Schema } from "effect"
import { AppBuildReport } from "#shared/apps/app-build.ts"
import { recordAppBuild } from "../apps/app-builds.server.ts"
import { jsonProblem, readInternalPost } from "../internal/internal-caller.server.ts"

const decodeReport = Schema.decodeUnknownExit(AppBuildReport)

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context
  const report = await readInternalPost(request, services.config, decodeReport, { code: "invalid_build_report", what: "build report", contract: "shared/apps/app-build.ts" })
  if (!report.ok) return report.response
  const outcome = await recordAppBuild(services, report.value)
  return outcome.ok ? Response.json(outcome.recorded, { headers: { "cache-control": "no-store" } }) : jsonProblem(outcome.status, outcome.code, outcome.message)
}

export const loader = () => jsonProblem(405, "method_not_allowed", "Use POST.")
