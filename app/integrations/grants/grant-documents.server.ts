// Reading and changing one app's grants (integration_grants). Every lookup names the workspace,
// the app, the domain and the key slug together, so another app's grant — and the secrets stored
// for it — can never stand in for this app's. A grant changes by compare-and-set on `updatedAt`
// (which only moves forward), so a sync and an admin storing a secret at the same moment never
// overwrite each other's refs: the loser re-reads and applies its change again.

import type { SecretStore } from "#shared/secrets/secret-store.ts"
import type { DurableStore } from "../../store/store.server.ts"
import { integrationGrants, type GrantSecret, type IntegrationGrantDocument } from "../integration-collections.server.ts"

export const DEFAULT_KEY_SLUG = "default"

export interface GrantKey {
  readonly workspaceId: string
  readonly appId: string
  readonly domain: string
  readonly keySlug: string
}

export const grantLabel = (grant: Pick<GrantKey, "domain" | "keySlug">) => `${grant.domain} ${grant.keySlug}`

export function findGrant(store: DurableStore, key: GrantKey): Promise<IntegrationGrantDocument | null> {
  return store.collection(integrationGrants).findOne({ workspaceId: key.workspaceId, appId: key.appId, domain: key.domain, keySlug: key.keySlug })
}

/** An ISO time after `previous`, so a compare-and-set on it never matches a stale read. */
export function nextUpdatedAt(previous: string | null, now = new Date()): string {
  const floor = previous === null ? 0 : Date.parse(previous) + 1
  return new Date(Math.max(now.getTime(), floor)).toISOString()
}

const CAS_ATTEMPTS = 8

/**
 * Applies `change` to the grant as it is now; null when there is none (or `change` returns null:
 * nothing to do). Retries when someone else changed the grant between the read and the write.
 */
export async function updateGrant(
  store: DurableStore,
  key: GrantKey,
  change: (grant: IntegrationGrantDocument) => Partial<Omit<IntegrationGrantDocument, "id" | "updatedAt">> | null,
): Promise<{ readonly before: IntegrationGrantDocument; readonly after: IntegrationGrantDocument } | null> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const before = await findGrant(store, key)
    if (!before) return null
    const changes = change(before)
    if (changes === null) return null
    const after = await store.collection(integrationGrants).updateOne({ id: before.id, updatedAt: before.updatedAt }, { ...changes, updatedAt: nextUpdatedAt(before.updatedAt) })
    if (after) return { before, after }
  }
  throw new Error(`The integration grant ${grantLabel(key)} kept changing while it was being updated`)
}

/**
 * Deletes values no document refers to any more (a missing ref is not an error); answers the refs
 * it could not delete. Their refs are already gone, so a failure leaves an unreachable ciphertext
 * (or Vault object), never a usable credential.
 */
export async function deleteSecretRefs(secrets: SecretStore, refs: readonly (string | null)[]): Promise<string[]> {
  const failed: string[] = []
  for (const ref of refs) {
    if (ref === null) continue
    try {
      await secrets.delete(ref)
    } catch {
      failed.push(ref)
    }
  }
  return failed
}

export const refsOf = (secrets: readonly GrantSecret[]) => secrets.map((secret) => secret.ref)
