// Browser-facing protections applied to every request by the host: a Content-Security-Policy
// with a per-request nonce, refusal of cross-site writes (CSRF) by Origin / Sec-Fetch-Site, and
// refusal of Host names this server is not (DNS rebinding).

import type { IncomingHttpHeaders } from "node:http"
import { isLoopbackHost } from "#shared/config/common.ts"
import type { WebConfig } from "../config/config.server.ts"

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  // Nothing here uses these; a page (or anything injected into one) cannot ask for them.
  "permissions-policy":
    "accelerometer=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()",
}

/** Responses that say nothing about caching are not stored anywhere: pages and API answers are per person. */
export const DEFAULT_CACHE_CONTROL = "no-store"

export function contentSecurityPolicy(nonce: string, mode: "production" | "development"): string {
  // Vite's dev server injects styles and an HMR socket; production allows neither.
  const development = mode === "development"
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${development ? " 'unsafe-inline'" : ""}`,
    `style-src 'self'${development ? " 'unsafe-inline'" : ""}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ")
}

/** The origins browsers may write from: the public URL, and in development its loopback aliases. */
export function allowedOrigins(config: WebConfig): ReadonlySet<string> {
  const origins = new Set([config.publicUrl.origin])
  if (!config.production && isLoopbackHost(config.publicUrl.hostname.replace(/^\[|\]$/g, ""))) {
    const port = config.publicUrl.port ? `:${config.publicUrl.port}` : ""
    for (const host of ["127.0.0.1", "localhost", "[::1]"]) origins.add(`${config.publicUrl.protocol}//${host}${port}`)
  }
  return origins
}

/** Paths that answer whatever Host they are sent to: probes (by pod IP) and the worker's token-checked calls (WEB_URL). */
const ANY_HOST_PATH = /^\/(?:healthz$|api\/internal\/)/

/**
 * Why this server will not answer a request for the Host it names, or null. A page on another
 * site whose name resolves to this server (DNS rebinding) names its own host; only the public
 * URL's host name and loopback names are this server. Behind SECOND_TRUST_PROXY, the proxy's
 * X-Forwarded-Host speaks for the browser.
 */
export function hostProblem(path: string, headers: IncomingHttpHeaders, config: Pick<WebConfig, "publicUrl" | "trustProxy">): string | null {
  if (ANY_HOST_PATH.test(path)) return null
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
 * The path as the app's router sees it: dot segments resolved. NOTE: never `new URL(path, base)`:
 * "//evil.example/x" would be read as another host, and its path as "/x".
 */
export const pathnameOf = (path: string) => new URL(`http://host${path}`).pathname

/**
 * Remix's data protocols, where they would do harm. Single fetch (`/x.data`) also runs resource
 * routes and buffers their whole answer to encode it: an event stream never ends, so the request
 * hung and held its stream and memory forever; nothing under /api/ is a page, so none of it is
 * served that way. `?_data=` is the protocol single fetch replaced: only old or hostile clients
 * send it, and Remix logs a stack for each.
 */
export function dataRequestProblem(pathname: string, search: string): { status: number; message: string } | null {
  if (pathname.startsWith("/api/") && pathname.endsWith(".data")) return { status: 404, message: "Not found." }
  if (new URLSearchParams(search).has("_data")) {
    return { status: 400, message: "?_data requests are not served: this server speaks Remix single fetch (/path.data)." }
  }
  return null
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * A state-changing request a browser sent from another site. Browsers send Origin on every
 * cross-origin write (and Sec-Fetch-Site on modern ones); scripts that send neither are not
 * browsers and carry no ambient cookies to abuse.
 */
export function isCrossSiteWrite(method: string | undefined, headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  if (SAFE_METHODS.has(method ?? "GET")) return false
  const origin = headers["origin"]
  if (origin !== undefined) return !allowed.has(origin)
  const site = headers["sec-fetch-site"]
  return site !== undefined && site !== "same-origin" && site !== "none"
}

/** Largest request body accepted. Uploads that need more get their own route and limit. */
export const MAX_BODY_BYTES = 1024 * 1024
/** The worker's end-of-turn reports carry a whole turn's transcript (internal, token-checked). */
export const MAX_INTERNAL_BODY_BYTES = 32 * 1024 * 1024
const INTERNAL_PATH = /^\/api\/internal\//

/**
 * Refuses bodies before anything reads them: over the limit (413), or of unknown length (411),
 * since a body that is never declared could be endless. Browsers and the tRPC client always send
 * Content-Length.
 */
export function requestBodyProblem(req: {
  method?: string | undefined
  url?: string | undefined
  headers: IncomingHttpHeaders
}): { status: number; message: string } | null {
  if (SAFE_METHODS.has(req.method ?? "GET")) return null
  // Judged on the path as the router will see it (dot segments resolved), not as sent.
  const path = pathnameOf(requestPath(req.url) ?? "/")
  const limit = INTERNAL_PATH.test(path) && !/%2e|\.\./i.test(req.url ?? "") ? MAX_INTERNAL_BODY_BYTES : MAX_BODY_BYTES
  const declared = req.headers["content-length"]
  if (declared === undefined) {
    return req.headers["transfer-encoding"] ? { status: 411, message: "Send a Content-Length with the request body." } : null
  }
  return Number(declared) > limit
    ? { status: 413, message: `The request body is larger than ${limit / 1024} KiB.` }
    : null
}

/** Paths as they may be logged: bearer-style tokens in them (invitation links) are cut out. */
export const redactPath = (path: string) => path.replace(/[a-z2-7]{40,}/g, "<token>")
