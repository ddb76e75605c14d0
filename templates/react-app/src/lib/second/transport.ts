// How the app talks to Second: the app runs in a sandboxed frame of Second's page and talks to it
// only by postMessage, with a requestId per request and a timeout; it reads answers and pushes
// from its parent window only. Second checks every request and runs it as the person viewing the
// app. This cannot import anything from the platform, so it restates the protocol's message names
// (Second's tests check they match its own).

export const SECOND_MESSAGE_TYPES = {
  list: "second:data:list",
  doc: "second:data:doc",
  insert: "second:data:insert",
  update: "second:data:update",
  delete: "second:data:delete",
  ready: "second:ready",
  subscribe: "second:data:subscribe",
  unsubscribe: "second:data:unsubscribe",
  change: "second:data:change",
  resync: "second:data:resync",
  agentTrigger: "second:agent:trigger",
  agentStatus: "second:agent:status",
  agentUpdate: "second:agent:update",
  toolCall: "second:tool:call",
} as const
export type SecondMessageKind = keyof typeof SECOND_MESSAGE_TYPES
/** The kinds that are requests, each answered once as `<type>-response`. */
export const REQUEST_KINDS = ["list", "doc", "insert", "update", "delete", "agentTrigger", "agentStatus", "toolCall"] as const
export type RequestKind = (typeof REQUEST_KINDS)[number]
export const RESPONSE_SUFFIX = "-response"
export const APP_SOURCE = "second-app"
export const HOST_SOURCE = "second-host"
/** How long a request may wait for Second's answer. */
export const REQUEST_TIMEOUT_MS = 15_000

/** Why a request failed: Second's code (NOT_FOUND, FORBIDDEN, BAD_REQUEST, PAYLOAD_TOO_LARGE...), TIMEOUT or NO_HOST. */
export class SecondDataError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = "SecondDataError"
    this.code = code
  }
}

interface Pending {
  readonly resolve: (result: unknown) => void
  readonly reject: (error: SecondDataError) => void
  readonly timer: ReturnType<typeof setTimeout>
}

const pending = new Map<string, Pending>()
const pushListeners = new Map<string, Set<(message: Record<string, unknown>) => void>>()
let started = false
let sequence = 0

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/** Second's page around this app, or null when the app is not running inside Second. */
function hostWindow(): Window | null {
  if (typeof window === "undefined" || window.parent === window) return null
  return window.parent
}

export const isInsideSecond = () => hostWindow() !== null

export function post(message: Record<string, unknown>): boolean {
  const host = hostWindow()
  if (!host) return false
  // The app's frame has no origin of its own to name Second's by: "*" is the only target.
  host.postMessage({ source: APP_SOURCE, ...message }, "*")
  return true
}

/** Hears one kind of message Second pushes (not an answer); returns the function that stops. */
export function onHostPush(kind: SecondMessageKind, listener: (message: Record<string, unknown>) => void): () => void {
  const type = SECOND_MESSAGE_TYPES[kind]
  let listeners = pushListeners.get(type)
  if (!listeners) {
    listeners = new Set()
    pushListeners.set(type, listeners)
  }
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

/** Handles one `message` event: answers and pushes from Second's page, and nothing else. */
export function receiveHostMessage(source: unknown, message: unknown): void {
  const host = hostWindow()
  if (host === null || source !== host || !isRecord(message) || message["source"] !== HOST_SOURCE) return
  const type = message["type"]
  const listeners = typeof type === "string" ? pushListeners.get(type) : undefined
  if (listeners) {
    for (const listener of [...listeners]) listener(message)
    return
  }
  const requestId = message["requestId"]
  if (typeof type !== "string" || !type.endsWith(RESPONSE_SUFFIX) || typeof requestId !== "string") return
  const waiting = pending.get(requestId)
  if (!waiting) return
  pending.delete(requestId)
  clearTimeout(waiting.timer)
  if (message["ok"] === true) return waiting.resolve(message["result"])
  const error = isRecord(message["error"]) ? message["error"] : {}
  waiting.reject(
    new SecondDataError(
      typeof error["code"] === "string" ? error["code"] : "ERROR",
      typeof error["message"] === "string" ? error["message"] : "Second refused the request.",
    ),
  )
}

/** Starts listening to Second (once); every call and hook does this first. */
export function start(): void {
  if (started || typeof window === "undefined") return
  started = true
  window.addEventListener("message", (event: MessageEvent) => receiveHostMessage(event.source, event.data))
  // Second forgets what an earlier page in this frame subscribed to, and listens to this one.
  post({ type: SECOND_MESSAGE_TYPES.ready })
}

/** Second answers at most 16 requests of an app at once: more (a loop of inserts) wait their turn here. */
const MAX_IN_FLIGHT = 12
let inFlight = 0
const queued: (() => void)[] = []
const takeSlot = () =>
  new Promise<void>((go) => {
    const enter = () => {
      inFlight += 1
      go()
    }
    if (inFlight < MAX_IN_FLIGHT) enter()
    else queued.push(enter)
  })
const releaseSlot = () => {
  inFlight -= 1
  queued.shift()?.()
}

export interface RequestOptions {
  readonly timeoutMs?: number
  /** What NO_HOST says: what is available only inside Second. */
  readonly outside?: string
}

/** One request, answered once; rejects with SecondDataError. Callers check their fields first (Second ignores malformed requests). */
export function request<R>(kind: RequestKind, fields: Record<string, unknown>, options: RequestOptions = {}): Promise<R> {
  start()
  return takeSlot().then(() => sendRequest<R>(kind, fields, options).finally(releaseSlot))
}

function sendRequest<R>(kind: RequestKind, fields: Record<string, unknown>, options: RequestOptions): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    sequence += 1
    const requestId = `r${Date.now().toString(36)}-${sequence}`
    const timer = setTimeout(() => {
      pending.delete(requestId)
      reject(new SecondDataError("TIMEOUT", "Second did not answer in time. Check your connection and try again."))
    }, options.timeoutMs ?? REQUEST_TIMEOUT_MS)
    pending.set(requestId, { resolve: (result) => resolve(result as R), reject, timer })
    if (!post({ type: SECOND_MESSAGE_TYPES[kind], requestId, ...fields })) {
      pending.delete(requestId)
      clearTimeout(timer)
      reject(new SecondDataError("NO_HOST", options.outside ?? "This app's data is available when it runs inside Second."))
    }
  })
}

export const toError = (error: unknown) =>
  error instanceof SecondDataError ? error : new SecondDataError("ERROR", error instanceof Error ? error.message : String(error))
