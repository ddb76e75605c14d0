// The MCP endpoint the runtimes call back into: /mcp/:toolSet, served by the MCP SDK's Streamable
// HTTP transport in stateless mode (one SDK server per request, answering in plain JSON). Only a
// run token opens it — INTERNAL_API_TOKEN does not — and a token that is missing, wrong, expired,
// revoked, outside its turn or for another tool set gets the same 401, with nothing run. The
// tools listed and callable are exactly the ones the token grants; their JSON Schemas are made
// from the shared schemas the calls are then decoded with.
//
// NOTE: the SDK's low-level `Server` rather than `McpServer`: McpServer takes only zod schemas,
// and the tools' one contract is the Effect Schema in shared/mcp/builder-tools.ts and
// shared/mcp/app-data-tools.ts (an app agent's `app_tools` are listed from its run's grant).

import { Server } from "@modelcontextprotocol/sdk/server/index.js"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { bearerToken } from "#shared/crypto/bearer-token.ts"
import { APP_DATA_TOOLS } from "#shared/mcp/app-data-tools.ts"
import { BUILDER_TOOLS } from "#shared/mcp/builder-tools.ts"
import { APP_DATA_TOOL_NAMES, BUILDER_TOOL_NAMES, TOOL_SETS, type AppDataToolName, type BuilderToolName, type ToolSet } from "#shared/mcp/tool-names.ts"
import { errorResponse } from "../http/errorResponse.ts"
import { AppDataTools } from "./AppDataTools.ts"
import { AppTools } from "./AppTools.ts"
import { BuilderTools, type ToolAnswer } from "./BuilderTools.ts"
import { McpTokens, type McpClaims } from "./McpTokens.ts"

const MCP_PATH_PREFIX = "/mcp/"

/**
 * The paths InternalAuth leaves to the broker: exactly /mcp/<tool set name>, so no spelling of a
 * path (dot segments, encoded slashes) reaches another route without the internal token.
 */
export const isMcpPath = (path: string): boolean => /^\/mcp\/[a-z_]{1,32}$/.test(path)

/** Where a runtime on this machine reaches a tool set. */
export const mcpUrl = (origin: string, toolSet: ToolSet) => `${origin}${MCP_PATH_PREFIX}${toolSet}`

/** A JSON-RPC request is small; anything larger is not a tool call we serve. */
const MAX_BODY_BYTES = 1024 * 1024

const unauthorized = errorResponse(401, "unauthorized", "Send Authorization: Bearer <this run's MCP token>.")

const listing = (name: string, definition: { readonly description: string; readonly input: Schema.Top }) => {
  const { schema } = Schema.toJsonSchemaDocument(definition.input)
  return { name, description: definition.description, inputSchema: schema as { type: "object"; [key: string]: unknown } }
}

type Listing = ReturnType<typeof listing>

/** The fixed tool sets' tools as MCP lists them, in order, their input schemas made from the shared ones. */
const TOOL_LISTINGS: { readonly [S in Exclude<ToolSet, "app_tools">]: readonly Listing[] } = {
  second: BUILDER_TOOL_NAMES.map((name) => listing(name, BUILDER_TOOLS[name])),
  app_data: APP_DATA_TOOL_NAMES.map((name) => listing(name, APP_DATA_TOOLS[name])),
}

/**
 * The tools a set lists for these claims. `app_tools` differs per agent: its listings come from
 * the run's grant (the agent's declared tools, as the web sent them, and report_tool_call_failed).
 */
const listingsFor = (claims: McpClaims, toolSet: ToolSet): readonly Listing[] =>
  toolSet === "app_tools"
    ? (claims.agent?.appTools ?? []).map((tool) => ({ ...tool, inputSchema: tool.inputSchema as Listing["inputSchema"] }))
    : TOOL_LISTINGS[toolSet]

const noStream = errorResponse(405, "method_not_allowed", "This MCP endpoint is stateless: send JSON-RPC requests with POST.").pipe(
  HttpServerResponse.setHeader("allow", "POST"),
)

