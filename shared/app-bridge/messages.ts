// The bridge between an app running in its preview frame and the platform page that hosts it:
// every message either side may post, and the validator the host applies to what the frame sends.
// The frame is untrusted (it runs the builder's code, sandboxed without allow-same-origin), so a
// message that is not exactly one of these shapes is dropped without an answer. Plain TypeScript:
// the browser imports it. The app's SDK (templates/react-app/src/lib/second-sdk.ts and second/)
// cannot import the platform, so it restates these names; tests/app-bridge/sdk-protocol.test.ts
// keeps the two equal.

import { APP_DATA_LIMITS, COLLECTION_NAME_PATTERN, type AppDataChange, type AppDataDocument, type AppDataPage } from "../apps/app-data.ts"

export { parseAppDataChange } from "../apps/app-data.ts"

export const APP_SOURCE = "second-app"
export const HOST_SOURCE = "second-host"

/** Requests the app makes; each is answered once, as `<type>-response`. */
export const DATA_REQUEST_TYPES = ["second:data:list", "second:data:doc", "second:data:insert", "second:data:update", "second:data:delete"] as const
export type DataRequestType = (typeof DATA_REQUEST_TYPES)[number]

/**
 * The app's agents and tools (agents.json): trigger an agent run as the viewer, ask a run's
 * status, call one of the app's approved appTools by name. Answered once, like data requests.
 */
export const AGENT_REQUEST_TYPES = ["second:agent:trigger", "second:agent:status", "second:tool:call"] as const
export type AgentRequestType = (typeof AGENT_REQUEST_TYPES)[number]

export type RequestType = DataRequestType | AgentRequestType

/** The app is listening: the host may push to it from now on (a new document in the frame starts over). */
export const READY_TYPE = "second:ready"
/** The app wants (or no longer wants) live changes of one collection. Never answered. */
export const SUBSCRIBE_TYPE = "second:data:subscribe"
export const UNSUBSCRIBE_TYPE = "second:data:unsubscribe"

/** Pushed by the host: a change to a collection the app subscribed to. */
export const CHANGE_TYPE = "second:data:change"
/** Pushed by the host: changes may have been missed (the live stream reconnected); read again. */
export const RESYNC_TYPE = "second:data:resync"
/** Pushed by the host while an agent run this frame triggered is live: its status changed. */
export const AGENT_UPDATE_TYPE = "second:agent:update"

export const responseType = <T extends RequestType>(type: T): `${T}-response` => `${type}-response`

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
/** Ids the web gives documents; anything else cannot name one, so it is refused before any call. */
export const DOCUMENT_ID_PATTERN = /^[a-z2-7]{24}$/
const MAX_CURSOR_LENGTH = 200
/** As shared/agents/agents-config.ts says (restated: that module needs effect, this one is plain; messages.test.ts keeps them equal). */
export const AGENT_ID_PATTERN = /^[a-z][a-z0-9-]{0,47}$/
export const TOOL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,47}$/
/** Agent run ids, as the web gives them (shared/ids.ts). */
export const RUN_ID_PATTERN = /^[a-z2-7]{24}$/
/** What the worker accepts as an agent run's prompt (shared/runs/agent-runs.ts). */
export const MAX_AGENT_PROMPT_LENGTH = 20_000

/** An agent run as the app sees it. "idle" is the SDK's own: nothing triggered yet. */
export const AGENT_RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const
export type AgentRunStatus = (typeof AGENT_RUN_STATUSES)[number]
export const isFinishedAgentRun = (status: AgentRunStatus) => status === "completed" || status === "failed" || status === "cancelled"

interface Request<T extends DataRequestType> {
  readonly source: typeof APP_SOURCE
  readonly type: T
  readonly requestId: string
  readonly collection: string
}

export type DataRequest =
  | (Request<"second:data:list"> & { readonly cursor: string | null; readonly limit: number | null })
  | (Request<"second:data:doc"> & { readonly id: string })
  | (Request<"second:data:insert"> & { readonly data: Record<string, unknown> })
  | (Request<"second:data:update"> & { readonly id: string; readonly data: Record<string, unknown> })
  | (Request<"second:data:delete"> & { readonly id: string })

