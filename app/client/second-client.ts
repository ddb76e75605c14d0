// The way in for scripts: a typed tRPC client for the whole API plus followRun for a run's live
// events, authenticated by an API token (Account page). Runs in Node 20+ with nothing but fetch;
// the router is imported as a type only, so no server code is loaded.
//
//   const second = createSecondClient({ url: "https://second.example.com", token: process.env.SECOND_TOKEN! })
//   const apps = await second.trpc.apps.list.query({ workspaceId })
//   const run = await second.trpc.runs.send.mutate({ workspaceId, appId: apps[0].id, prompt: "Add a footer" })
//   for await (const event of second.followRun(run.id)) console.log(event.type)

import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client"
import type { AppRouter } from "#app/trpc/root.server.ts"
import { RunEventFollower, type FollowRunOptions, type RunStreamConnection } from "./run-event-follower.ts"
import { errorForResponse, SecondClientError, unreachable } from "./second-client-error.ts"

export { describeSecondError, isWorkspaceNotFound, SecondClientError, type SecondClientErrorKind } from "./second-client-error.ts"
export type { FollowRunOptions, RunEventFollower } from "./run-event-follower.ts"
export type { RunStreamGap } from "./run-event-decoding.ts"
export type { RunStreamEvent } from "#shared/runs/run-stream-event.ts"

export interface SecondClientOptions {
  /** The server's origin, such as https://second.example.com (the public URL, without a path). */
  readonly url: string
  /** An API token created on the Account page (`sec_…`); it decides the workspace and the role. */
  readonly token: string
  /** The fetch to use (default: the global one), to add a proxy or a timeout. */
  readonly fetch?: typeof fetch
}

export interface SecondClient {
  /** Every procedure of the API, typed by AppRouter: `trpc.apps.list.query({ workspaceId })`. */
  readonly trpc: TRPCClient<AppRouter>
  /** A run's events from its first (or after `options.after`) to the end of its stream (run.settled). */
  followRun(runId: string, options?: FollowRunOptions): RunEventFollower
}

/** Tokens are `sec_` and 43 base64url characters (32 random bytes). */
const TOKEN_PATTERN = /^sec_[A-Za-z0-9_-]{43}$/
/** The server accepts up to 16 calls in one batch (app/routes/api.trpc.$.ts). */
const MAX_BATCH = 16
/** Batched queries travel in the URL; longer ones are split well before Node's 16 KB header limit. */
const MAX_URL_LENGTH = 6_000

export function createSecondClient(options: SecondClientOptions): SecondClient {
  const origin = originOf(options.url)
  // NOTE: the token is never quoted back, not even in part: error messages end up in logs.
  if (typeof options.token !== "string" || !TOKEN_PATTERN.test(options.token)) {
    throw new SecondClientError(
      "invalid-options",
      "The API token does not look like one (sec_ followed by 43 letters, digits, - or _): copy it again, whole and without spaces, or create a new one on your Account page.",
      null,
      "token",
    )
  }
  const baseFetch = options.fetch ?? globalThis.fetch
  const connection: RunStreamConnection = { origin, token: options.token, fetch: baseFetch }

  const trpcFetch: typeof fetch = async (input, init) => {
    let response: Response
    try {
      response = await baseFetch(input, init)
    } catch (error) {
      if (init?.signal?.aborted) throw error
      throw unreachable(origin, error)
    }
    // Every tRPC answer is JSON, refusals included; anything else came from something in between.
    if (/json/.test(response.headers.get("content-type") ?? "")) return response
    throw await errorForResponse(response, "a tRPC call", `${origin} has no Second API at /api/trpc (404): check that the URL is Second's public URL.`)
  }

  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${origin}/api/trpc`,
        headers: { authorization: `Bearer ${options.token}` },
        fetch: trpcFetch,
        maxItems: MAX_BATCH,
        maxURLLength: MAX_URL_LENGTH,
      }),
    ],
  })

  return {
    trpc,
    followRun: (runId, followOptions) => new RunEventFollower(connection, runId, followOptions),
  }
}

/** The origin the client talks to, or a refusal saying what a usable URL looks like. */
function originOf(url: string): string {
  const example = "such as https://second.example.com or http://127.0.0.1:3000"
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new SecondClientError("invalid-options", `The URL "${String(url).slice(0, 200)}" is not a URL: give Second's public URL, ${example}.`, null, "url")
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new SecondClientError("invalid-options", `The URL must start with https:// or http://: give Second's public URL, ${example}.`, null, "url")
  }
  if (parsed.username || parsed.password) {
    throw new SecondClientError("invalid-options", "The URL must not carry a user name or password: the API token is what signs the script in.", null, "url")
  }
  if (parsed.pathname !== "/" || parsed.search || parsed.hash) {
    throw new SecondClientError("invalid-options", `The URL must be Second's origin, without a path (${parsed.origin} rather than ${parsed.origin}${parsed.pathname}).`, null, "url")
  }
  return parsed.origin
}
