// The host's side of the app bridge (shared/app-bridge/messages.ts): it hears the one frame it
// hosts and nobody else, answers each valid request by calling the platform for the app this page
// shows (the page says which app and scope; a message never does), and passes on live changes to
// the collections the app subscribed to. It also triggers the app's agents and calls its appTools
// for the app (as the viewer, the page's app), and follows the runs the frame triggered until they
// end. The frame is untrusted: anything that is not exactly a protocol message from that frame is
// ignored, and an answer carries only what its request asked for. Pure (no DOM, no React), so
// tests drive it with plain objects.

import {
  agentUpdateMessage,
  answerError,
  answerOk,
  changeMessage,
  isAgentRequest,
  isDataRequest,
  isFinishedAgentRun,
  parseAppMessage,
  READY_TYPE,
  resyncMessage,
  SUBSCRIBE_TYPE,
  type AgentRequest,
  type AgentRunState,
  type BridgeError,
  type DataAnswer,
  type DataRequest,
  type DataResults,
  type HostPost,
  type RequestResults,
  type ToolAnswer,
} from "#shared/app-bridge/messages.ts"
import { APP_DATA_LIMITS, type AppDataChange, type AppDataScope } from "#shared/apps/app-data.ts"

/** What the bridge posts to: the frame's window (only postMessage is used). */
export interface FrameWindow {
  postMessage(message: HostPost, targetOrigin: string): void
}

/** The platform's app data calls, bound by the page to one app and scope, as the signed-in viewer. */
export interface AppDataBackend {
  readonly appId: string
  readonly scope: AppDataScope
  list(collection: string, cursor: string | null, limit: number | null): Promise<DataResults["second:data:list"]>
  get(collection: string, id: string): Promise<DataResults["second:data:doc"]>
  insert(collection: string, data: Record<string, unknown>): Promise<DataResults["second:data:insert"]>
  update(collection: string, id: string, data: Record<string, unknown>): Promise<DataResults["second:data:update"]>
  remove(collection: string, id: string): Promise<DataResults["second:data:delete"]>
  /** The failure as the app may read it (the platform's code and its message, nothing internal). */
  problem(error: unknown): BridgeError
}

/** The platform's agent runs and appTools, bound by the page to its app, as the signed-in viewer. */
export interface AppAgentsBackend {
  trigger(agentId: string, prompt: string): Promise<{ readonly runId: string }>
  status(runId: string): Promise<AgentRunState>
  callTool(name: string, input: Record<string, unknown>): Promise<ToolAnswer>
}

export interface PreviewBridgeOptions {
  /** The hosted frame's window right now (null before it exists). Messages from any other source are ignored. */
  readonly frame: () => FrameWindow | null
  readonly backend: AppDataBackend
  /** Told whenever the app starts or stops wanting live changes (any subscription at all). */
  readonly onWantsChanges?: (wants: boolean) => void
  /** Requests answered at once; beyond it the app is told to slow down. */
  readonly maxInFlight?: number
  /** Agents and tools; without it their requests are answered as unavailable. */
  readonly agents?: AppAgentsBackend
  /** Waits between two looks at a followed run's status (the last one repeats). */
  readonly agentPollDelaysMs?: readonly number[]
}

export interface PreviewBridge {
  /** A `message` event's source and data. */
  receive(source: unknown, data: unknown): void
  /** A change from the live stream: sent on when the app subscribed to its collection. */
  pushChange(change: AppDataChange): void
  /** The live stream reconnected and may have missed changes: the app should read again. */
  resync(): void
  /** The frame is loading another document: forget its subscriptions and runs, and drop answers still on their way. */
  reset(): void
  /** The page is done with the frame: stop following runs. */
  dispose(): void
  readonly subscribedCollections: () => readonly string[]
  readonly followedRuns: () => readonly string[]
}

export const DEFAULT_MAX_IN_FLIGHT = 16
/** Back off from half a second to five: quick to show a short run's end, light on a long one. */
export const DEFAULT_AGENT_POLL_DELAYS_MS = [500, 1_000, 2_000, 5_000] as const
/** Runs followed at once per frame; a frame that triggers more is told their status only when it asks. */
const MAX_FOLLOWED_RUNS = 10
/** A tool's input is at most this much JSON (as a document is). */
const MAX_TOOL_INPUT_BYTES = APP_DATA_LIMITS.maxDocumentBytes

const TOO_BUSY: BridgeError = { code: "TOO_MANY_REQUESTS", message: "Too many requests at once; wait for some to finish." }
const NO_AGENTS: BridgeError = { code: "UNAVAILABLE", message: "Agents and tools are not available in this view." }
const NOT_JSON: BridgeError = { code: "BAD_REQUEST", message: "The data must be JSON: plain objects, arrays, strings, numbers, booleans and null." }
const TOO_LARGE: BridgeError = {
  code: "PAYLOAD_TOO_LARGE",
  message: `A document may hold at most ${APP_DATA_LIMITS.maxDocumentBytes / 1024} KB of JSON.`,
}

const INPUT_TOO_LARGE: BridgeError = { code: "PAYLOAD_TOO_LARGE", message: `A tool's input may hold at most ${MAX_TOOL_INPUT_BYTES / 1024} KB of JSON.` }

/** Why data cannot even be sent (not JSON, or larger than it may be), or null. */
function dataProblem(data: Record<string, unknown>, maxBytes = APP_DATA_LIMITS.maxDocumentBytes, tooLarge = TOO_LARGE): BridgeError | null {
  let json: string
  try {
    json = JSON.stringify(data)
  } catch {
    // Cycles and BigInts, which the structured clone of postMessage lets through.
    return NOT_JSON
  }
  return new TextEncoder().encode(json).length > maxBytes ? tooLarge : null
}

