import { randomBytes } from "node:crypto"
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding"
import { describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { PREVIEW_TOKEN_TTL_MS, previewKey, previewUrl, signPreviewToken, verifyPreviewToken } from "./preview-token.server.ts"

const sessionKey = new Uint8Array(randomBytes(32))
const key = previewKey(sessionKey)
const grant = { workspaceId: newId(), appId: newId(), versionId: newId(), expiresAt: Math.floor(Date.now() / 1000) * 1000 + 60_000 }

describe("preview tokens", () => {
  it("grant what they were signed for until they expire", () => {
    const token = signPreviewToken(key, grant)
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(verifyPreviewToken(key, token)).toEqual(grant)
    expect(verifyPreviewToken(key, token, grant.expiresAt - 1)).toEqual(grant)
    expect(verifyPreviewToken(key, token, grant.expiresAt)).toBeNull()
  })

  it("refuse any change to a token: a flipped byte, a swapped id, a later expiry, a cut", () => {
    const token = signPreviewToken(key, grant)
    const bytes = decodeBase64urlIgnorePadding(token)
    for (let index = 0; index < bytes.length; index += 7) {
      const tampered = bytes.slice()
      tampered[index]! ^= 1
      expect(verifyPreviewToken(key, encodeBase64urlNoPadding(tampered)), `byte ${index}`).toBeNull()
    }
    // The payload rewritten to name another app or a later expiry, with the old MAC.
    const mac = bytes.subarray(bytes.length - 32)
    const text = new TextDecoder().decode(bytes.subarray(0, bytes.length - 32))
    for (const forged of [text.replace(grant.appId, newId()), text.replace(/\.\d+$/, ".99999999999")]) {
      const payload = new TextEncoder().encode(forged)
      const candidate = new Uint8Array(payload.length + 32)
      candidate.set(payload)
      candidate.set(mac, payload.length)
      expect(verifyPreviewToken(key, encodeBase64urlNoPadding(candidate))).toBeNull()
    }
    expect(verifyPreviewToken(key, token.slice(0, -1))).toBeNull()
    expect(verifyPreviewToken(key, `${token}A`)).toBeNull()
  })

  it("carry a published release when given one, and never lose or gain it without the key", () => {
    const released = { ...grant, releaseId: newId(), userId: newId() }
    const token = signPreviewToken(key, released)
    expect(verifyPreviewToken(key, token)).toEqual(released)
    const bytes = decodeBase64urlIgnorePadding(token)
    const text = new TextDecoder().decode(bytes.subarray(0, bytes.length - 32))
    const payload = new TextEncoder().encode(text.split(".").slice(0, 4).join("."))
    const dropped = new Uint8Array(payload.length + 32)
    dropped.set(payload)
    dropped.set(bytes.subarray(bytes.length - 32), payload.length)
    expect(verifyPreviewToken(key, encodeBase64urlNoPadding(dropped)), "the release and person cut off").toBeNull()
  })

  it("refuse tokens signed with another key, and never accept the session key itself", () => {
    const token = signPreviewToken(key, grant)
    expect(verifyPreviewToken(previewKey(new Uint8Array(randomBytes(32))), token)).toBeNull()
    expect(verifyPreviewToken(sessionKey, token)).toBeNull()
    expect(verifyPreviewToken(key, signPreviewToken(sessionKey, grant))).toBeNull()
    expect(previewKey(sessionKey)).toBe(key)
  })

  it("refuse what is not a token at all", () => {
    for (const odd of ["", "a", "..", "%2e", "A".repeat(257), "not base64!", "=====", encodeBase64urlNoPadding(new Uint8Array(40))]) {
      expect(verifyPreviewToken(key, odd), odd.slice(0, 20)).toBeNull()
    }
  })

  it("make URLs that last PREVIEW_TOKEN_TTL_MS and say so", () => {
    const now = 1_800_000_000_123
    const { url, expiresAt } = previewUrl(sessionKey, grant, now)
    expect(url).toMatch(/^\/preview\/[A-Za-z0-9_-]+\/$/)
    expect(expiresAt).toBe(Math.floor((now + PREVIEW_TOKEN_TTL_MS) / 1000) * 1000)
    expect(verifyPreviewToken(key, url.split("/")[2]!, now)).toEqual({ workspaceId: grant.workspaceId, appId: grant.appId, versionId: grant.versionId, expiresAt })
  })
})
