// One call of the web's tool-execute endpoint for a broker tool that needs durable state: the
// POST under INTERNAL_API_TOKEN with its deadline and its retries when the web cannot be reached,
// and the answer read as either the result or the web's refusal in its own words. Shared by the
// builder's tool sets, so every web-answered tool behaves the same when the web is slow or down.
// An app agent's tool call is different in two ways (APP_TOOL_WEB_CALL): the web itself waits up
// to 30 s for a provider, so the worker waits longer than that; and a call that may have reached
// the web is never sent again, since the web may have sent it on to a provider (a POST that
// creates something would run twice).

import { type Duration, Effect, Schema } from "effect"
import { ToolExecuteResponse } from "#shared/mcp/tool-execute.ts"
import { WorkerProblem } from "#shared/runs/internal-api.ts"
import type { WorkerSettings } from "../config/WorkerConfig.ts"
import { postToWeb } from "../http/post-to-web.ts"
import { delaysSchedule } from "../runtime/turn-pipeline.ts"

export class ToolWebError extends Schema.TaggedError<ToolWebError>()("ToolWebError", {
  message: Schema.String,
  /** The web could not be reached or did not answer: another attempt may work. */
  transient: Schema.Boolean,
  /** Nothing reached the web (the connection was refused or could not be made): sending again is safe. */
  unsent: Schema.Boolean,
}) {}

/** How long one kind of call waits for the web, and which failures it tries again after. */
export interface WebCallPolicy {
  readonly timeout: Duration.Input
  /** "transient": any failure to reach or hear from the web; "unsent": only when nothing reached it. */
  readonly retry: "transient" | "unsent"
}

/** The builder's tools: the web answers from its own store, quickly, and a repeat is harmless. */
export const BUILDER_WEB_CALL: WebCallPolicy = { timeout: "15 seconds", retry: "transient" }

/**
 * An app agent's tool calls: longer than the web's 30 s provider deadline (HTTP_TOOL_DEADLINE_MS
 * in app/integrations), so a slow provider's answer (or the web's own timeout refusal) arrives
 * instead of a worker timeout; and never sent twice once it may have reached the web.
 */
export const APP_TOOL_WEB_CALL: WebCallPolicy = { timeout: "45 seconds", retry: "unsent" }

/** Waits between attempts when the web is unreachable. */
const WEB_RETRY_DELAYS_MS = [250, 1_000] as const

/** Connection failures that happen before a byte of the request is sent. */
const UNSENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"])

/** Whether a failed fetch never reached the web: its cause (undici's) is a refused or impossible connection. */
export function failedBeforeSending(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  return typeof cause?.code === "string" && UNSENT_CODES.has(cause.code)
}

const decodeProblem = Schema.decodeUnknownOption(WorkerProblem)
const decodeResponse = Schema.decodeUnknownExit(ToolExecuteResponse)

/** The web's answer to one call: its `result`, or its refusal's message. */
export type WebToolAnswer = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly message: string }

export const askWebForTool = (config: Pick<WorkerSettings, "internalApiToken" | "toolExecuteUrl">, body: string, policy: WebCallPolicy = BUILDER_WEB_CALL) =>
  Effect.tryPromise({
    try: (signal) =>
      postToWeb(config, config.toolExecuteUrl, body, signal).then(async (response) => ({
        status: response.status,
        body: (await response.json().catch(() => null)) as unknown,
      })),
    catch: (error) =>
      failedBeforeSending(error)
        ? new ToolWebError({ message: "Second's web tier could not be reached.", transient: true, unsent: true })
        : new ToolWebError({ message: "The connection to Second's web tier broke before it answered.", transient: true, unsent: false }),
  }).pipe(
    Effect.timeoutOrElse({
      duration: policy.timeout,
      orElse: () => Effect.fail(new ToolWebError({ message: "Second's web tier did not answer in time.", transient: true, unsent: false })),
    }),
    Effect.retry({ schedule: delaysSchedule(WEB_RETRY_DELAYS_MS), while: (error) => (policy.retry === "unsent" ? error.unsent : error.transient) }),
    Effect.map((reply): WebToolAnswer => {
      if (reply.status !== 200) {
        const problem = decodeProblem(reply.body)
        return { ok: false, message: problem._tag === "Some" ? problem.value.error.message : `Second refused the call (HTTP ${reply.status}).` }
      }
      const decoded = decodeResponse(reply.body)
      return decoded._tag === "Success" ? { ok: true, result: decoded.value.result } : { ok: false, message: "Second answered in a shape this worker does not understand." }
    }),
  )
