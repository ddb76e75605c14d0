// Preview tokens: the capability in a preview URL (/preview/<token>/). The preview is fetched by a
// sandboxed iframe with an opaque origin, so no cookie comes with it; the token alone says which
// version of which app in which workspace may be read, until when. It is the binding, signed with
// HMAC-SHA256 under a key of its own, base64url-encoded, and checked in constant time.

import { hkdfSync } from "node:crypto"
import { hmac } from "@oslojs/crypto/hmac"
import { SHA256 } from "@oslojs/crypto/sha2"
import { constantTimeEqual } from "@oslojs/crypto/subtle"
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding"
import { ID_PATTERN } from "#shared/ids.ts"

/** Long enough for a working day beside the chat; the page asks for a fresh URL whenever it loads one. */
export const PREVIEW_TOKEN_TTL_MS = 12 * 60 * 60 * 1000

export interface PreviewGrant {
  readonly workspaceId: string
  readonly appId: string
  readonly versionId: string
  /**
   * Set for a published app's colleagues: the release the URL was given for. It is served only
   * while that release is the app's current one, so unpublishing or a new release takes it back
   * at once (a builder's preview of a version needs no release).
   */
  readonly releaseId?: string
  /** With releaseId: the person it was given to; served only while they may still use the app. */
  readonly userId?: string
  /** Milliseconds since the epoch, whole seconds. */
  readonly expiresAt: number
}

const MAC_BYTES = 32
/** Three ids, an expiry and the MAC come to about 160 characters; anything far longer is not a token. */
const MAX_TOKEN_CHARS = 256
const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

const derived = new WeakMap<Uint8Array, Uint8Array>()

/**
 * The preview key, derived (HKDF) from the session key under a label of its own: one secret to
 * configure, never one key for two purposes, and every web instance that shares sessions derives
 * the same preview key.
 */
export function previewKey(sessionKey: Uint8Array): Uint8Array {
  let key = derived.get(sessionKey)
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", sessionKey, new Uint8Array(0), "second/preview-token/v1", 32))
    derived.set(sessionKey, key)
  }
  return key
}

// Ids are base32, so "." never occurs in them.
const payloadOf = (grant: PreviewGrant) =>
  `${grant.workspaceId}.${grant.appId}.${grant.versionId}.${Math.floor(grant.expiresAt / 1000)}${grant.releaseId && grant.userId ? `.${grant.releaseId}.${grant.userId}` : ""}`

export function signPreviewToken(key: Uint8Array, grant: PreviewGrant): string {
  const payload = encoder.encode(payloadOf(grant))
  const token = new Uint8Array(payload.length + MAC_BYTES)
  token.set(payload)
  token.set(hmac(SHA256, key, payload), payload.length)
  return encodeBase64urlNoPadding(token)
}

/** What the token grants, or null when it is malformed, forged, altered or expired. */
export function verifyPreviewToken(key: Uint8Array, token: string, now = Date.now()): PreviewGrant | null {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return null
  let bytes: Uint8Array
  try {
    bytes = decodeBase64urlIgnorePadding(token)
  } catch {
    return null
  }
  if (bytes.length <= MAC_BYTES) return null
  const payload = bytes.subarray(0, bytes.length - MAC_BYTES)
  if (!constantTimeEqual(bytes.subarray(bytes.length - MAC_BYTES), hmac(SHA256, key, payload))) return null
  let text: string
  try {
    text = decoder.decode(payload)
  } catch {
    return null
  }
  const [workspaceId, appId, versionId, expiry, releaseId, userId, ...rest] = text.split(".")
  if (rest.length > 0 || !workspaceId || !appId || !versionId || !expiry || !/^\d{1,12}$/.test(expiry)) return null
  if (![workspaceId, appId, versionId].every((id) => ID_PATTERN.test(id))) return null
  // A release and its person come together, or not at all.
  if ((releaseId === undefined) !== (userId === undefined)) return null
  if (releaseId !== undefined && userId !== undefined && !(ID_PATTERN.test(releaseId) && ID_PATTERN.test(userId))) return null
  const expiresAt = Number(expiry) * 1000
  if (expiresAt <= now) return null
  return releaseId === undefined ? { workspaceId, appId, versionId, expiresAt } : { workspaceId, appId, versionId, releaseId, userId, expiresAt }
}

/** The URL a preview of the version is served at, for a new grant from now. */
export function previewUrl(sessionKey: Uint8Array, grant: Omit<PreviewGrant, "expiresAt">, now = Date.now()): { url: string; expiresAt: number } {
  // Whole seconds, rounded down, so the expiry the caller is told is the one the token carries.
  const expiresAt = Math.floor((now + PREVIEW_TOKEN_TTL_MS) / 1000) * 1000
  return { url: `/preview/${signPreviewToken(previewKey(sessionKey), { ...grant, expiresAt })}/`, expiresAt }
}
