// The app's own backend functions (agents.json `appTools`): HTTP calls Second makes for the app,
// as the person using it, once an admin approved them. The app names the tool and gives its input;
// Second finds the approved definition by that name (the app never sends one).
//
//   const answer = await callAppTool("lookup_customer", { email })   // { mock, mockReason, status, body }
//   const { call, data, loading, error } = useAppTool("lookup_customer")

import { useCallback, useRef, useState } from "react"
import { isRecord, request, SecondDataError, toError } from "./transport.ts"

/** As agents.json's tool names: snake_case. */
export const TOOL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,47}$/
/** The provider has 30 seconds; the rest is Second's own way there and back. */
export const TOOL_TIMEOUT_MS = 35_000

/**
 * A tool's answer. `mock` is true when `body` is the tool's declared mock data (the tools are
 * approved for mock data only, or the integration is not set up yet), with the reason; show it
 * as such. `status` is the provider's HTTP status (null for mock answers).
 */
export interface AppToolAnswer<Body = unknown> {
  readonly mock: boolean
  readonly mockReason: string | null
  readonly status: number | null
  readonly body: Body
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)

function parseAnswer(value: unknown): AppToolAnswer | null {
  if (!isRecord(value) || typeof value["mock"] !== "boolean") return null
  const { mockReason, status } = value
  if (mockReason !== null && typeof mockReason !== "string") return null
  if (status !== null && typeof status !== "number") return null
  return { mock: value["mock"], mockReason, status, body: value["body"] ?? null }
}

/** Calls one of the app's tools; rejects with SecondDataError (NOT_FOUND, FORBIDDEN, BAD_REQUEST, BAD_GATEWAY, TIMEOUT...). */
export async function callAppTool<Body = unknown>(name: string, input: Record<string, unknown> = {}): Promise<AppToolAnswer<Body>> {
  if (!TOOL_NAME_PATTERN.test(name)) throw new SecondDataError("BAD_REQUEST", `"${name}" is not a tool name: snake_case, as in agents.json's appTools.`)
  if (!isPlainObject(input)) throw new SecondDataError("BAD_REQUEST", 'A tool\'s input is an object of its parameters, like {"email": "ada@example.com"}.')
  const answer = parseAnswer(await request<unknown>("toolCall", { name, input }, { timeoutMs: TOOL_TIMEOUT_MS, outside: "This app's tools run when it runs inside Second." }))
  if (!answer) throw new SecondDataError("ERROR", "Second answered in a shape this app does not understand.")
  return answer as AppToolAnswer<Body>
}

export interface AppToolState<Body> {
  /** Calls the tool; resolves to its answer, or null when it failed (then `error` says why). Never throws. */
  call(input?: Record<string, unknown>): Promise<AppToolAnswer<Body> | null>
  /** The latest call's answer. */
  readonly data: AppToolAnswer<Body> | null
  readonly loading: boolean
  readonly error: SecondDataError | null
}

/** One of the app's tools, with the latest call's answer, loading and error. */
export function useAppTool<Body = unknown>(name: string): AppToolState<Body> {
  const [data, setData] = useState<AppToolAnswer<Body> | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<SecondDataError | null>(null)
  // Only the latest call's answer is kept: an earlier one that ends later does not replace it.
  const latest = useRef(0)

  const call = useCallback(
    async (input: Record<string, unknown> = {}): Promise<AppToolAnswer<Body> | null> => {
      const mine = (latest.current += 1)
      setLoading(true)
      try {
        const answer = await callAppTool<Body>(name, input)
        if (mine === latest.current) {
          setData(answer)
          setError(null)
        }
        return answer
      } catch (failure) {
        if (mine === latest.current) setError(toError(failure))
        return null
      } finally {
        if (mine === latest.current) setLoading(false)
      }
    },
    [name],
  )

  return { call, data, loading, error }
}
