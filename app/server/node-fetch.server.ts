// Converts between Node's http objects and the Fetch Request/Response that Remix handles.

import type { IncomingMessage, ServerResponse } from "node:http"

/**
 * Builds the Fetch request. Its URL is the public origin (SECOND_PUBLIC_URL) with the request's
 * path, never taken from the Host header or the request target, so neither can change the URLs the
 * app builds from request.url. `host` is the Host the app sees (the host has already judged the
 * one sent); X-Forwarded-Host is dropped for the same reason.
 * The signal aborts when the response closes, finished or not: per-request resources hang off it.
 */
export function toFetchRequest(req: IncomingMessage, res: ServerResponse, target: { readonly url: URL; readonly host: string }): Request {
  const controller = new AbortController()
  res.once("close", () => controller.abort())
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((item) => headers.append(name, item))
    else if (value !== undefined) headers.set(name, value)
  }
  headers.set("host", target.host)
  headers.delete("x-forwarded-host")
  const method = req.method ?? "GET"
  const hasBody = method !== "GET" && method !== "HEAD"
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal: controller.signal }
  if (hasBody) {
    init.body = requestBody(req)
    init.duplex = "half"
  }
  return new Request(target.url, init)
}

/**
 * The request body as a web stream that reads from the socket only when pulled. Remix's own
 * adapter starts the body flowing at once, so a request answered without reading its body (a 401
 * before the input is parsed) left a paused, half-read body on a kept-alive socket, and the next
 * request on that connection was reset. Whatever is not read is discarded after the response.
 */
function requestBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next()
        if (done) controller.close()
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
      },
      // NOTE: not chunks.return(): that destroys the socket. discardUnreadBody drains it instead.
      cancel() {},
    },
    { highWaterMark: 0 },
  )
}

/** After the response: reads and drops what is left of the request body, so the connection can serve the next request. */
export function discardUnreadBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return
  req.removeAllListeners("readable")
  req.removeAllListeners("data")
  req.resume()
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
