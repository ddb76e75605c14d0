// Telling the web about a build that passed: POST {WEB_URL}/api/internal/app-builds with the
// claims, the summary and the app's source (dist/ included), answered with the version it made.
// Whatever happens, the answer is an outcome, not an error: a build that passed stays passed, and
// the agent is told whether it became a version. Unreachable or overloaded, the web is asked again.

import { Effect, Schema } from "effect"
import { AppBuildRecorded, AppBuildReport, appBuildsPath } from "#shared/apps/app-build.ts"
import { WorkerProblem } from "#shared/runs/internal-api.ts"
import type { WorkerSettings } from "../config/WorkerConfig.ts"
import { postToWeb } from "../http/post-to-web.ts"
import { delaysSchedule } from "../runtime/turn-pipeline.ts"

export type RecordOutcome =
  | { readonly kind: "recorded"; readonly versionNumber: number }
  /** The build stands, but no version was made (see `reason`). */
  | { readonly kind: "not_recorded"; readonly reason: string }
  /** The web will not keep this build as a version until the agent changes something (`reason` says what). */
  | { readonly kind: "rejected"; readonly reason: string }

class WebUnavailable extends Schema.TaggedError<WebUnavailable>()("WebUnavailable", { reason: Schema.String }) {}

/** Per attempt; with the retries and a build at its time limit, still inside the runtimes' MCP call timeout (MCP_TOOL_TIMEOUT_MS). */
const ATTEMPT_TIMEOUT = "15 seconds"
const RETRY_DELAYS_MS = [250, 1_000] as const
const TRANSIENT_STATUSES = new Set([502, 503, 504])

const decodeRecorded = Schema.decodeUnknownOption(AppBuildRecorded)
const decodeProblem = Schema.decodeUnknownOption(WorkerProblem)
const encodeReport = Schema.encodeUnknownOption(AppBuildReport)

export const appBuildsUrl = (config: Pick<WorkerSettings, "webUrl">) => new URL(appBuildsPath, config.webUrl)

export const recordBuild = (config: Pick<WorkerSettings, "webUrl" | "internalApiToken">, report: AppBuildReport): Effect.Effect<RecordOutcome> =>
  Effect.gen(function* () {
    const encoded = encodeReport(report)
    if (encoded._tag === "None") return { kind: "not_recorded", reason: "the build report did not match the contract with the web" } as const
    const body = JSON.stringify(encoded.value)
    const reply = yield* Effect.tryPromise({
      try: (signal) =>
        postToWeb(config, appBuildsUrl(config), body, signal).then(async (response) => ({
          status: response.status,
          body: (await response.json().catch(() => null)) as unknown,
        })),
      catch: () => new WebUnavailable({ reason: "Second's web tier could not be reached" }),
    }).pipe(
      Effect.timeoutOrElse({
        duration: ATTEMPT_TIMEOUT,
        orElse: () => Effect.fail(new WebUnavailable({ reason: "Second's web tier did not answer in time" })),
      }),
      Effect.filterOrFail(
        (answer) => !TRANSIENT_STATUSES.has(answer.status),
        (answer) => new WebUnavailable({ reason: `Second's web tier is unavailable (HTTP ${answer.status})` }),
      ),
      Effect.retry({ schedule: delaysSchedule(RETRY_DELAYS_MS) }),
    )
    const problem = decodeProblem(reply.body)
    const said = problem._tag === "Some" ? problem.value.error.message : `HTTP ${reply.status}`
    if (reply.status === 200) {
      const recorded = decodeRecorded(reply.body)
      return recorded._tag === "Some"
        ? ({ kind: "recorded", versionNumber: recorded.value.versionNumber } as const)
        : ({ kind: "not_recorded", reason: "the web answered in a shape this worker does not understand" } as const)
    }
    // NOTE: a web from before builds were recorded has no such route; the build still counts.
    if (reply.status === 404) return { kind: "not_recorded", reason: "this Second's web tier does not record builds yet" } as const
    if (reply.status === 422) return { kind: "rejected", reason: said } as const
    return { kind: "not_recorded", reason: `the web refused it: ${said}` } as const
  }).pipe(Effect.catchTag("WebUnavailable", (error) => Effect.succeed<RecordOutcome>({ kind: "not_recorded", reason: error.reason })))
