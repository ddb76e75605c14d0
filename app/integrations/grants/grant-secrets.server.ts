// An admin stores or clears one static secret of one app's key (Settings → Integrations). The
// value goes to the secret store, scoped to the workspace and purpose "integration_secret"; the
// grant keeps only its ref, and a replaced or cleared value is deleted. The key is always found by
// workspace, app, domain and key slug together: no other app's key is ever touched.

import { recordAudit } from "../../audit/audit.server.ts"
import { AppError, notFound } from "../../errors.server.ts"
import type { WebServices } from "../../services.server.ts"
import { apps } from "../../store/collections.server.ts"
import type { WorkspaceScope } from "../../workspaces/scope.server.ts"
import type { IntegrationGrantDocument } from "../integration-collections.server.ts"
import { blankPasteMessage, isBlankPaste, pastedSecretValue } from "../pasted-secret.server.ts"
import { deleteSecretRefs, findGrant, grantLabel, updateGrant, type GrantKey } from "./grant-documents.server.ts"

export const INTEGRATION_SECRET_SCOPE = (workspaceId: string) => ({ workspaceId, purpose: "integration_secret" as const })

export interface SecretTarget {
  readonly appId: string
  readonly domain: string
  readonly keySlug: string
  readonly name: string
}

/** The app's key, or the 404/400 that says what to fix. */
async function requireDeclaredSecret(services: WebServices, scope: WorkspaceScope, target: SecretTarget): Promise<{ key: GrantKey; grant: IntegrationGrantDocument }> {
  const app = await services.store.collection(apps).findOne({ id: target.appId, workspaceId: scope.workspace.id })
  if (!app || app.deleting) throw notFound("App")
  const key: GrantKey = { workspaceId: scope.workspace.id, appId: app.id, domain: target.domain, keySlug: target.keySlug }
  const grant = await findGrant(services.store, key)
  if (!grant) {
    throw new AppError("NOT_FOUND", `${app.name} has no integration key "${target.keySlug}" for ${target.domain}: the keys it needs are the ones its builder presented (present_integration_setup).`)
  }
  if (!grant.secrets.some((secret) => secret.name === target.name)) throw new AppError("BAD_REQUEST", undeclared(grant, target.name))
  return { key, grant }
}

const undeclared = (grant: IntegrationGrantDocument, name: string) => {
  const declared = grant.secrets.map((secret) => secret.name)
  const which = `${grant.keyName} (${grantLabel(grant)})`
  return declared.length > 0
    ? `"${name}" is not a secret of ${which}; use one it declares: ${declared.join(", ")}.`
    : `"${name}" is not a secret of ${which}, which declares none (auth "${grant.authType}" stores no secrets).`
}

/** The grant changed between the check and the write (a sync dropped the name): nothing stored. */
const setupChanged = (name: string) =>
  new AppError("CONFLICT", `The app's integration setup changed meanwhile and no longer declares "${name}"; reload the page.`)

export async function setIntegrationSecret(services: WebServices, scope: WorkspaceScope, target: SecretTarget & { readonly value: string }): Promise<{ configured: true }> {
  const { key, grant } = await requireDeclaredSecret(services, scope, target)
  // Stored as pasted but for trailing line breaks; whitespace only is refused before anything is
  // written, so a stray space never replaces a working value (see pasted-secret.server.ts).
  if (isBlankPaste(target.value)) {
    const declared = grant.secrets.find((secret) => secret.name === target.name)
    throw new AppError("BAD_REQUEST", blankPasteMessage(declared?.label.trim() || target.name))
  }
  const ref = await services.secrets.put(INTEGRATION_SECRET_SCOPE(key.workspaceId), pastedSecretValue(target.value))
  const now = new Date().toISOString()
  let updated: Awaited<ReturnType<typeof updateGrant>>
  try {
    updated = await updateGrant(services.store, key, (grant) =>
      grant.secrets.some((secret) => secret.name === target.name)
        ? { secrets: grant.secrets.map((secret) => (secret.name === target.name ? { ...secret, ref, updatedAt: now, updatedByUserId: scope.user.id } : secret)) }
        : null,
    )
  } catch (error) {
    await deleteSecretRefs(services.secrets, [ref])
    throw error
  }
  if (!updated) {
    await deleteSecretRefs(services.secrets, [ref])
    throw setupChanged(target.name)
  }
  await afterSecretChange(services, scope, key, updated.before, target.name, "integration.secret_set")
  return { configured: true }
}

export async function clearIntegrationSecret(services: WebServices, scope: WorkspaceScope, target: SecretTarget): Promise<{ cleared: boolean }> {
  const { key } = await requireDeclaredSecret(services, scope, target)
  const updated = await updateGrant(services.store, key, (grant) =>
    grant.secrets.some((secret) => secret.name === target.name && secret.ref !== null)
      ? { secrets: grant.secrets.map((secret) => (secret.name === target.name ? { ...secret, ref: null, updatedAt: new Date().toISOString(), updatedByUserId: scope.user.id } : secret)) }
      : null,
  )
  if (!updated) return { cleared: false }
  await afterSecretChange(services, scope, key, updated.before, target.name, "integration.secret_cleared")
  return { cleared: true }
}

/**
 * After one secret of the key was stored or cleared: the value the grant referred to before is
 * deleted (logged by ref, never a value, when it cannot be), and the change goes to the audit log.
 */
async function afterSecretChange(services: WebServices, scope: WorkspaceScope, key: GrantKey, before: IntegrationGrantDocument, name: string, action: "integration.secret_set" | "integration.secret_cleared"): Promise<void> {
  const old = before.secrets.find((secret) => secret.name === name)?.ref ?? null
  const failed = await deleteSecretRefs(services.secrets, [old])
  if (failed.length > 0) services.log.warn("Could not delete a replaced integration secret; nothing refers to it any more.", { refs: failed })
  await recordAudit(services.store, {
    workspaceId: key.workspaceId,
    actorUserId: scope.user.id,
    action,
    target: { type: "app", id: key.appId },
    after: { domain: key.domain, keySlug: key.keySlug, secret: name },
  })
}
