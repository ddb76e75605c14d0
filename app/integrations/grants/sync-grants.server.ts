// present_integration_setup's record: the integration-setup.json the builder presented becomes the
// app's grant set. Listed keys (domain + keySlug) are written; keys no longer listed are removed
// with the secrets stored for them; a key that stays keeps the values an admin stored for the
// secret names it still declares, and loses those of names it dropped. Audited once per sync.

import { summarizeIntegrationSetup, type IntegrationSetup } from "#shared/agents/integration-setup.ts"
import { newId } from "#shared/ids.ts"
import type { SyncIntegrationSetupResult } from "#shared/mcp/builder-tools.ts"
import { recordAudit } from "../../audit/audit.server.ts"
import type { WebServices } from "../../services.server.ts"
import { StoreDuplicateError } from "../../store/store.server.ts"
import { integrationGrants, type GrantSecret, type IntegrationGrantDocument } from "../integration-collections.server.ts"
import { deleteSecretRefs, grantLabel, refsOf, updateGrant, type GrantKey } from "./grant-documents.server.ts"

export interface GrantSync {
  readonly workspaceId: string
  readonly appId: string
  /** Who asked for it: the person whose message started the builder's turn. */
  readonly requestedByUserId: string
  /** Already validated (validateIntegrationSetup). */
  readonly setup: IntegrationSetup
}

type Entry = ReturnType<typeof summarizeIntegrationSetup>["integrations"][number]

/** The grant's fields that come from the setup (everything but identity, secrets' refs and times). */
function describedBy(entry: Entry) {
  return {
    name: entry.name,
    keyName: entry.keyName,
    capabilityLabel: entry.capabilityLabel,
    why: entry.why,
    authType: entry.authType,
    providerKey: entry.providerKey,
    requiredScopes: entry.scopes,
    oauthEndpoints: entry.oauthEndpoints,
    permissionGroupsJson: JSON.stringify(entry.permissionGroups),
    setupInstructionsJson: JSON.stringify(entry.setupInstructions),
  }
}

/** The declared secrets, keeping what is stored for names that were declared before. */
const mergedSecrets = (entry: Entry, stored: readonly GrantSecret[]): GrantSecret[] =>
  entry.secrets.map((secret) => {
    const kept = stored.find((candidate) => candidate.name === secret.name)
    return { ...secret, ref: kept?.ref ?? null, updatedAt: kept?.updatedAt ?? null, updatedByUserId: kept?.updatedByUserId ?? null }
  })

const droppedRefs = (before: readonly GrantSecret[], after: readonly GrantSecret[]) =>
  refsOf(before.filter((secret) => !after.some((kept) => kept.name === secret.name)))

export async function syncGrants(services: WebServices, sync: GrantSync): Promise<SyncIntegrationSetupResult> {
  const grants = services.store.collection(integrationGrants)
  const entries = summarizeIntegrationSetup(sync.setup).integrations
  const orphans: (string | null)[] = []
  const now = new Date().toISOString()

  for (const entry of entries) {
    const key: GrantKey = { workspaceId: sync.workspaceId, appId: sync.appId, domain: entry.domain, keySlug: entry.keySlug }
    const change = (grant: IntegrationGrantDocument) => ({ ...describedBy(entry), secrets: mergedSecrets(entry, grant.secrets), requestedByUserId: sync.requestedByUserId, syncedAt: now })
    let updated = await updateGrant(services.store, key, change)
    if (!updated) {
      try {
        await grants.insert({ id: newId(), ...key, ...describedBy(entry), secrets: mergedSecrets(entry, []), requestedByUserId: sync.requestedByUserId, syncedAt: now, updatedAt: now })
        continue
      } catch (error) {
        // Another sync of the same app inserted it first: update it as it is now.
        if (!(error instanceof StoreDuplicateError)) throw error
        updated = await updateGrant(services.store, key, change)
        if (!updated) throw error
      }
    }
    orphans.push(...droppedRefs(updated.before.secrets, updated.after.secrets))
  }

  const listed = new Set(entries.map(grantLabel))
  let deleted = 0
  for (const grant of await grants.findMany({ workspaceId: sync.workspaceId, appId: sync.appId })) {
    if (listed.has(grantLabel(grant))) continue
    const removed = await removeGrant(services, grant)
    if (removed) {
      deleted += 1
      orphans.push(...refsOf(removed.secrets))
    }
  }

  await deleteOrphans(services, orphans)
  const result = { upserted: entries.length, deleted, keys: [...listed] }
  await recordAudit(services.store, {
    workspaceId: sync.workspaceId,
    actorUserId: sync.requestedByUserId,
    action: "integration.grants_synced",
    target: { type: "app", id: sync.appId },
    after: result,
  })
  return result
}

/** Deletes the grant as it is now (a secret stored meanwhile goes with it); the document deleted, or null when it was already gone. */
async function removeGrant(services: WebServices, grant: IntegrationGrantDocument): Promise<IntegrationGrantDocument | null> {
  const grants = services.store.collection(integrationGrants)
  let current: IntegrationGrantDocument | null = grant
  while (current) {
    if ((await grants.deleteMany({ id: current.id, updatedAt: current.updatedAt })) === 1) return current
    current = await grants.findOne({ id: grant.id })
  }
  return null
}

/** Values no document refers to any more; one that cannot be deleted is logged by its ref (never a value) and the sync stands. */
async function deleteOrphans(services: WebServices, refs: readonly (string | null)[]): Promise<void> {
  const failed = await deleteSecretRefs(services.secrets, refs)
  if (failed.length > 0) services.log.warn("Could not delete the stored secrets of removed integration keys; nothing refers to them any more.", { refs: failed })
}

/** An app being deleted: its keys go, and every secret stored for them. */
export async function deleteAppGrants(services: WebServices, app: { readonly workspaceId: string; readonly id: string }): Promise<void> {
  const orphans: (string | null)[] = []
  for (const grant of await services.store.collection(integrationGrants).findMany({ workspaceId: app.workspaceId, appId: app.id })) {
    const removed = await removeGrant(services, grant)
    if (removed) orphans.push(...refsOf(removed.secrets))
  }
  await deleteOrphans(services, orphans)
}
