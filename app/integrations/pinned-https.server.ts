// One HTTPS request to an address that has already been checked: node:https's `lookup` answers
// with that address only, so the host is never resolved a second time (no DNS-rebinding window),
// while TLS still verifies the certificate against the host name. No redirects, no connection
// reuse, a bounded body, and an abort that ends the socket.

import { request, type RequestOptions } from "node:https"
import type { LookupFunction } from "node:net"
import { createSecureContext, type ConnectionOptions, type SecureContext } from "node:tls"
import type { PinnedTarget } from "./egress-policy.server.ts"
import { HttpToolError } from "./http-tool-error.server.ts"
import type { HttpToolRequest } from "./tool-request.server.ts"

export interface PinnedResponse {
  readonly status: number
  readonly contentType: string | null
  readonly body: Buffer
}

export interface PinnedRequestOptions {
  readonly target: PinnedTarget
  readonly ca: string | Buffer | undefined
  readonly maxResponseBytes: number
  /** Aborts the request; its reason decides the error (a TimeoutError → timeout, else cancelled). */
  readonly signal: AbortSignal
}

// NOTE: a `ca` option makes node build a new secure context per connection, which means parsing
// the whole root bundle each time; one context per bundle keeps the handshake as cheap as usual.
const secureContexts = new Map<string | Buffer, SecureContext>()

function secureContextFor(ca: string | Buffer | undefined): SecureContext | undefined {
  if (ca === undefined) return undefined
  let context = secureContexts.get(ca)
  if (!context) {
    context = createSecureContext({ ca })
    secureContexts.set(ca, context)
  }
  return context
}

function pinnedLookup(target: PinnedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }])
    else callback(null, target.address, target.family)
  }
}

export function pinnedHttpsRequest(toolRequest: HttpToolRequest, options: PinnedRequestOptions): Promise<PinnedResponse> {
  const { url } = toolRequest
  const { target, signal } = options
  // secureContext reaches tls.connect at run time; node's types leave it out of https options.
  const requestOptions: RequestOptions & Pick<ConnectionOptions, "secureContext"> = {
    hostname: target.hostname,
    port: target.port ?? (url.port === "" ? 443 : Number(url.port)),
    path: `${url.pathname}${url.search}`,
    method: toolRequest.method,
    headers: toolRequest.body === null ? toolRequest.headers : { ...toolRequest.headers, "content-length": String(Buffer.byteLength(toolRequest.body)) },
    lookup: pinnedLookup(target),
    servername: target.hostname,
    // A fresh connection each time: a pooled socket could be one made for another check.
    agent: false,
    secureContext: secureContextFor(options.ca),
  }
  return new Promise<PinnedResponse>((resolve, reject) => {
    let settled = false
    const finish = (error: HttpToolError | null, response?: PinnedResponse) => {
      if (settled) return
      settled = true
      signal.removeEventListener("abort", onAbort)
      if (error) {
        outgoing.destroy()
        reject(error)
      } else resolve(response!)
    }
    const onAbort = () => finish(abortError(signal, target.hostname))

    const outgoing = request(requestOptions, (incoming) => {
      const status = incoming.statusCode ?? 0
      const location = incoming.headers.location
      if (status >= 300 && status < 400 && location !== undefined) {
        incoming.resume()
        return finish(new HttpToolError("redirect_refused", `${target.hostname} answered ${status} redirecting to ${redirectTarget(location, url)}; redirects are not followed, so point the tool at the final URL`))
      }
      const tooLarge = () =>
        new HttpToolError("too_large", `${target.hostname}'s response is larger than ${options.maxResponseBytes} bytes; ask for less (a filter, a smaller page)`)
      const declared = Number(incoming.headers["content-length"])
      if (Number.isFinite(declared) && declared > options.maxResponseBytes) return finish(tooLarge())
      const chunks: Buffer[] = []
      let received = 0
      incoming.on("data", (chunk: Buffer) => {
        received += chunk.length
        if (received > options.maxResponseBytes) return finish(tooLarge())
        chunks.push(chunk)
      })
      incoming.on("end", () => {
        const contentType = incoming.headers["content-type"] ?? null
        finish(null, { status, contentType, body: Buffer.concat(chunks) })
      })
      incoming.on("error", (error) => finish(connectionError(error, signal, target.hostname)))
    })
    outgoing.on("error", (error) => finish(connectionError(error, signal, target.hostname)))
    if (signal.aborted) return onAbort()
    signal.addEventListener("abort", onAbort, { once: true })
    outgoing.end(toolRequest.body ?? undefined)
  })
}

/** Where a refused redirect pointed: scheme and host only, since a query could carry a secret. */
function redirectTarget(location: string, base: URL): string {
  try {
    const target = new URL(location, base)
    return `${target.protocol}//${target.host}`
  } catch {
    return "an invalid location"
  }
}

export function abortError(signal: AbortSignal, hostname: string): HttpToolError {
  const reason = signal.reason as { name?: string } | undefined
  if (reason?.name === "TimeoutError") {
    return new HttpToolError("timeout", `${hostname} did not answer in time; the call was stopped`, { retryable: true })
  }
  return new HttpToolError("cancelled", "the call was cancelled")
}

const TLS_ERROR = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/

function connectionError(error: Error, signal: AbortSignal, hostname: string): HttpToolError {
  if (signal.aborted) return abortError(signal, hostname)
  const code = (error as NodeJS.ErrnoException).code ?? ""
  if (TLS_ERROR.test(code)) {
    return new HttpToolError("tls", `${hostname}'s certificate was not accepted (${code}); the provider must present a valid certificate for this name`)
  }
  return new HttpToolError("network", `could not reach ${hostname} (${code || "connection failed"})`, { retryable: true })
}
