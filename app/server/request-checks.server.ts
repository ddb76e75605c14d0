// What the host refuses before any route runs, in order: a target that is no path, a method we do
// not serve, a path Remix could not decode, an undeclared or oversized body, a Host that is not
// this server (DNS rebinding), Remix's data protocols where they would do harm, and writes from
// another site. Each refusal is a plain-text 4xx that says what to do instead.

import type { IncomingHttpHeaders } from "node:http"
import { isLoopbackHost } from "#shared/config/common.ts"
import type { WebConfig } from "../config/config.server.ts"
import { OFFERS_API_TOKEN } from "../api-tokens/api-token-text.ts"
import { isCrossSiteWrite } from "./security.server.ts"

export interface Refusal {
  readonly status: number
  readonly message: string
  /** The client should not send more on this connection (its body may still be arriving). */
  readonly closeConnection?: boolean
}

export interface CheckedRequest {
  readonly method?: string | undefined
  readonly url?: string | undefined
  readonly headers: IncomingHttpHeaders
  /** Headers as sent, names repeated: one Host header or none is allowed. */
  readonly rawHeaders: readonly string[]
}

/** The checks, in order: the first refusal, or the path the request may take on to Remix. */
export function checkRequest(
  req: CheckedRequest,
  config: Pick<WebConfig, "publicUrl" | "trustProxy">,
  writableFrom: ReadonlySet<string>,
): { readonly refusal: Refusal } | { readonly path: string } {
  const path = requestPath(req.url)
  if (path === null) return { refusal: { status: 400, message: "The request target must be a path on this server, like /healthz.", closeConnection: true } }
  if (!SERVED_METHODS.has(req.method ?? "")) {
    return { refusal: { status: 405, message: `The method ${req.method} is not served here; use ${[...SERVED_METHODS].join(", ")}.` } }
  }
  const pathname = pathnameOf(path)
  const routing = routingPathOf(pathname)
  if (routing === null) return { refusal: { status: 400, message: "The path is not valid percent-encoding." } }
  const body = requestBodyProblem(req.method, pathname, req.headers)
  if (body) return { refusal: { ...body, closeConnection: true } }
  const sent = (name: string) => req.rawHeaders.filter((_, index) => index % 2 === 0 && req.rawHeaders[index]!.toLowerCase() === name).length
  if (sent("host") > 1) return { refusal: { status: 400, message: "Send one Host header." } }
  // Node keeps the first of several, a proxy may read the last: which credential counts must not depend on who reads.
  if (sent("authorization") > 1) return { refusal: { status: 400, message: "Send one Authorization header." } }
  const misdirected = hostProblem(pathname, req.headers, config)
  if (misdirected) return { refusal: { status: 421, message: misdirected } }
  const data = dataRequestProblem(pathname, routing, path.includes("?") ? path.slice(path.indexOf("?")) : "")
  if (data) return { refusal: data }
  if (isCrossSiteWrite(req.method, req.headers, writableFrom) && !isBearerApiCall(routing, req.headers)) {
    return { refusal: { status: 403, message: `Cross-site request refused: changes must come from ${config.publicUrl.origin}.` } }
  }
  return { path }
}

/**
 * A tRPC call with `Authorization: Bearer sec_…`: authenticated by that token alone, its cookie
 * ignored (app/auth/viewer.server.ts getApiViewer), so another site gains nothing by sending it
 * and a script's Origin does not matter. Judged on the routing path, as Remix will route it.
 */
const isBearerApiCall = (routing: string, headers: IncomingHttpHeaders) =>
  routing.startsWith("/api/trpc/") && OFFERS_API_TOKEN.test(headers.authorization ?? "")

/** What pages, APIs and Remix use. TRACE and the like reached `new Request()`, which threw (a 500). */
const SERVED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])

/**
 * The path and query a request asks for, whatever form its target took ("/a?b", or the absolute
 * form "http://other.example/a?b" that proxies may send); null for anything that is no path.
 * Only the path is taken, so the target can never change the origin the app sees.
 */
export function requestPath(target: string | undefined): string | null {
  if (!target) return null
  try {
    if (target.startsWith("/")) return target
    const url = new URL(target)
    return url.protocol === "http:" || url.protocol === "https:" ? `${url.pathname}${url.search}` : null
  } catch {
    return null
  }
}

/**
 * The path with dot segments resolved (as the Fetch request the app gets will have it). NOTE:
 * never `new URL(path, base)`: "//evil.example/x" would be read as another host, and its path as "/x".
 */
