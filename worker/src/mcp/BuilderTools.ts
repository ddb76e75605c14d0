// What the builder's tools do when the broker has let a call through. Presenting a plan or
// suggestions needs nothing durable: the call itself, in the run's transcript, is the record (the
// web reads it when the run settles). Presenting agents or an integration setup reads and checks
// the file the agent wrote (present-config.ts): the answer carries what the chat's card shows, or
// what to fix; a valid integration setup is also sent to the web, which makes it the app's grant set. Saying "done" builds the app (AppBuilds), and the agent hears what to fix when the
// build fails. Naming the app and listing its keys need the web's state, so they go to
// /api/internal/tool-execute with the token's claims, which the web re-checks. Every outcome is
// an answer for the agent: a call that cannot be done says why, as a tool error, and never takes
// the turn down.

import { Context, Effect, Layer, Schema } from "effect"
import { BUILDER_TOOLS, endsTurn, type BuilderToolName, type DoneBuildingInput } from "#shared/mcp/builder-tools.ts"
import { ToolExecuteAnswers, ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { AppBuilds, type BuildOutcome } from "../build/AppBuilds.ts"
import { describeProblems } from "../build/build-problems.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { appWorkdir } from "../sandbox/app-directories.ts"
import { askWebForTool } from "./ask-web.ts"
import type { McpClaims } from "./McpTokens.ts"
import { presentAgents, presentedSetupAnswer, readIntegrationSetup, setupNotSyncedAnswer } from "./present-config.ts"

/** What the agent is told: the tool's text result, and whether it is an error. */
export interface ToolAnswer {
  readonly text: string
  readonly isError: boolean
}

const answer = (value: unknown): ToolAnswer => ({ text: JSON.stringify(value), isError: false })
const refusal = (text: string): ToolAnswer => ({ text, isError: true })

/** The local tools' answers. Approval stops tell the agent to stop, in case its runtime lets it go on for a moment. */
const localAnswer = (tool: BuilderToolName): ToolAnswer =>
  endsTurn(tool)
    ? answer({ ok: true, status: "presented", next: "Stop here: your turn ends, and the person answers in the next message." })
    : answer({ ok: true, status: "recorded" })

/** done_building's answer: a passed build is a result, a failed one an error listing what to fix. */
const buildAnswer = (outcome: BuildOutcome): ToolAnswer =>
  outcome.ok
    ? answer({ ok: true, status: "built", versionNumber: outcome.versionNumber, durationMs: outcome.durationMs, message: outcome.message })
    : refusal(`${outcome.message}\n${describeProblems(outcome.problems)}\nFix these and call done_building again.`.replace("\n\n", "\n"))

const encodeRequest = Schema.encodeSync(ToolExecuteRequest)

/** The second tool set's calls the web answers (sync_integration_setup is present_integration_setup's second half). */
type WebTool = "set_app_metadata" | "list_app_integration_keys" | "sync_integration_setup"
type WebAnswer<T extends WebTool> = (typeof ToolExecuteAnswers)[T]["Type"]

export class BuilderTools extends Context.Service<
  BuilderTools,
  {
    /** Runs one allowed call of `tool` for the run the claims stand for. */
    readonly call: (claims: McpClaims, tool: BuilderToolName, input: unknown) => Effect.Effect<ToolAnswer>
  }
>()("worker/BuilderTools") {
  static readonly layer = Layer.effect(
    BuilderTools,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const builds = yield* AppBuilds

      /** The web's decoded answer to one call, or the refusal the agent is told. */
      const askWeb = Effect.fn("BuilderTools.askWeb")(function* <T extends WebTool>(claims: McpClaims, tool: T, input: unknown) {
        if (claims.workspaceId === null) return { ok: false as const, answer: refusal("This run was started without a workspace, so this tool cannot be used.") }
        const request = {
          claims: { workspaceId: claims.workspaceId, appId: claims.appId, runId: claims.runId, runtime: claims.runtime },
          toolSet: "second",
          tool,
          input,
        }
        // The encoder checks the input against the tool's schema on the way out.
        const body = yield* Effect.option(Effect.try(() => JSON.stringify(encodeRequest(request as never))))
        if (body._tag === "None") return { ok: false as const, answer: refusal(`The input does not match ${tool}'s schema.`) }
        const reply = yield* askWebForTool(config, body.value)
        if (!reply.ok) return { ok: false as const, answer: refusal(reply.message) }
        const result = Schema.decodeUnknownExit(ToolExecuteAnswers[tool] as Schema.Codec<WebAnswer<T>, unknown>)(reply.result)
        if (result._tag === "Failure") return { ok: false as const, answer: refusal("Second answered in a shape this worker does not understand.") }
        return { ok: true as const, result: result.value }
      })

      const callWeb = (claims: McpClaims, tool: "set_app_metadata" | "list_app_integration_keys", input: unknown) =>
        askWeb(claims, tool, input).pipe(
          Effect.map((reply) => (reply.ok ? answer(reply.result) : reply.answer)),
          Effect.catchTag("ToolWebError", (error) => Effect.succeed(refusal(`${error.message} Try again in a moment.`))),
        )

      /**
       * present_integration_setup: the file checked here, then recorded by the web as the app's
       * grant set; presented only once recorded, so the card never shows a setup the Integrations
       * page does not have. A failed sync is a tool error (the turn goes on) saying so.
       */
      const presentSetup = Effect.fn("BuilderTools.presentSetup")(function* (claims: McpClaims) {
        const read = yield* Effect.try(() => readIntegrationSetup(appWorkdir(config.workspacesDir, claims.appId)))
        if (!read.ok) return read.answer
        return yield* askWeb(claims, "sync_integration_setup", { setup: read.setup }).pipe(
          Effect.map((reply) => (reply.ok ? presentedSetupAnswer(read.setup, reply.result) : setupNotSyncedAnswer(reply.answer.text))),
          Effect.catchTag("ToolWebError", (error) => Effect.succeed(setupNotSyncedAnswer(error.message))),
        )
      })

      return BuilderTools.of({
        call: Effect.fn("BuilderTools.call")(function* (claims, tool, input) {
          const decoded = Schema.decodeUnknownResult(BUILDER_TOOLS[tool].input as Schema.Codec<unknown, unknown>)(input, { errors: "all" })
          if (decoded._tag === "Failure") {
            return refusal(`The input does not match ${tool}'s schema; fix it and call again. ${describeIssue(decoded.failure)}`)
          }
          if (tool === "present_agents" || tool === "present_integration_setup") {
            const present = tool === "present_agents" ? Effect.try(() => presentAgents(appWorkdir(config.workspacesDir, claims.appId))) : presentSetup(claims)
            return yield* present.pipe(
              Effect.catch((error) =>
                Effect.logWarning(`${tool} could not read the app's files`, error).pipe(Effect.as(refusal("The app's files could not be read just now; try again in a moment."))),
              ),
            )
          }
          if (tool === "done_building") {
            const { summary } = decoded.success as DoneBuildingInput
            const { appId, runId, workspaceId, runtime } = claims
            return buildAnswer(yield* builds.build({ appId, runId, workspaceId, runtime, summary }))
          }
          if (!BUILDER_TOOLS[tool].answeredByWeb) return localAnswer(tool)
          return yield* callWeb(claims, tool as "set_app_metadata" | "list_app_integration_keys", decoded.success)
        }),
      })
    }),
  )
}

/** The schema's words for what is wrong with an input, bounded. */
function describeIssue(error: Schema.SchemaError): string {
  const text = error.message
  return text.length > 600 ? `${text.slice(0, 600)}…` : text
}