function execute(backend: AppDataBackend, request: DataRequest): Promise<DataResults[DataRequest["type"]]> {
  switch (request.type) {
    case "second:data:list":
      return backend.list(request.collection, request.cursor, request.limit)
    case "second:data:doc":
      return backend.get(request.collection, request.id)
    case "second:data:insert":
      return backend.insert(request.collection, request.data)
    case "second:data:update":
      return backend.update(request.collection, request.id, request.data)
    case "second:data:delete":
      return backend.remove(request.collection, request.id)
  }
}

function executeAgentRequest(agents: AppAgentsBackend, request: AgentRequest): Promise<RequestResults[AgentRequest["type"]]> {
  switch (request.type) {
    case "second:agent:trigger":
      return agents.trigger(request.agentId, request.prompt)
    case "second:agent:status":
      return agents.status(request.runId)
    case "second:tool:call":
      return agents.callTool(request.name, request.input)
  }
}

export function createPreviewBridge(options: PreviewBridgeOptions): PreviewBridge {
  const { backend } = options
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  const pollDelays = options.agentPollDelaysMs?.length ? options.agentPollDelaysMs : DEFAULT_AGENT_POLL_DELAYS_MS
  // Collection → how many of the app's hooks want it.
  const subscriptions = new Map<string, number>()
  // Run → the timer of its next status check, for the runs this frame's document triggered.
  const followed = new Map<string, ReturnType<typeof setTimeout> | null>()
  let inFlight = 0
  // Bumped for each new document in the frame: answers to an earlier one are not delivered.
  let generation = 0
  let wanted = false

  const post = (message: HostPost) => options.frame()?.postMessage(message, "*")

  const noteWants = () => {
    const wants = subscriptions.size > 0
    if (wants !== wanted) {
      wanted = wants
      options.onWantsChanges?.(wants)
    }
  }

  const stopFollowing = () => {
    for (const timer of followed.values()) clearTimeout(timer ?? undefined)
    followed.clear()
  }

  const forget = () => {
    generation += 1
    subscriptions.clear()
    stopFollowing()
    noteWants()
  }

  /** Tells the frame each change of the run's status until it ends (or the frame moves on). */
  const follow = (agents: AppAgentsBackend, runId: string) => {
    if (followed.has(runId) || followed.size >= MAX_FOLLOWED_RUNS) return
    let last: AgentRunState = { status: "queued", error: null }
    const look = (attempt: number) => {
      const delay = pollDelays[Math.min(attempt, pollDelays.length - 1)]!
      followed.set(
        runId,
        setTimeout(() => {
          if (!followed.has(runId)) return
          followed.set(runId, null)
          agents.status(runId).then(
            (state) => {
              if (!followed.has(runId)) return
              if (state.status !== last.status || state.error !== last.error) post(agentUpdateMessage(runId, state))
              last = state
              if (isFinishedAgentRun(state.status)) followed.delete(runId)
              else look(attempt + 1)
            },
            (error: unknown) => {
              if (!followed.has(runId)) return
              // The run is gone or no longer the viewer's: nothing more will come. Otherwise (offline) keep looking.
              const { code } = backend.problem(error)
              if (code === "NOT_FOUND" || code === "FORBIDDEN") followed.delete(runId)
              else look(attempt + 1)
            },
          )
        }, delay),
      )
    }
    look(0)
  }

  const answer = (request: DataRequest | AgentRequest) => {
    const asked = generation
    const deliver = (message: DataAnswer) => {
      if (asked === generation) post(message)
    }
    if (inFlight >= maxInFlight) return deliver(answerError(request, TOO_BUSY))
    const { agents } = options
    if (isAgentRequest(request) && !agents) return deliver(answerError(request, NO_AGENTS))
    const problem =
      request.type === "second:data:insert" || request.type === "second:data:update"
        ? dataProblem(request.data)
        : request.type === "second:tool:call"
          ? dataProblem(request.input, MAX_TOOL_INPUT_BYTES, INPUT_TOO_LARGE)
          : null
    if (problem) return deliver(answerError(request, problem))
    inFlight += 1
    const call = isAgentRequest(request) ? executeAgentRequest(agents!, request) : execute(backend, request)
    call
      .then(
        (result) => {
          deliver(answerOk(request, result as never))
          if (request.type === "second:agent:trigger" && asked === generation) follow(agents!, (result as RequestResults["second:agent:trigger"]).runId)
        },
        (error: unknown) => deliver(answerError(request, backend.problem(error))),
      )
      .finally(() => {
        inFlight -= 1
      })
  }

  return {
    receive(source, data) {
      const frame = options.frame()
      if (frame === null || source !== frame) return
      const message = parseAppMessage(data)
      if (message === null) return
      if (message.type === READY_TYPE) return forget()
      if (isDataRequest(message) || isAgentRequest(message)) return answer(message)
      const count = subscriptions.get(message.collection) ?? 0
      if (message.type === SUBSCRIBE_TYPE) {
        // An app has at most maxCollections collections; more names than that are not real ones.
        if (count === 0 && subscriptions.size >= APP_DATA_LIMITS.maxCollections) return
        subscriptions.set(message.collection, count + 1)
      } else if (count <= 1) subscriptions.delete(message.collection)
      else subscriptions.set(message.collection, count - 1)
      noteWants()
    },
    pushChange(change) {
      if (change.appId !== backend.appId || change.scope !== backend.scope || !subscriptions.has(change.collection)) return
      post(changeMessage(change))
    },
    resync() {
      if (subscriptions.size > 0) post(resyncMessage())
    },
    reset: forget,
    dispose: stopFollowing,
    subscribedCollections: () => [...subscriptions.keys()],
    followedRuns: () => [...followed.keys()],
  }
}
