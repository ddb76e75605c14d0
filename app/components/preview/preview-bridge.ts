// The host's side of the app bridge (shared/app-bridge/messages.ts): it hears the one frame it
// hosts and nobody else, answers each valid request by calling the platform for the app this page
// shows (the page says which app and scope; a message never does), and passes on live changes to
// the collections the app subscribed to. The frame is untrusted: anything that is not exactly a
// protocol message from that frame is ignored, and an answer carries only what its request asked
// for. Pure (no DOM, no React), so tests drive it with plain objects.

import {
  answerError,
  answerOk,
  changeMessage,
  isDataRequest,
  parseAppMessage,
  READY_TYPE,
  resyncMessage,
  SUBSCRIBE_TYPE,
  type BridgeError,
  type DataAnswer,
  type DataRequest,
  type DataResults,
  type HostMessage,
} from "#shared/app-bridge/messages.ts"
import { APP_DATA_LIMITS, type AppDataChange, type AppDataScope } from "#shared/apps/app-data.ts"

/** What the bridge posts to: the frame's window (only postMessage is used). */
export interface FrameWindow {
  postMessage(message: HostMessage, targetOrigin: string): void
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

export interface PreviewBridgeOptions {
  /** The hosted frame's window right now (null before it exists). Messages from any other source are ignored. */
  readonly frame: () => FrameWindow | null
  readonly backend: AppDataBackend
  /** Told whenever the app starts or stops wanting live changes (any subscription at all). */
  readonly onWantsChanges?: (wants: boolean) => void
  /** Requests answered at once; beyond it the app is told to slow down. */
  readonly maxInFlight?: number
}

export interface PreviewBridge {
  /** A `message` event's source and data. */
  receive(source: unknown, data: unknown): void
  /** A change from the live stream: sent on when the app subscribed to its collection. */
  pushChange(change: AppDataChange): void
  /** The live stream reconnected and may have missed changes: the app should read again. */
  resync(): void
  /** The frame is loading another document: forget its subscriptions and drop answers still on their way. */
  reset(): void
  readonly subscribedCollections: () => readonly string[]
}

export const DEFAULT_MAX_IN_FLIGHT = 16

const TOO_BUSY: BridgeError = { code: "TOO_MANY_REQUESTS", message: "Too many requests at once; wait for some to finish." }
const NOT_JSON: BridgeError = { code: "BAD_REQUEST", message: "The data must be JSON: plain objects, arrays, strings, numbers, booleans and null." }
const TOO_LARGE: BridgeError = {
  code: "PAYLOAD_TOO_LARGE",
  message: `A document may hold at most ${APP_DATA_LIMITS.maxDocumentBytes / 1024} KB of JSON.`,
}

/** Why data cannot even be sent (not JSON, or larger than any document may be), or null. */
function dataProblem(data: Record<string, unknown>): BridgeError | null {
  let json: string
  try {
    json = JSON.stringify(data)
  } catch {
    // Cycles and BigInts, which the structured clone of postMessage lets through.
    return NOT_JSON
  }
  return new TextEncoder().encode(json).length > APP_DATA_LIMITS.maxDocumentBytes ? TOO_LARGE : null
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

export function createPreviewBridge(options: PreviewBridgeOptions): PreviewBridge {
  const { backend } = options
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  // Collection → how many of the app's hooks want it.
  const subscriptions = new Map<string, number>()
  let inFlight = 0
  // Bumped for each new document in the frame: answers to an earlier one are not delivered.
  let generation = 0
  let wanted = false

  const post = (message: HostMessage) => options.frame()?.postMessage(message, "*")

  const noteWants = () => {
    const wants = subscriptions.size > 0
    if (wants !== wanted) {
      wanted = wants
      options.onWantsChanges?.(wants)
    }
  }

  const forget = () => {
    generation += 1
    subscriptions.clear()
    noteWants()
  }

  const answer = (request: DataRequest) => {
    const asked = generation
    const deliver = (message: DataAnswer) => {
      if (asked === generation) post(message)
    }
    if (inFlight >= maxInFlight) return deliver(answerError(request, TOO_BUSY))
    const problem = request.type === "second:data:insert" || request.type === "second:data:update" ? dataProblem(request.data) : null
    if (problem) return deliver(answerError(request, problem))
    inFlight += 1
    execute(backend, request)
      .then(
        (result) => deliver(answerOk(request, result as never)),
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
      if (isDataRequest(message)) return answer(message)
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
    subscribedCollections: () => [...subscriptions.keys()],
  }
}
