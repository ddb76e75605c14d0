// The envelope format on its own: versioned, a fresh data key per value, every byte authenticated,
// bound to its secret, and re-wrapping that changes the wrapping only.

import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { EncryptionKey, envelopeKeyId, openSecret, rewrapSecret, sealSecret, type EnvelopeBinding } from "./envelope.ts"
import { SecretKeyError } from "./secret-store.ts"

const binding: EnvelopeBinding = { id: "s1", workspaceId: "ws_1", purpose: "oauth_access_token" }
const newKey = () => new EncryptionKey(randomBytes(32))

describe("secret envelopes", () => {
  it("is versioned, names its key id, and never repeats for the same value", () => {
    const key = newKey()
    const first = sealSecret(key, binding, "same value")
    const second = sealSecret(key, binding, "same value")
    expect(first).toMatch(/^v1\.[0-9a-f]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    expect(envelopeKeyId(first)).toBe(key.id)
    expect(first).not.toBe(second)
    // Fresh data key: not even the wrapped keys or ciphertexts coincide.
    expect(first.split(".")[2]).not.toBe(second.split(".")[2])
    expect(first.split(".")[3]).not.toBe(second.split(".")[3])
    expect(openSecret([key], binding, first)).toBe("same value")
  })

  it("refuses any altered character, and another secret's binding", () => {
    const key = newKey()
    const envelope = sealSecret(key, binding, "tamper-me")
    const prefix = `v1.${key.id}.`
    for (let index = prefix.length; index < envelope.length; index += 7) {
      if (envelope[index] === ".") continue
      const altered = envelope.slice(0, index) + (envelope[index] === "A" ? "B" : "A") + envelope.slice(index + 1)
      expect(() => openSecret([key], binding, altered)).toThrow(SecretKeyError)
    }
    for (const other of [{ ...binding, id: "s2" }, { ...binding, workspaceId: "ws_2" }, { ...binding, purpose: "oauth_refresh_token" as const }]) {
      expect(() => openSecret([key], other, envelope)).toThrow(/altered, or copied from another secret/)
    }
  })

  it("re-wraps under a new key, keeping the ciphertext, and the old key alone then fails by key id", () => {
    const oldKey = newKey()
    const newer = newKey()
    const envelope = sealSecret(oldKey, binding, "rotate-me")
    const rewrapped = rewrapSecret([oldKey], newer, binding, envelope)
    expect(envelopeKeyId(rewrapped)).toBe(newer.id)
    expect(rewrapped.split(".")[3]).toBe(envelope.split(".")[3])
    expect(openSecret([newer], binding, rewrapped)).toBe("rotate-me")
    expect(() => openSecret([oldKey], binding, rewrapped)).toThrow(`key id ${newer.id}`)
  })

  it("prints a key as its id only", () => {
    const bytes = randomBytes(32)
    const key = new EncryptionKey(bytes)
    const shown = [String(key), JSON.stringify(key), Object.keys(key).join(",")].join(" ")
    expect(shown).toContain(key.id)
    expect(shown).not.toContain(bytes.toString("hex"))
    expect(shown).not.toContain(bytes.toString("base64"))
  })
})
