// Browser-facing protections applied to every answer by the host: security headers, a
// Content-Security-Policy with a per-request nonce, and refusal of cross-site writes (CSRF) by
// Origin / Sec-Fetch-Site.

import type { IncomingHttpHeaders } from "node:http"
import { isLoopbackHost } from "#shared/config/common.ts"
import type { WebConfig } from "../config/config.server.ts"

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  // Nothing here uses these; a page (or anything injected into one) cannot ask for them. Only
  // features Chromium knows: an unknown one is a console error on every page.
  "permissions-policy":
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()",
}

/** Responses that say nothing about caching are not stored anywhere: pages and API answers are per person. */
export const DEFAULT_CACHE_CONTROL = "no-store"

export function contentSecurityPolicy(nonce: string, mode: "production" | "development"): string {
  // Vite's dev server injects styles and an HMR socket; production allows neither.
  const development = mode === "development"
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${development ? " 'unsafe-inline'" : ""}`,
    // The nonce admits only the dialogs' scroll-lock <style> (entry.client.tsx). Development
    // leaves it out: with a nonce present, browsers ignore 'unsafe-inline', which Vite needs.
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
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

/** Paths as they may be logged: bearer-style tokens in them (invitation links, preview URLs) are cut out. */
export const redactPath = (path: string) => path.replace(/^(\/preview\/)[^/]+/i, "$1<token>").replace(/[a-z2-7]{40,}/g, "<token>")