export const pathnameOf = (path: string) => new URL(`http://host${path}`).pathname

/**
 * The path as Remix's router matches it: each segment percent-decoded, letters folded (routes
 * match case-insensitively), so /API/… and /%61pi/… are /api/…. Null when a segment cannot be
 * decoded: Remix would log a warning for each such request and match nothing.
 */
export function routingPathOf(pathname: string): string | null {
  try {
    return pathname
      .split("/")
      .map((segment) => decodeURIComponent(segment).replace(/\//g, "%2F"))
      .join("/")
      .toLowerCase()
  } catch {
    return null
  }
}

/** Paths that answer whatever Host they are sent to: probes (by pod IP) and the worker's token-checked calls (WEB_URL). */
const ANY_HOST_PATH = /^\/(?:healthz$|api\/internal\/)/

/**
 * Why this server will not answer a request for the Host it names, or null. A page on another
 * site whose name resolves to this server (DNS rebinding) names its own host; only the public
 * URL's host name and loopback names are this server. Behind SECOND_TRUST_PROXY, the proxy's
 * X-Forwarded-Host speaks for the browser. (The exemptions are judged on the path exactly as
 * spelled: another spelling is merely not exempt.)
 */
export function hostProblem(pathname: string, headers: IncomingHttpHeaders, config: Pick<WebConfig, "publicUrl" | "trustProxy">): string | null {
  if (ANY_HOST_PATH.test(pathname)) return null
  const forwarded = config.trustProxy ? firstValue(headers["x-forwarded-host"]) : undefined
  const named = forwarded ?? headers.host
  const hostname = named ? hostnameOf(named) : null
  if (hostname !== null && (hostname === config.publicUrl.hostname || isLoopbackHost(hostname.replace(/^\[|\]$/g, "")))) return null
  return (
    `This server answers for ${config.publicUrl.hostname} (SECOND_PUBLIC_URL), not for the host this request named. ` +
    "A reverse proxy must pass the Host header through, or send X-Forwarded-Host with SECOND_TRUST_PROXY=1 set here."
  )
}

const firstValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim() || undefined

function hostnameOf(host: string): string | null {
  try {
    return new URL(`http://${host}`).hostname.replace(/\.$/, "")
  } catch {
    return null
  }
}

/**
 * Remix's data protocols, where they would do harm. Single fetch (`/x.data`) also runs resource
 * routes and buffers their whole answer to encode it: an event stream never ends, so the request
 * hung and held its stream and memory forever; nothing under /api/ is a page, so none of it is
 * served that way, however the path is spelled. `?_data=` is the protocol single fetch replaced:
 * only old or hostile clients send it, and Remix logs a stack for each.
 */
export function dataRequestProblem(pathname: string, routing: string, search: string): Refusal | null {
  // Nor is a preview's file: its own headers (CSP with `sandbox`, CORP) must never be swapped for
  // the platform's by single fetch encoding an app's bytes.
  if ((routing.startsWith("/api/") || routing.startsWith("/preview/")) && pathname.endsWith(".data")) return { status: 404, message: "Not found." }
  if (new URLSearchParams(search).has("_data")) {
    return { status: 400, message: "?_data requests are not served: this server speaks Remix single fetch (/path.data)." }
  }
  return null
}

/** Largest request body accepted. Uploads that need more get their own route and limit. */
export const MAX_BODY_BYTES = 1024 * 1024
/** The worker's end-of-turn reports carry a whole turn's transcript (internal, token-checked). */
export const MAX_INTERNAL_BODY_BYTES = 32 * 1024 * 1024
const INTERNAL_PATH = /^\/api\/internal\//
const BODILESS_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * Refuses bodies before anything reads them: over the limit (413), or of unknown length (411),
 * since a body that is never declared could be endless. Browsers and the tRPC client always send
 * Content-Length. Judged on the path with dot segments resolved, as the router will see it.
 */
export function requestBodyProblem(method: string | undefined, pathname: string, headers: IncomingHttpHeaders): Refusal | null {
  if (BODILESS_METHODS.has(method ?? "GET")) return null
  const limit = INTERNAL_PATH.test(pathname) ? MAX_INTERNAL_BODY_BYTES : MAX_BODY_BYTES
  const declared = headers["content-length"]
  if (declared === undefined) {
    return headers["transfer-encoding"] ? { status: 411, message: "Send a Content-Length with the request body." } : null
  }
  return Number(declared) > limit ? { status: 413, message: `The request body is larger than ${limit / 1024} KiB.` } : null
}