export type AgentRequest =
  | { readonly source: typeof APP_SOURCE; readonly type: "second:agent:trigger"; readonly requestId: string; readonly agentId: string; readonly prompt: string }
  | { readonly source: typeof APP_SOURCE; readonly type: "second:agent:status"; readonly requestId: string; readonly runId: string }
  | { readonly source: typeof APP_SOURCE; readonly type: "second:tool:call"; readonly requestId: string; readonly name: string; readonly input: Record<string, unknown> }

export type AppMessage =
  | DataRequest
  | AgentRequest
  | { readonly source: typeof APP_SOURCE; readonly type: typeof READY_TYPE }
  | { readonly source: typeof APP_SOURCE; readonly type: typeof SUBSCRIBE_TYPE | typeof UNSUBSCRIBE_TYPE; readonly collection: string }

/** What each request is answered with when it succeeds, and nothing more. */
export interface DataResults {
  readonly "second:data:list": AppDataPage
  readonly "second:data:doc": AppDataDocument
  readonly "second:data:insert": AppDataDocument
  readonly "second:data:update": AppDataDocument
  readonly "second:data:delete": { readonly deleted: true; readonly id: string }
}

/** An agent run's state: `error` is a message safe to show, set when the run failed. */
export interface AgentRunState {
  readonly status: AgentRunStatus
  readonly error: string | null
}

/** A tool's answer (shared/mcp/app-tools.ts AppToolAnswer): `mock` with its reason when it is the declared mock data. */
export interface ToolAnswer {
  readonly mock: boolean
  readonly mockReason: string | null
  readonly status: number | null
  readonly body: unknown
}

export interface RequestResults extends DataResults {
  readonly "second:agent:trigger": { readonly runId: string }
  readonly "second:agent:status": AgentRunState
  readonly "second:tool:call": ToolAnswer
}

/**
 * Why a request failed: the platform's error code where it gave one (NOT_FOUND, BAD_REQUEST,
 * FORBIDDEN, PAYLOAD_TOO_LARGE, CONFLICT...), else one of the bridge's own (TIMEOUT is the SDK's).
 */
export interface BridgeError {
  readonly code: string
  readonly message: string
}

export type DataAnswer<T extends RequestType = RequestType> =
  | { readonly source: typeof HOST_SOURCE; readonly type: `${T}-response`; readonly requestId: string; readonly ok: true; readonly result: RequestResults[T] }
  | { readonly source: typeof HOST_SOURCE; readonly type: `${T}-response`; readonly requestId: string; readonly ok: false; readonly error: BridgeError }

export type HostPush =
  | { readonly source: typeof HOST_SOURCE; readonly type: typeof CHANGE_TYPE; readonly change: AppDataChange }
  | { readonly source: typeof HOST_SOURCE; readonly type: typeof RESYNC_TYPE }

export type HostMessage = DataAnswer | HostPush

/** Pushed while a run the frame triggered is live. Apart from HostPush: its `error` is a message, not a BridgeError. */
export type AgentUpdate = { readonly source: typeof HOST_SOURCE; readonly type: typeof AGENT_UPDATE_TYPE; readonly runId: string } & AgentRunState

/** Everything the host may post to the frame. */
export type HostPost = HostMessage | AgentUpdate

/** Every type string of the protocol, for the SDK's test. */
export const ALL_MESSAGE_TYPES = [
  ...DATA_REQUEST_TYPES,
  ...DATA_REQUEST_TYPES.map(responseType),
  ...AGENT_REQUEST_TYPES,
  ...AGENT_REQUEST_TYPES.map(responseType),
  READY_TYPE,
  SUBSCRIBE_TYPE,
  UNSUBSCRIBE_TYPE,
  CHANGE_TYPE,
  RESYNC_TYPE,
  AGENT_UPDATE_TYPE,
] as const

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const isCollection = (value: unknown): value is string => typeof value === "string" && COLLECTION_NAME_PATTERN.test(value)
const isDocumentId = (value: unknown): value is string => typeof value === "string" && DOCUMENT_ID_PATTERN.test(value)
const matches = (pattern: RegExp) => (value: unknown): value is string => typeof value === "string" && pattern.test(value)

