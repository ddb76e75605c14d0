// The behaviour every secret store adapter must have. Each adapter's test file calls
// `secretStoreContract` with a harness that opens a fresh, isolated store per test.

import { randomUUID } from "node:crypto"
import { afterEach, describe, expect, it } from "vitest"
import {
  MAX_SECRET_BYTES,
  SecretNotFound,
  SecretScopeMismatch,
  SecretValueTooLarge,
  type SecretScope,
  type SecretStore,
} from "#shared/secrets/secret-store.ts"

export interface SecretStoreHandle {
  readonly store: SecretStore
  /** How many values the backing storage holds (to prove a refused write stored nothing). */
  storedCount(): Promise<number>
  cleanup(): Promise<void>
}

export interface SecretStoreHarness {
  fresh(): Promise<SecretStoreHandle>
}

const scope = (overrides: Partial<SecretScope> = {}): SecretScope => ({
  workspaceId: `ws_${randomUUID()}`,
  purpose: "integration_secret",
  ...overrides,
})

const refPrefix = (store: SecretStore) => (store.kind === "workos-vault" ? "vault:" : "local:")

export function secretStoreContract(name: string, harness: SecretStoreHarness) {
  describe(`secret store contract: ${name}`, () => {
    const handles: SecretStoreHandle[] = []
    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.cleanup()
    })
    const fresh = async () => {
      const handle = await harness.fresh()
      handles.push(handle)
      return handle
    }

    it("gives back what was put under an opaque ref of its kind, and nothing after a delete", async () => {
      const { store, storedCount } = await fresh()
      const where = scope({ purpose: "oauth_refresh_token" })
      const ref = await store.put(where, "rt-alpha-1")
      expect(ref.startsWith(refPrefix(store))).toBe(true)
      expect(ref).not.toContain("rt-alpha-1")
      expect(await store.get(ref, where)).toBe("rt-alpha-1")
      expect(await storedCount()).toBe(1)

      await store.delete(ref)
      expect(await store.get(ref, where)).toBeNull()
      expect(await storedCount()).toBe(0)
      // Deleting what is gone is not an error.
      await store.delete(ref)
    })

    it("replaces a value in place: same ref, new value, other secrets untouched", async () => {
      const { store } = await fresh()
      const where = scope({ purpose: "oauth_access_token" })
      const ref = await store.put(where, "at-1")
      const other = await store.put(where, "at-other")
      await store.replace(ref, where, "at-2")
      expect(await store.get(ref, where)).toBe("at-2")
      expect(await store.get(other, where)).toBe("at-other")
    })

    it("refuses a ref read, replaced for another workspace or purpose, and leaves the value as it was", async () => {
      const { store } = await fresh()
      const where = scope({ purpose: "oauth_client_secret" })
      const ref = await store.put(where, "client-secret-zeta")
      const elsewhere = scope({ purpose: "oauth_client_secret" })
      const read = store.get(ref, elsewhere)
      await expect(read).rejects.toBeInstanceOf(SecretScopeMismatch)
      await expect(read).rejects.not.toThrow(/client-secret-zeta/)
      await expect(store.get(ref, { ...where, purpose: "oauth_refresh_token" })).rejects.toBeInstanceOf(SecretScopeMismatch)
      await expect(store.replace(ref, elsewhere, "hijacked")).rejects.toBeInstanceOf(SecretScopeMismatch)
      expect(await store.get(ref, where)).toBe("client-secret-zeta")
    })

    it("answers null for a ref that names nothing, and refuses to replace it", async () => {
      const { store, storedCount } = await fresh()
      const where = scope()
      const missing = `${refPrefix(store)}${randomUUID()}`
      expect(await store.get(missing, where)).toBeNull()
      expect(await store.get("not a ref", where)).toBeNull()
      await expect(store.replace(missing, where, "v")).rejects.toBeInstanceOf(SecretNotFound)
      await expect(store.replace("local:../../etc", where, "v")).rejects.toBeInstanceOf(SecretNotFound)
      await store.delete(missing)
      expect(await storedCount()).toBe(0)
    })

    it(`keeps values up to ${MAX_SECRET_BYTES} UTF-8 bytes and refuses a longer one without storing it`, async () => {
      const { store, storedCount } = await fresh()
      const where = scope()
      // Multi-byte characters: the limit is bytes, not characters.
      const atLimit = "é".repeat(MAX_SECRET_BYTES / 2)
      const ref = await store.put(where, atLimit)
      expect(await store.get(ref, where)).toBe(atLimit)

      const tooLong = `${atLimit}x`
      const refused = store.put(where, tooLong)
      await expect(refused).rejects.toBeInstanceOf(SecretValueTooLarge)
      await expect(refused).rejects.not.toThrow(/éé/)
      await expect(store.replace(ref, where, tooLong)).rejects.toBeInstanceOf(SecretValueTooLarge)
      expect(await store.get(ref, where)).toBe(atLimit)
      expect(await storedCount()).toBe(1)
    })

    it("keeps concurrent puts apart and settles concurrent replaces on one of the values", async () => {
      const { store, storedCount } = await fresh()
      const where = scope()
      const values = Array.from({ length: 24 }, (_, index) => `token-${index}-${randomUUID()}`)
      const refs = await Promise.all(values.map((value) => store.put(where, value)))
      expect(new Set(refs).size).toBe(values.length)
      expect(await Promise.all(refs.map((ref) => store.get(ref, where)))).toEqual(values)
      expect(await storedCount()).toBe(values.length)

      const target = refs[0]!
      const replacements = ["r-1", "r-2", "r-3", "r-4", "r-5", "r-6"]
      await Promise.all(replacements.map((value) => store.replace(target, where, value)))
      expect(replacements).toContain(await store.get(target, where))
      expect(await store.get(refs[1]!, where)).toBe(values[1])
    })

    it("round-trips any Unicode exactly", async () => {
      const { store } = await fresh()
      const where = scope()
      const values = ["Grüße, 世界 🌍🔑", "e\u0301 vs é", "line\nbreak\ttab \"quotes\" \\ back", "\u0000nul inside", "٣ RTL ‮ mark", "𝓤𝓷𝓲𝓬𝓸𝓭𝓮"]
      for (const value of values) {
        const ref = await store.put(where, value)
        expect(await store.get(ref, where)).toBe(value)
      }
    })

    it("reports its kind and a non-secret key id", async () => {
      const { store } = await fresh()
      expect(["local", "workos-vault"]).toContain(store.kind)
      expect(store.keyId).toMatch(/^[a-z0-9-]{4,32}$/)
    })
  })
}