const toolResult = ({ text, isError }: ToolAnswer): CallToolResult => ({ content: [{ type: "text", text }], isError })

/** The tools of `toolSet` the claims allow, as listed: only names the set really serves. */
const allowedTools = (claims: McpClaims, toolSet: ToolSet): readonly Listing[] => {
  const granted = new Set(claims.tools[toolSet] ?? [])
  return listingsFor(claims, toolSet).filter((tool) => granted.has(tool.name))
}

/** One SDK server for one request, answering only what the claims allow. */
function serverFor(toolSet: ToolSet, listed: readonly Listing[], call: (tool: string, input: unknown, signal: AbortSignal) => Promise<ToolAnswer>) {
  const allowed = new Set(listed.map((tool) => tool.name))
  const server = new Server({ name: toolSet, version: "1.0.0" }, { capabilities: { tools: {} } })
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...listed] }))
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const name = request.params.name
    // Not granted (or not a tool at all): refused before anything runs, in the same words either way.
    if (!allowed.has(name)) {
      return toolResult({ text: `The tool ${JSON.stringify(name.slice(0, 80))} is not available to this run.`, isError: true })
    }
    return toolResult(await call(name, request.params.arguments ?? {}, extra.signal))
  })
  return server
}

const McpRoute = HttpRouter.add(
  "*",
  `${MCP_PATH_PREFIX}:toolSet`,
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const { toolSet } = yield* HttpRouter.params
    const tokens = yield* McpTokens
    const presented = bearerToken(request.headers["authorization"])
    const claims = presented === null ? null : yield* tokens.verify(presented)
    const set = TOOL_SETS.find((candidate) => candidate === toolSet)
    if (claims === null || set === undefined || claims.tools[set] === undefined) return unauthorized
    // Stateless: no stream for the server to push on, and no session to end. Saying so (405, as the
    // transport's spec allows) keeps clients from reopening a stream that closes at once.
    if (request.method !== "POST") return noStream

    const builderTools = yield* BuilderTools
    const appDataTools = yield* AppDataTools
    const appTools = yield* AppTools
    // `tool` is one the set serves and the claims grant (checked in serverFor).
    const toolCall = (tool: string, input: unknown) =>
      set === "second"
        ? builderTools.call(claims, tool as BuilderToolName, input)
        : set === "app_data"
          ? appDataTools.call(claims, tool as AppDataToolName, input)
          : appTools.call(claims, tool, input)
    // NOTE: the one bridge out of Effect in the worker. The SDK calls its tool handler and awaits a
    // Promise, so the tool's Effect runs from there, with this request's services (logger, tracer)
    // and interrupted with the request (below). Everything around it stays in Effect.
    const services = yield* Effect.context<never>()
    const run = Effect.runPromiseWith(services)

    const webRequest = yield* HttpServerRequest.toWeb(request)
    const response = yield* Effect.tryPromise({
      // `interrupted` fires when this request's fiber is interrupted (the client gone, shutdown):
      // a tool still running for it is interrupted too.
      try: async (interrupted) => {
        const call = (tool: string, input: unknown, cancelled: AbortSignal) =>
          run(toolCall(tool, input), { signal: AbortSignal.any([cancelled, interrupted]) })
        const server = serverFor(set, allowedTools(claims, set), call)
        const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true, maxRequestBodySize: MAX_BODY_BYTES })
        await server.connect(transport)
        try {
          return await transport.handleRequest(webRequest)
        } finally {
          await server.close()
        }
      },
      catch: (error) => error,
    })
    return HttpServerResponse.fromWeb(response)
  }).pipe(
    Effect.catch((error) =>
      Effect.logWarning("the MCP broker could not answer a request", error).pipe(
        Effect.as(errorResponse(400, "invalid_mcp_request", "The request is not a Streamable HTTP MCP request this server can answer.")),
      ),
    ),
  ),
)

/** McpBrokerLayer's HTTP side; its tokens and tools come from McpTokens, BuilderTools, AppDataTools and AppTools. */
export const McpBrokerRoutes = Layer.mergeAll(McpRoute)