/** The agent and tool requests, rebuilt field by field; null for anything malformed. */
function parseAgentRequest(type: unknown, requestId: string, value: Record<string, unknown>): AgentRequest | null {
  const base = { source: APP_SOURCE, requestId } as const
  switch (type) {
    case "second:agent:trigger": {
      const { agentId, prompt } = value
      const validPrompt = typeof prompt === "string" && prompt.trim() !== "" && prompt.length <= MAX_AGENT_PROMPT_LENGTH
      return matches(AGENT_ID_PATTERN)(agentId) && validPrompt ? { ...base, type, agentId, prompt: prompt as string } : null
    }
    case "second:agent:status":
      return matches(RUN_ID_PATTERN)(value["runId"]) ? { ...base, type, runId: value["runId"] } : null
    case "second:tool:call": {
      const { name, input } = value
      return matches(TOOL_NAME_PATTERN)(name) && isPlainObject(input) ? { ...base, type, name, input } : null
    }
    default:
      return null
  }
}

/**
 * The frame's message as one of the protocol's, rebuilt from the fields it may carry (nothing else
 * is ever passed on), or null. Data is checked for shape only; its size and depth are the web's
 * to judge, which answers with an error the app can show.
 */
export function parseAppMessage(value: unknown): AppMessage | null {
  if (!isPlainObject(value) || value["source"] !== APP_SOURCE) return null
  const type = value["type"]
  if (type === READY_TYPE) return { source: APP_SOURCE, type }
  if (type === SUBSCRIBE_TYPE || type === UNSUBSCRIBE_TYPE) {
    return isCollection(value["collection"]) ? { source: APP_SOURCE, type, collection: value["collection"] } : null
  }
  const { requestId, collection } = value
  if (typeof requestId !== "string" || !REQUEST_ID_PATTERN.test(requestId)) return null
  if ((AGENT_REQUEST_TYPES as readonly unknown[]).includes(type)) return parseAgentRequest(type, requestId, value)
  if (!isCollection(collection)) return null
  const base = { source: APP_SOURCE, requestId, collection } as const
  switch (type) {
    case "second:data:list": {
      const { cursor, limit } = value
      const validCursor = cursor === undefined || cursor === null || (typeof cursor === "string" && cursor.length <= MAX_CURSOR_LENGTH)
      const validLimit = limit === undefined || limit === null || (Number.isInteger(limit) && (limit as number) >= 1 && (limit as number) <= APP_DATA_LIMITS.maxPageSize)
      if (!validCursor || !validLimit) return null
      return { ...base, type, cursor: (cursor as string | null | undefined) ?? null, limit: (limit as number | null | undefined) ?? null }
    }
    case "second:data:doc":
    case "second:data:delete":
      return isDocumentId(value["id"]) ? { ...base, type, id: value["id"] } : null
    case "second:data:insert":
      return isPlainObject(value["data"]) ? { ...base, type, data: value["data"] } : null
    case "second:data:update":
      return isDocumentId(value["id"]) && isPlainObject(value["data"]) ? { ...base, type, id: value["id"], data: value["data"] } : null
    default:
      return null
  }
}

export const isDataRequest = (message: AppMessage): message is DataRequest => (DATA_REQUEST_TYPES as readonly string[]).includes(message.type)
export const isAgentRequest = (message: AppMessage): message is AgentRequest => (AGENT_REQUEST_TYPES as readonly string[]).includes(message.type)

export function answerOk<T extends RequestType>(request: { readonly type: T; readonly requestId: string }, result: RequestResults[T]): DataAnswer<T> {
  return { source: HOST_SOURCE, type: responseType(request.type), requestId: request.requestId, ok: true, result }
}

export function answerError<T extends RequestType>(request: { readonly type: T; readonly requestId: string }, error: BridgeError): DataAnswer<T> {
  return { source: HOST_SOURCE, type: responseType(request.type), requestId: request.requestId, ok: false, error: { code: error.code, message: error.message } }
}

export const changeMessage = (change: AppDataChange): HostPush => ({ source: HOST_SOURCE, type: CHANGE_TYPE, change })
export const resyncMessage = (): HostPush => ({ source: HOST_SOURCE, type: RESYNC_TYPE })
export const agentUpdateMessage = (runId: string, state: AgentRunState): AgentUpdate => ({
  source: HOST_SOURCE,
  type: AGENT_UPDATE_TYPE,
  runId,
  status: state.status,
  error: state.error,
})
