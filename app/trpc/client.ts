// tRPC from the browser, for what a page does after it has loaded: the preview's bridge, the Data
// tab, refreshing the preview. Pages still load through their loaders (createCaller); this client
// calls the same procedures over /api/trpc with the person's own session cookie, so every call is
// authorized exactly as theirs. AppRouter is a type-only import: no server code reaches the bundle.

import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client"
import type { AppRouter } from "./root.server.ts"

export const trpc = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: "/api/trpc",
      // The server takes at most 16 calls per request (routes/api.trpc.$.ts).
      maxItems: 10,
      maxURLLength: 2_000,
    }),
  ],
})

export interface ApiProblem {
  /** The tRPC code (NOT_FOUND, FORBIDDEN, BAD_REQUEST...), or UNAVAILABLE when the server could not be reached. */
  readonly code: string
  /** Safe to show: the server's own message (it never carries internals), or what went wrong here. */
  readonly message: string
}

/** What a failed call means for the person, whatever it threw. */
export function apiProblem(error: unknown): ApiProblem {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data
    const code = typeof data === "object" && data !== null && typeof (data as { code?: unknown }).code === "string" ? (data as { code: string }).code : null
    // No code: no JSON answer came back (a proxy's error page, a dropped connection) ...
    if (code) return { code, message: error.message }
    // ... or the server refused the request's size before tRPC saw it.
    const status = (error.meta as { response?: { status?: unknown } } | undefined)?.response?.status
    if (status === 413) return { code: "PAYLOAD_TOO_LARGE", message: "That is too large to send. Make it smaller and try again." }
  }
  return { code: "UNAVAILABLE", message: "Second could not be reached. Check your connection and try again." }
}
