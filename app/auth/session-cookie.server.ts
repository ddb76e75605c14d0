// The session cookie: a random token plus its HMAC-SHA256 signature, httpOnly and SameSite=Lax,
// Secure whenever the browser reached us over HTTPS. Forged or truncated cookies are rejected by
// the signature before any database lookup.

import { constantTimeEqual } from "@oslojs/crypto/subtle"
import { hmac } from "@oslojs/crypto/hmac"
import { SHA256 } from "@oslojs/crypto/sha2"
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding"

export const SESSION_COOKIE = "second_session"
/**
 * How long a session lasts. Local (none-mode) sessions last a month; external ones half a day, so
 * what the identity provider changes (roles, removed people) applies by the next working day.
 */
export const SESSION_MAX_AGE_SECONDS = { none: 30 * 24 * 60 * 60, external: 12 * 60 * 60 } as const

const encoder = new TextEncoder()
const sign = (token: string, key: Uint8Array) => encodeBase64urlNoPadding(hmac(SHA256, key, encoder.encode(token)))

export function signSessionToken(token: string, key: Uint8Array): string {
  return `${token}.${sign(token, key)}`
}

/** The token inside a cookie value, or null when the value is malformed or the signature is wrong. */
export function verifySessionCookie(value: string, key: Uint8Array): string | null {
  const dot = value.lastIndexOf(".")
  if (dot <= 0) return null
  const token = value.slice(0, dot)
  let presented: Uint8Array
  try {
    presented = decodeBase64urlIgnorePadding(value.slice(dot + 1))
  } catch {
    return null
  }
  return constantTimeEqual(presented, hmac(SHA256, key, encoder.encode(token))) ? token : null
}

export function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [rawName, ...rest] = part.split("=")
    if (rawName?.trim() === name) {
      try {
        return decodeURIComponent(rest.join("=").trim())
      } catch {
        return null
      }
    }
  }
  return null
}

export interface CookieOptions {
  readonly secure: boolean
  readonly maxAgeSeconds: number
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${options.maxAgeSeconds}`]
  if (options.secure) parts.push("Secure")
  return parts.join("; ")
}

export const clearCookie = (name: string, secure: boolean) => serializeCookie(name, "", { secure, maxAgeSeconds: 0 })
