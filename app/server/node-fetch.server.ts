// Converts between Node's http objects and the Fetch Request/Response that Remix handles.

import type { IncomingMessage, ServerResponse } from "node:http"
import { createReadableStreamFromReadable } from "@remix-run/node"

/**
 * Builds the Fetch request. The origin comes from configuration (SECOND_PUBLIC_URL), never from
 * the Host header, so a forged Host cannot change the URLs the app builds from request.url.
 */
export function toFetchRequest(req: IncomingMessage, res: ServerResponse, origin: string): Request {
  const controller = new AbortController()
  res.once("close", () => controller.abort())
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((item) => headers.append(name, item))
    else if (value !== undefined) headers.set(name, value)
  }
  const method = req.method ?? "GET"
  const hasBody = method !== "GET" && method !== "HEAD"
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal: controller.signal }
  if (hasBody) {
    init.body = createReadableStreamFromReadable(req)
    init.duplex = "half"
  }
  return new Request(new URL(req.url ?? "/", origin), init)
}

export async function sendFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status
  if (response.statusText) res.statusMessage = response.statusText
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader("set-cookie", cookies)
  if (response.body) await writeBody(response.body, res)
  else res.end()
}

/**
 * Copies the body to the response at the socket's pace. Remix's writeReadableStreamToWritable
 * ignores write() returning false, so a slow client made the process buffer without bound; here
 * the next chunk is read only after 'drain', which lets a pull-based body (run events) see its
 * client fall behind. When the client goes away the body is cancelled, so its producer stops.
 */
async function writeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader()
  // The client may have left while the response was being prepared: 'close' has fired already.
  let gone = res.destroyed
  const onClose = () => {
    gone = true
    reader.cancel().catch(() => undefined)
  }
  if (gone) onClose()
  else res.once("close", onClose)
  // Compression middleware adds flush(); call it as Remix did so streamed chunks leave at once.
  const flushable = res as ServerResponse & { flush?: () => void }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (gone) return
      if (done) {
        res.end()
        return
      }
      const flushed = res.write(value)
      flushable.flush?.()
      if (!flushed) await drainOrClose(res)
    }
  } catch (error) {
    res.destroy(error as Error)
    throw error
  } finally {
    res.off("close", onClose)
  }
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve()
    const done = () => {
      res.off("drain", done)
      res.off("close", done)
      resolve()
    }
    res.once("drain", done)
    res.once("close", done)
  })
}
