// One call of the web's tool-execute endpoint for a broker tool that needs durable state: the
// POST under INTERNAL_API_TOKEN with its deadline and its retries when the web cannot be reached,
// and the answer read as either the result or the web's refusal in its own words. Shared by the
// builder's tool sets, so every web-answered tool behaves the same when the web is slow or down.

import { Effect, Schema } from "effect"
import { ToolExecuteResponse } from "#shared/mcp/tool-execute.ts"
import { WorkerProblem } from "#shared/runs/internal-api.ts"
import type { WorkerSettings } from "../config/WorkerConfig.ts"
import { postToWeb } from "../http/post-to-web.ts"
import { delaysSchedule } from "../runtime/turn-pipeline.ts"

export class ToolWebError extends Schema.TaggedError<ToolWebError>()("ToolWebError", {
  message: Schema.String,
  /** The web could not be reached or did not answer: another attempt may work. */
  transient: Schema.Boolean,
}) {}

const WEB_TIMEOUT = "15 seconds"
/** Waits between attempts when the web is unreachable. */
const WEB_RETRY_DELAYS_MS = [250, 1_000] as const

const decodeProblem = Schema.decodeUnknownOption(WorkerProblem)
const decodeResponse = Schema.decodeUnknownExit(ToolExecuteResponse)

/** The web's answer to one call: its `result`, or its refusal's message. */
export type WebToolAnswer = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly message: string }

export const askWebForTool = (config: Pick<WorkerSettings, "internalApiToken" | "toolExecuteUrl">, body: string) =>
  Effect.tryPromise({
    try: (signal) =>
      postToWeb(config, config.toolExecuteUrl, body, signal).then(async (response) => ({
        status: response.status,
        body: (await response.json().catch(() => null)) as unknown,
      })),
    catch: () => new ToolWebError({ message: "Second's web tier could not be reached.", transient: true }),
  }).pipe(
    Effect.timeoutOrElse({
      duration: WEB_TIMEOUT,
      orElse: () => Effect.fail(new ToolWebError({ message: "Second's web tier did not answer in time.", transient: true })),
    }),
    Effect.retry({ schedule: delaysSchedule(WEB_RETRY_DELAYS_MS), while: (error) => error.transient }),
    Effect.map((reply): WebToolAnswer => {
      if (reply.status !== 200) {
        const problem = decodeProblem(reply.body)
        return { ok: false, message: problem._tag === "Some" ? problem.value.error.message : `Second refused the call (HTTP ${reply.status}).` }
      }
      const decoded = decodeResponse(reply.body)
      return decoded._tag === "Success" ? { ok: true, result: decoded.value.result } : { ok: false, message: "Second answered in a shape this worker does not understand." }
    }),
  )
