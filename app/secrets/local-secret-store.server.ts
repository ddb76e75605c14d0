// The local secret store: envelopes (shared/secrets/envelope.ts) in the durable store's `secrets`
// collection, under SECOND_TOKEN_ENCRYPTION_KEY, readable under SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS
// while a rotation is under way. Refs are "local:<id>".

import { randomUUID } from "node:crypto"
import { openSecret, rewrapSecret, sealSecret, unknownKeyError, type EncryptionKey } from "#shared/secrets/envelope.ts"
import {
  assertSecretValueFits,
  parseSecretRef,
  SecretKeyError,
  SecretNotFound,
  SecretScopeMismatch,
  type SecretScope,
  type SecretStore,
} from "#shared/secrets/secret-store.ts"
import type { DurableStore } from "../store/store.server.ts"
import { storedSecrets, type StoredSecretDocument } from "./secret-collections.server.ts"

export interface LocalSecretStoreOptions {
  readonly store: DurableStore
  /** Wraps every new or replaced value. */
  readonly current: EncryptionKey
  /** Still decrypt what they wrapped, until `rotate()` has moved it to `current`. */
  readonly previous?: readonly EncryptionKey[]
  readonly now?: () => Date
}

export interface RotationReport {
  /** Envelopes looked at. */
  readonly total: number
  /** Re-wrapped under the current key by this run. */
  readonly rewrapped: number
  /** Already under the current key (a second run re-wraps nothing). */
  readonly alreadyCurrent: number
  /** Changed by someone else while this run read them (a replace or delete): left as they are now. */
  readonly changedMeanwhile: number
  /** Under a key neither current nor previous: left alone, listed by key id. */
  readonly unknownKeyIds: readonly string[]
  readonly unreadable: number
}

export interface LocalSecretStore extends SecretStore {
  readonly kind: "local"
  /** Re-wraps every envelope not under the current key. Idempotent and resumable (each secret is one atomic update). */
  rotate(): Promise<RotationReport>
  /** Throws SecretKeyError naming the stray key id when something stored is under a key this process was not given. */
  verifyKeys(): Promise<void>
}

const PAGE = 200

export function createLocalSecretStore(options: LocalSecretStoreOptions): LocalSecretStore {
  const secrets = options.store.collection(storedSecrets)
  const current = options.current
  const keys = [current, ...(options.previous ?? []).filter((key) => key.id !== current.id)]
  const known = new Set(keys.map((key) => key.id))
  const now = () => (options.now?.() ?? new Date()).toISOString()

  const idOf = (ref: string): string | null => {
    const parsed = parseSecretRef(ref)
    if (parsed === null) return null
    if (parsed.kind !== "local") {
      throw new SecretKeyError(
        `The secret ${ref} is kept in WorkOS Vault, but WORKOS_API_KEY is not set: set it again, or enter the secret anew`,
      )
    }
    return parsed.id
  }

  const checkScope = (document: StoredSecretDocument, ref: string, scope: SecretScope) => {
    if (document.workspaceId !== scope.workspaceId || document.purpose !== scope.purpose) {
      throw new SecretScopeMismatch(`The secret ${ref} belongs to another workspace or purpose`)
    }
  }

  return {
    kind: "local",
    keyId: current.id,

    async put(scope, value) {
      assertSecretValueFits(value)
      const id = randomUUID()
      const at = now()
      const envelope = sealSecret(current, { id, ...scope }, value)
      await secrets.insert({ id, workspaceId: scope.workspaceId, purpose: scope.purpose, keyId: current.id, envelope, createdAt: at, updatedAt: at })
      return `local:${id}`
    },

    async replace(ref, scope, value) {
      assertSecretValueFits(value)
      const id = idOf(ref)
      const existing = id === null ? null : await secrets.findOne({ id })
      if (id === null || existing === null) throw new SecretNotFound(`No secret is stored under ${ref}`)
      checkScope(existing, ref, scope)
      const envelope = sealSecret(current, { id, ...scope }, value)
      // Conditional on the scope, so a concurrent delete-and-reuse can never receive this value.
      const updated = await secrets.updateOne(
        { id, workspaceId: scope.workspaceId, purpose: scope.purpose },
        { keyId: current.id, envelope, updatedAt: now() },
      )
      if (updated === null) throw new SecretNotFound(`No secret is stored under ${ref}`)
    },

    async get(ref, scope) {
      const id = idOf(ref)
      if (id === null) return null
      const document = await secrets.findOne({ id })
      if (document === null) return null
      checkScope(document, ref, scope)
      return openSecret(keys, { id, workspaceId: document.workspaceId, purpose: document.purpose }, document.envelope)
    },

    async delete(ref) {
      const parsed = parseSecretRef(ref)
      if (parsed === null || parsed.kind !== "local") return
      await secrets.deleteMany({ id: parsed.id })
    },

    async rotate() {
      let total = 0
      let rewrapped = 0
      let alreadyCurrent = 0
      let changedMeanwhile = 0
      let unreadable = 0
      const unknown = new Set<string>()
      let cursor: string | null = null
      for (;;) {
        const page: StoredSecretDocument[] = await secrets.findMany(cursor === null ? {} : { id: { gt: cursor } }, { sort: [["id", 1]], limit: PAGE })
        for (const document of page) {
          total += 1
          if (document.keyId === current.id) {
            alreadyCurrent += 1
            continue
          }
          if (!known.has(document.keyId)) {
            unknown.add(document.keyId)
            continue
          }
          let envelope: string
          try {
            envelope = rewrapSecret(keys, current, document, document.envelope)
          } catch (error) {
            if (!(error instanceof SecretKeyError)) throw error
            unreadable += 1
            continue
          }
          // Only if the envelope is still the one we read: a replace in between wins.
          const updated = await secrets.updateOne({ id: document.id, envelope: document.envelope }, { keyId: current.id, envelope })
          if (updated === null) changedMeanwhile += 1
          else rewrapped += 1
        }
        if (page.length < PAGE) break
        cursor = page[page.length - 1]!.id
      }
      return { total, rewrapped, alreadyCurrent, changedMeanwhile, unknownKeyIds: [...unknown].sort(), unreadable }
    },

    async verifyKeys() {
      // Walks the distinct key ids through the (keyId, id) index: one seek per key id, not a scan.
      let after: string | null = null
      for (;;) {
        const [next]: StoredSecretDocument[] = await secrets.findMany(after === null ? {} : { keyId: { gt: after } }, {
          sort: [["keyId", 1]],
          limit: 1,
        })
        if (next === undefined) return
        if (!known.has(next.keyId)) throw unknownKeyError(next.keyId)
        after = next.keyId
      }
    },
  }
}
