// An app agent's `app_tools` tool set: the custom tools its agents.json declares, and the
// platform's report_tool_call_failed. The worker never calls an integration itself: each call goes
// to the web's tool-execute endpoint by tool name with the run token's claims (agent included),
// and the web executes the approved definition. The web's answer is what the agent reads; a mock
// answer says so in its first words, so the run shows it labelled as mock. A call waits longer than
// the web waits for a provider and is never sent twice once it may have reached the web
// (APP_TOOL_WEB_CALL): a slow provider is a slow answer, not an outage, and a POST runs once.

import { Context, Effect, Layer, Schema } from "effect"
import { AppToolAnswer, AppToolInput, REPORT_TOOL_FAILURE, ReportToolFailureInput, reportToolFailureListing, type AppToolListing } from "#shared/mcp/app-tools.ts"
import { MOCK_ANSWER_PREFIX } from "#shared/mcp/tool-names.ts"
import { ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import type { ToolAnswer } from "./BuilderTools.ts"
import { APP_TOOL_WEB_CALL, askWebForTool, type ToolWebError } from "./ask-web.ts"
import type { McpClaims } from "./McpTokens.ts"

const refusal = (text: string): ToolAnswer => ({ text, isError: true })
const encodeRequest = Schema.encodeUnknownSync(ToolExecuteRequest)
const decodeAnswer = Schema.decodeUnknownExit(AppToolAnswer)
const decodeCustomInput = Schema.decodeUnknownResult(AppToolInput)
const decodeReportInput = Schema.decodeUnknownResult(ReportToolFailureInput)

/** report_tool_call_failed as MCP lists it: its JSON Schema made from the shared one its calls are decoded with. */
export const REPORT_TOOL_FAILURE_LISTING: AppToolListing = reportToolFailureListing(
  Schema.toJsonSchemaDocument(ReportToolFailureInput).schema as Record<string, Schema.Json>,
)

/** The agent's app_tools as a run's grant lists them: its custom tools (from the web), then the platform's own. */
export const appToolsGrant = (custom: readonly AppToolListing[]): readonly AppToolListing[] => [
  ...custom.filter((tool) => tool.name !== REPORT_TOOL_FAILURE),
  REPORT_TOOL_FAILURE_LISTING,
]

/** The words a mock answer starts with: the agent (and whoever reads the run) knows the data is not real. */
export const MOCK_PREFIX = MOCK_ANSWER_PREFIX

/** What the agent reads for the web's answer. */
export function appToolText(answer: AppToolAnswer): string {
  const body = JSON.stringify({ status: answer.status, body: answer.body })
  if (!answer.mock) return body
  return `${MOCK_PREFIX} ${answer.mockReason ?? "This tool returns its declared mock data."} ${JSON.stringify({ mock: true, body: answer.body })}`
}

type AppToolAnswer = typeof AppToolAnswer.Type

/**
 * What the agent reads when the web did not answer. Only a call that never reached the web is
 * plainly safe to repeat; any other may have been made at the provider already.
 */
export function webFailureText(error: ToolWebError): string {
  if (error.unsent) return `${error.message} Nothing was sent; try again in a moment.`
  return `${error.message} The call may still have reached the provider: before calling it again, check whether it took effect (a call that creates or changes something may already have).`
}

export class AppTools extends Context.Service<
  AppTools,
  {
    /** Runs one granted call of `tool` for the agent run the claims stand for. */
    readonly call: (claims: McpClaims, tool: string, input: unknown) => Effect.Effect<ToolAnswer>
  }
>()("worker/AppTools") {
  static readonly layer = Layer.effect(
    AppTools,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      return AppTools.of({
        call: Effect.fn("AppTools.call")(function* (claims, tool, input) {
          if (!claims.agent || claims.workspaceId === null) return refusal("These tools belong to an app agent's run, and this run is not one.")
          const isReport = tool === REPORT_TOOL_FAILURE
          // The shape only: the web checks a custom tool's input against its declared parameters.
          const decoded = isReport ? decodeReportInput(input, { errors: "all" }) : decodeCustomInput(input, { errors: "all" })
          if (decoded._tag === "Failure") return refusal(`The input does not match ${tool}'s schema; fix it and call again. ${decoded.failure.message.slice(0, 600)}`)
          const request = {
            claims: { workspaceId: claims.workspaceId, appId: claims.appId, runId: claims.runId, runtime: claims.runtime, agentId: claims.agent.agentId },
            toolSet: "app_tools",
            tool,
            input: decoded.success,
          }
          const body = yield* Effect.option(Effect.try(() => JSON.stringify(encodeRequest(request))))
          if (body._tag === "None") return refusal(`The input does not match ${tool}'s schema.`)
          const reply = yield* askWebForTool(config, body.value, APP_TOOL_WEB_CALL).pipe(
            Effect.catchTag("ToolWebError", (error) => Effect.succeed({ ok: false as const, message: webFailureText(error) })),
          )
          if (!reply.ok) return refusal(reply.message)
          // A report is recorded by the web; what it answers is passed on as it is.
          if (isReport) return { text: JSON.stringify(reply.result), isError: false }
          const answer = decodeAnswer(reply.result)
          if (answer._tag === "Failure") return refusal("Second answered in a shape this worker does not understand.")
          // The provider refusing (4xx/5xx) is a failed call for the agent, with the provider's words.
          const failed = answer.value.status !== null && answer.value.status >= 400
          return { text: appToolText(answer.value), isError: failed }
        }),
      })
    }),
  )
}
