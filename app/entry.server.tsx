// Renders pages on the server. Every inline script Remix writes carries the request's CSP nonce
// (set by the Node host), so the Content-Security-Policy can forbid all other inline scripts.

import { PassThrough } from "node:stream"
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node"
import { createReadableStreamFromReadable } from "@remix-run/node"
import { isRouteErrorResponse, RemixServer } from "@remix-run/react"
import { isbot } from "isbot"
import { renderToPipeableStream } from "react-dom/server"
import { NonceProvider } from "./components/nonce.tsx"
import { redactPath } from "./server/security.server.ts"

const ABORT_DELAY_MS = 5_000

export const streamTimeout = ABORT_DELAY_MS

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce
  // Crawlers get the whole document at once; browsers get the shell as soon as it is ready.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "")
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} abortDelay={ABORT_DELAY_MS} />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true
          const body = new PassThrough()
          responseHeaders.set("Content-Type", "text/html; charset=utf-8")
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }))
          pipe(body)
        },
        onShellError: reject,
        onError(error: unknown) {
          responseStatusCode = 500
          // Errors after the shell are logged by the host; before it, onShellError rejects.
          if (shellRendered) console.error(error)
        },
      },
    )
    setTimeout(abort, ABORT_DELAY_MS + 1_000)
  })
}

/**
 * What Remix reports. A request Remix itself refuses (a POST where no route has an action: 405, a
 * path nothing serves) is the sender's mistake: one line, not a stack, so anyone can send them
 * without flooding the log. Anything else is ours, logged whole. A client that left is not news.
 */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return
  const where = { method: request.method, path: redactPath(new URL(request.url).pathname) }
  if (isRouteErrorResponse(error) && error.status < 500) context.services.log.info(`request refused (${error.status})`, where)
  else context.services.log.error("request failed", { ...where, error })
}
