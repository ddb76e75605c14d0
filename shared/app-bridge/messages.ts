// The bridge between an app running in its preview frame and the platform page that hosts it:
// every message either side may post, and the validator the host applies to what the frame sends.
// The frame is untrusted (it runs the builder's code, sandboxed without allow-same-origin), so a
// message that is not exactly one of these shapes is dropped without an answer. Plain TypeScript:
// the browser imports it. The app's SDK (templates/react-app/src/lib/second-sdk.ts) cannot import
// the platform, so it restates these names; tests/app-bridge/sdk-protocol.test.ts keeps the two equal.

import { APP_DATA_LIMITS, COLLECTION_NAME_PATTERN, type AppDataChange, type AppDataDocument, type AppDataPage } from "../apps/app-data.ts"

export { parseAppDataChange } from "../apps/app-data.ts"

export const APP_SOURCE = "second-app"
export const HOST_SOURCE = "second-host"

/** Requests the app makes; each is answered once, as `<type>-response`. */
export const DATA_REQUEST_TYPES = ["second:data:list", "second:data:doc", "second:data:insert", "second:data:update", "second:data:delete"] as const
export type DataRequestType = (typeof DATA_REQUEST_TYPES)[number]

/** The app is listening: the host may push to it from now on (a new document in the frame starts over). */
export const READY_TYPE = "second:ready"
/** The app wants (or no longer wants) live changes of one collection. Never answered. */
export const SUBSCRIBE_TYPE = "second:data:subscribe"
export const UNSUBSCRIBE_TYPE = "second:data:unsubscribe"

/** Pushed by the host: a change to a collection the app subscribed to. */
export const CHANGE_TYPE = "second:data:change"
/** Pushed by the host: changes may have been missed (the live stream reconnected); read again. */
export const RESYNC_TYPE = "second:data:resync"

export const responseType = <T extends DataRequestType>(type: T): `${T}-response` => `${type}-response`

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
/** Ids the web gives documents; anything else cannot name one, so it is refused before any call. */
export const DOCUMENT_ID_PATTERN = /^[a-z2-7]{24}$/
const MAX_CURSOR_LENGTH = 200

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

export type AppMessage =
  | DataRequest
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

/**
 * Why a request failed: the platform's error code where it gave one (NOT_FOUND, BAD_REQUEST,
 * FORBIDDEN, PAYLOAD_TOO_LARGE, CONFLICT...), else one of the bridge's own (TIMEOUT is the SDK's).
 */
export interface BridgeError {
  readonly code: string
  readonly message: string
}

export type DataAnswer<T extends DataRequestType = DataRequestType> =
  | { readonly source: typeof HOST_SOURCE; readonly type: `${T}-response`; readonly requestId: string; readonly ok: true; readonly result: DataResults[T] }
  | { readonly source: typeof HOST_SOURCE; readonly type: `${T}-response`; readonly requestId: string; readonly ok: false; readonly error: BridgeError }

export type HostPush =
  | { readonly source: typeof HOST_SOURCE; readonly type: typeof CHANGE_TYPE; readonly change: AppDataChange }
  | { readonly source: typeof HOST_SOURCE; readonly type: typeof RESYNC_TYPE }

export type HostMessage = DataAnswer | HostPush

/** Every type string of the protocol, for the SDK's test. */
export const ALL_MESSAGE_TYPES = [
  ...DATA_REQUEST_TYPES,
  ...DATA_REQUEST_TYPES.map(responseType),
  READY_TYPE,
  SUBSCRIBE_TYPE,
  UNSUBSCRIBE_TYPE,
  CHANGE_TYPE,
  RESYNC_TYPE,
] as const

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const isCollection = (value: unknown): value is string => typeof value === "string" && COLLECTION_NAME_PATTERN.test(value)
const isDocumentId = (value: unknown): value is string => typeof value === "string" && DOCUMENT_ID_PATTERN.test(value)

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
  if (typeof requestId !== "string" || !REQUEST_ID_PATTERN.test(requestId) || !isCollection(collection)) return null
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

export function answerOk<T extends DataRequestType>(request: { readonly type: T; readonly requestId: string }, result: DataResults[T]): DataAnswer<T> {
  return { source: HOST_SOURCE, type: responseType(request.type), requestId: request.requestId, ok: true, result }
}

export function answerError<T extends DataRequestType>(request: { readonly type: T; readonly requestId: string }, error: BridgeError): DataAnswer<T> {
  return { source: HOST_SOURCE, type: responseType(request.type), requestId: request.requestId, ok: false, error: { code: error.code, message: error.message } }
}

export const changeMessage = (change: AppDataChange): HostPush => ({ source: HOST_SOURCE, type: CHANGE_TYPE, change })
export const resyncMessage = (): HostPush => ({ source: HOST_SOURCE, type: RESYNC_TYPE })
