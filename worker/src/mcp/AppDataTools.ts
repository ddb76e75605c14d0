// The builder's `app_data` tool set: the app's own data, read and written by the web (it is durable
// state) in the draft scope. The worker's part is to check the call against the tool's schema, to
// read which collections the app declares (second.json's dataCollections, in the app's directory
// as the agent left it a moment ago), and to pass both with the token's claims, which the web
// re-checks. App agents use the same tools on the collections their run was granted. Every
// outcome is an answer for the agent, never a failed turn.

import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Context, Effect, Layer, Schema } from "effect"
import { APP_MANIFEST_FILE, COLLECTION_NAME_PATTERN } from "#shared/apps/app-data.ts"
import { APP_DATA_TOOLS } from "#shared/mcp/app-data-tools.ts"
import type { AppDataToolName } from "#shared/mcp/tool-names.ts"
import { ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { appWorkdir } from "../sandbox/app-directories.ts"
import type { ToolAnswer } from "./BuilderTools.ts"
import { askWebForTool } from "./ask-web.ts"
import type { McpClaims } from "./McpTokens.ts"

const refusal = (text: string): ToolAnswer => ({ text, isError: true })
const encodeRequest = Schema.encodeUnknownSync(ToolExecuteRequest)

/** second.json's declared collections; a missing or broken manifest declares none (the web says what to add). */
export function declaredCollections(workdir: string): string[] {
  try {
    const manifest: unknown = JSON.parse(readFileSync(join(workdir, APP_MANIFEST_FILE), "utf8"))
    const names = typeof manifest === "object" && manifest !== null ? (manifest as Record<string, unknown>)["dataCollections"] : undefined
    return Array.isArray(names) ? [...new Set(names.filter((name): name is string => typeof name === "string" && COLLECTION_NAME_PATTERN.test(name)))].slice(0, 100) : []
  } catch {
    return []
  }
}

export class AppDataTools extends Context.Service<
  AppDataTools,
  {
    /** Runs one allowed call of `tool` for the app the claims stand for. */
    readonly call: (claims: McpClaims, tool: AppDataToolName, input: unknown) => Effect.Effect<ToolAnswer>
  }
>()("worker/AppDataTools") {
  static readonly layer = Layer.effect(
    AppDataTools,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      return AppDataTools.of({
        call: Effect.fn("AppDataTools.call")(function* (claims, tool, input) {
          const decoded = Schema.decodeUnknownResult(APP_DATA_TOOLS[tool].input as Schema.Codec<unknown, unknown>)(input, { errors: "all" })
          if (decoded._tag === "Failure") {
            return refusal(`The input does not match ${tool}'s schema; fix it and call again. ${decoded.failure.message.slice(0, 600)}`)
          }
          if (claims.workspaceId === null) return refusal("This run was started without a workspace, so this tool cannot be used.")
          // An app agent's run has no app directory: its collections are its grant's (the web
          // re-checks them against the approved agent, never trusting these alone).
          const request = {
            claims: {
              workspaceId: claims.workspaceId,
              appId: claims.appId,
              runId: claims.runId,
              runtime: claims.runtime,
              ...(claims.agent ? { agentId: claims.agent.agentId } : {}),
            },
            toolSet: "app_data",
            tool,
            declaredCollections: claims.agent ? [...claims.agent.dataCollections] : declaredCollections(appWorkdir(config.workspacesDir, claims.appId)),
            input: decoded.success,
          }
          // The encoder checks the whole call against the contract on the way out.
          const body = yield* Effect.option(Effect.try(() => JSON.stringify(encodeRequest(request))))
          if (body._tag === "None") return refusal(`The input does not match ${tool}'s schema.`)
          const reply = yield* askWebForTool(config, body.value).pipe(
            Effect.catchTag("ToolWebError", (error) => Effect.succeed({ ok: false as const, message: `${error.message} Try again in a moment.` })),
          )
          return reply.ok ? { text: JSON.stringify(reply.result), isError: false } : refusal(reply.message)
        }),
      })
    }),
  )
}
