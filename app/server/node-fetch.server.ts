// Converts between Node's http objects and the Fetch Request/Response that Remix handles.

import type { IncomingMessage, ServerResponse } from "node:http"
import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@remix-run/node"

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
  if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}
