// A workspace's customer-owned OAuth clients (Settings → Integrations, admins): saved per provider
// key, the client secret written through the secret store and never read back out to a browser.
// Everything is read per request, so changed credentials apply to the next connect or refresh
// without a restart.

import { newId } from "#shared/ids.ts"
import { SecretKeyError, SecretNotFound, SecretStoreUnavailable, SecretValueTooLarge, type SecretStoreStatus } from "#shared/secrets/secret-store.ts"
import { recordAudit } from "../../audit/audit.server.ts"
import { AppError } from "../../errors.server.ts"
import type { WebServices } from "../../services.server.ts"
import { users } from "../../store/collections.server.ts"
import { nowIso, type WorkspaceScope } from "../../workspaces/scope.server.ts"
import { oauthConnections, oauthProviders, type OAuthProviderDocument, type TokenAuthMethod } from "../integration-collections.server.ts"
import { deleteConnectionSecrets, readConnectionTokens, revocationTarget, revokeInBackground, takeConnectionTokens, type BackgroundRevocation } from "./connection-store.server.ts"
import { neededProviders, type NeededProvider } from "./needed-providers.server.ts"
import { PROVIDER_FIELD_LABELS as LABELS, type ProviderSaveInput } from "./provider-input.server.ts"
import { CLIENT_REFUSAL_CODES, type ClientRefusalCode } from "./token-endpoint.server.ts"

export interface ProviderView {
  readonly providerKey: string
  readonly displayName: string
  readonly clientId: string
  readonly hasClientSecret: boolean
  readonly authorizationUrl: string
  readonly tokenUrl: string
  readonly revocationUrl: string | null
  readonly tokenAuthMethod: TokenAuthMethod
  readonly authorizationParams: Record<string, string>
  readonly updatedAt: string
  readonly updatedByName: string | null
  readonly connectionCount: number
  /**
   * The last connect through this client failed because the provider refused the client itself
   * (invalid_client: wrong client ID or secret, or the wrong token auth method; unauthorized_client:
   * the provider's app does not allow this grant). Cleared by a successful connect or by a save
   * that changes the credentials. Only a code: never the provider's text.
   */
  readonly lastConnectError: { readonly code: ClientRefusalCode; readonly at: string } | null
}

export interface ProvidersPage {
  readonly redirectUri: string
  readonly secretStore: SecretStoreStatus
  readonly providers: ProviderView[]
  readonly needed: NeededProvider[]
}

/** The one redirect URI every provider app registers (production checklist, "OAuth integrations"). */
export const oauthRedirectUri = (services: Pick<WebServices, "config">) => new URL("/api/oauth/callback", services.config.publicUrl).href

export const findProvider = (services: Pick<WebServices, "store">, workspaceId: string, providerKey: string) =>
  services.store.collection(oauthProviders).findOne({ workspaceId, providerKey })

async function viewOf(services: WebServices, provider: OAuthProviderDocument): Promise<ProviderView> {
  const updatedBy = await services.store.collection(users).findOne({ id: provider.updatedByUserId })
  const connectionCount = await services.store.collection(oauthConnections).count({ workspaceId: provider.workspaceId, providerKey: provider.providerKey })
  return {
    providerKey: provider.providerKey,
    displayName: provider.displayName,
    clientId: provider.clientId,
    hasClientSecret: provider.clientSecretRef !== null,
    authorizationUrl: provider.authorizationUrl,
    tokenUrl: provider.tokenUrl,
    revocationUrl: provider.revocationUrl,
    tokenAuthMethod: provider.tokenAuthMethod,
    authorizationParams: { ...provider.authorizationParams },
    updatedAt: provider.updatedAt,
    updatedByName: updatedBy?.displayName ?? null,
    connectionCount,
    lastConnectError: lastConnectErrorOf(provider),
  }
}

const isClientRefusal = (code: string | null | undefined): code is ClientRefusalCode => (CLIENT_REFUSAL_CODES as readonly (string | null | undefined)[]).includes(code)

function lastConnectErrorOf(provider: OAuthProviderDocument): ProviderView["lastConnectError"] {
  const code = provider.lastConnectErrorCode
  return isClientRefusal(code) && provider.lastConnectErrorAt ? { code, at: provider.lastConnectErrorAt } : null
}

/**
 * After a connect's code exchange through `providerId`: a client refusal is recorded on the
 * provider for admins to see, a success clears one. Only the document the exchange used (a
 * client replaced meanwhile has its own). Never updatedAt: that is the save's compare-and-swap.
 */
export async function noteConnectOutcome(services: Pick<WebServices, "store">, providerId: string, refusal: ClientRefusalCode | null): Promise<void> {
  const providers = services.store.collection(oauthProviders)
  if (refusal !== null) await providers.updateOne({ id: providerId }, { lastConnectErrorCode: refusal, lastConnectErrorAt: nowIso() })
  else await providers.updateOne({ id: providerId, lastConnectErrorCode: { in: [...CLIENT_REFUSAL_CODES] } }, { lastConnectErrorCode: null, lastConnectErrorAt: null })
}

/** "Google (google) is already set up: …" — "Add another provider" never replaces a client. */
const providerExists = (displayName: string, providerKey: string) =>
  new AppError("CONFLICT", `${displayName} (${providerKey}) is already set up: change it in its own card above.`, "provider_exists")

export async function listProviders(services: WebServices, scope: WorkspaceScope): Promise<ProvidersPage> {
  const providers = await services.store.collection(oauthProviders).findMany({ workspaceId: scope.workspace.id }, { sort: [["providerKey", 1]] })
  return {
    redirectUri: oauthRedirectUri(services),
    secretStore: services.secretStoreStatus,
    providers: await Promise.all(providers.map((provider) => viewOf(services, provider))),
    needed: await neededProviders(services, scope.workspace.id, new Set(providers.map((provider) => provider.providerKey))),
  }
}

/** A secret-store failure in words an admin can act on; never the value. */
export function secretStoreRefusal(error: unknown): AppError | null {
  if (error instanceof SecretValueTooLarge) return new AppError("PAYLOAD_TOO_LARGE", error.message)
  if (error instanceof SecretKeyError) return new AppError("BAD_REQUEST", `The secret store cannot store secrets: ${error.message}`, "secret_store_unconfigured")
  if (error instanceof SecretStoreUnavailable) return new AppError("TOO_MANY_REQUESTS", "The secret store could not be reached; try again shortly.", "secret_store_unavailable")
  return null
}

/** The endpoints' origins, for the audit trail (never a path's query, never a secret). */
const endpointOrigins = (provider: Pick<OAuthProviderDocument, "authorizationUrl" | "tokenUrl" | "revocationUrl">) => ({
  authorizationOrigin: new URL(provider.authorizationUrl).origin,
  tokenOrigin: new URL(provider.tokenUrl).origin,
  revocationOrigin: provider.revocationUrl === null ? null : new URL(provider.revocationUrl).origin,
})

/**
 * What makes a save a different OAuth client rather than an edit of the same one: tokens issued
 * to the old one must never be sent to the new token or revocation endpoint, nor the stored
 * secret to a host it was not entered for.
 */
function clientChange(existing: OAuthProviderDocument, input: ProviderSaveInput) {
  const tokenUrl = existing.tokenUrl !== input.tokenUrl
  const clientId = existing.clientId !== input.clientId
  const revocationUrl = existing.revocationUrl !== (input.revocationUrl ?? null)
  const authorizationOrigin = new URL(existing.authorizationUrl).origin !== new URL(input.authorizationUrl).origin
  return {
    changed: tokenUrl || clientId || revocationUrl || authorizationOrigin,
    // The stored secret would be sent to a host it was not entered for (or for another client id).
    secretMustBeReentered: tokenUrl || clientId || (revocationUrl && (input.revocationUrl ?? null) !== null),
    what: [tokenUrl ? LABELS.tokenUrl : null, clientId ? LABELS.clientId : null, revocationUrl ? LABELS.revocationUrl : null].filter((what) => what !== null).join(" and "),
  }
}

export async function saveProvider(services: WebServices, scope: WorkspaceScope, input: ProviderSaveInput): Promise<ProviderView> {
  const workspaceId = scope.workspace.id
  if (services.config.production && new URL(input.authorizationUrl).protocol === "http:") {
    throw new AppError("BAD_REQUEST", `${LABELS.authorizationUrl} must start with https:// in production (http:// is accepted only for localhost during development).`)
  }
  const existing = await findProvider(services, workspaceId, input.providerKey)
  // Checked before anything is written; a create racing another lands on the unique index below.
  if (input.create && existing) throw providerExists(existing.displayName, existing.providerKey)
  const newSecret = input.clientSecret !== undefined && input.clientSecret !== "" ? input.clientSecret : null
  const needsSecret = input.tokenAuthMethod !== "none"
  const change = existing ? clientChange(existing, input) : null
  if (needsSecret && newSecret === null && (existing?.clientSecretRef ?? null) === null) {
    throw new AppError(
      "BAD_REQUEST",
      `${LABELS.clientSecret} is required for the token auth method ${input.tokenAuthMethod}; paste the secret from your provider (or choose the token auth method none for a public client).`,
    )
  }
  if (needsSecret && newSecret === null && change?.secretMustBeReentered) {
    throw new AppError(
      "BAD_REQUEST",
      `${LABELS.clientSecret} must be pasted again because the ${change.what} changed: the stored secret is only sent to the endpoints it was entered for. Paste the secret for this client (members will need to reconnect).`,
    )
  }
  const secretScope = { workspaceId, purpose: "oauth_client_secret" } as const
  const at = nowIso()
  // The secret is written first and the document second, so a document never points at a value
  // that was not stored; a failed document write deletes the new value again. A changed client's
  // secret goes under a new ref: the old one is still needed to revoke the old client's tokens.
  let clientSecretRef: string | null = needsSecret ? (existing?.clientSecretRef ?? null) : null
  let createdRef: string | null = null
  try {
    if (needsSecret && newSecret !== null) {
      const replaced =
        clientSecretRef !== null &&
        !change?.changed &&
        (await services.secrets.replace(clientSecretRef, secretScope, newSecret).then(
          () => true,
          (error: unknown) => {
            // The old value vanished (deleted by hand): a new one is stored instead.
            if (error instanceof SecretNotFound) return false
            throw error
          },
        ))
      if (!replaced) {
        createdRef = await services.secrets.put(secretScope, newSecret)
        clientSecretRef = createdRef
      }
    }
  } catch (error) {
    throw secretStoreRefusal(error) ?? error
  }
  const fields = {
    displayName: input.displayName,
    clientId: input.clientId,
    clientSecretRef,
    authorizationUrl: input.authorizationUrl,
    tokenUrl: input.tokenUrl,
    revocationUrl: input.revocationUrl ?? null,
    tokenAuthMethod: input.tokenAuthMethod,
    authorizationParams: input.authorizationParams ?? {},
    updatedByUserId: scope.user.id,
    updatedAt: at,
    // New credentials (or a new way of sending them) answer a recorded client refusal; a new
    // client's document starts without one anyway.
    ...(newSecret !== null || existing?.tokenAuthMethod !== input.tokenAuthMethod ? { lastConnectErrorCode: null, lastConnectErrorAt: null } : {}),
  }
  let saved: OAuthProviderDocument | null
  try {
    if (existing && !change?.changed) {
      saved = await services.store.collection(oauthProviders).updateOne({ id: existing.id }, fields)
    } else if (existing) {
      saved = await replaceProviderDocument(services, existing, { id: newId(), workspaceId, providerKey: input.providerKey, createdByUserId: existing.createdByUserId, createdAt: existing.createdAt, ...fields })
    } else {
      saved = { id: newId(), workspaceId, providerKey: input.providerKey, createdByUserId: scope.user.id, createdAt: at, ...fields }
      await services.store.collection(oauthProviders).insert(saved)
    }
  } catch (error) {
    if (createdRef !== null) await services.secrets.delete(createdRef).catch(() => undefined)
    if ((error as Error).name === "StoreDuplicateError") {
      if (input.create) {
        const winner = await findProvider(services, workspaceId, input.providerKey)
        throw providerExists(winner?.displayName ?? input.displayName, input.providerKey)
      }
      throw new AppError("CONFLICT", `Someone saved ${input.providerKey} at the same time; reload and try again.`)
    }
    throw error
  }
  if (!saved) {
    if (createdRef !== null) await services.secrets.delete(createdRef).catch(() => undefined)
    throw new AppError("CONFLICT", `${input.providerKey} was deleted or changed while saving; reload and save it again.`)
  }
  // A different client: every connection made through the old one is reset (tokens deleted now,
  // revoked at the old revocation endpoint after the request); its members reconnect through the new one.
  const { reset: reconnectRequired, revocations } = existing && change?.changed ? await resetConnections(services, existing) : { reset: 0, revocations: [] }
  // Switching to a public client, or to a new client's secret, drops the secret nobody will use.
  if (existing?.clientSecretRef && existing.clientSecretRef !== clientSecretRef) await services.secrets.delete(existing.clientSecretRef).catch(() => undefined)
  await recordAudit(services.store, {
    workspaceId,
    actorUserId: scope.user.id,
    action: "integration.provider_saved",
    target: { type: "oauth_provider", id: input.providerKey },
    before: existing ? { clientId: existing.clientId, ...endpointOrigins(existing) } : null,
    after: {
      providerKey: input.providerKey,
      created: existing === null,
      secretChanged: newSecret !== null && needsSecret,
      clientChanged: change?.changed ?? false,
      clientId: saved.clientId,
      ...endpointOrigins(saved),
      reconnectRequired,
    },
  })
  // After the state change and its audit: a hanging old endpoint does not hold the save.
  void revokeInBackground(services, revocations)
  return viewOf(services, saved)
}

/**
 * A changed client gets a new document id (the store cannot change an id in place), so
 * connections and in-flight connect attempts bound to the old id are no longer used: the broker
 * and the callback compare ids. Compare-and-delete on updatedAt: a concurrent save wins.
 */
async function replaceProviderDocument(services: WebServices, existing: OAuthProviderDocument, next: OAuthProviderDocument): Promise<OAuthProviderDocument | null> {
  const providers = services.store.collection(oauthProviders)
  if ((await providers.deleteMany({ id: existing.id, updatedAt: existing.updatedAt })) === 0) return null
  try {
    await providers.insert(next)
  } catch (error) {
    // Someone else created the key in the gap: theirs stands. Anything else: put the old one back.
    if ((error as Error).name !== "StoreDuplicateError") await providers.insert(existing).catch(() => undefined)
    throw error
  }
  return next
}

/**
 * Resets every connection made through `old`: each is taken (compare-and-set on its document as
 * read, so a reconnect through the new client that landed first is left alone) and its tokens
 * read and deleted; the revocations at the old client's endpoint are returned for after the
 * request. Its client secret is read first: the save deletes it right after.
 */
async function resetConnections(services: WebServices, old: OAuthProviderDocument): Promise<{ reset: number; revocations: BackgroundRevocation[] }> {
  const target = await revocationTarget(services, old)
  const connections = await services.store.collection(oauthConnections).findMany({ workspaceId: old.workspaceId, providerKey: old.providerKey, providerId: old.id })
  const revocations: BackgroundRevocation[] = []
  let reset = 0
  for (const connection of connections) {
    const taken = await takeConnectionTokens(services, connection.id, old.id, "reset")
    if (!taken) continue
    reset += 1
    if (target) revocations.push({ target, tokens: taken.tokens })
  }
  return { reset, revocations }
}

export async function deleteProvider(services: WebServices, scope: WorkspaceScope, providerKey: string): Promise<{ deleted: boolean; connectionsRemoved: number }> {
  const workspaceId = scope.workspace.id
  const provider = await findProvider(services, workspaceId, providerKey)
  if (!provider) return { deleted: false, connectionsRemoved: 0 }
  // Read before anything is deleted: the tokens die at the provider too (after the request,
  // best effort), through the client that issued them, with its secret.
  const target = await revocationTarget(services, provider)
  const connections = await services.store.collection(oauthConnections).findMany({ workspaceId, providerKey })
  const revocations: BackgroundRevocation[] = []
  for (const connection of connections) {
    if (target && connection.providerId === provider.id) revocations.push({ target, tokens: await readConnectionTokens(services, connection) })
  }
  try {
    for (const connection of connections) await deleteConnectionSecrets(services, connection)
  } catch (error) {
    // Vault unreachable: refused before any document goes, so the admin can simply try again.
    throw secretStoreRefusal(error) ?? error
  }
  const connectionsRemoved = await services.store.collection(oauthConnections).deleteMany({ workspaceId, providerKey })
  await services.store.collection(oauthProviders).deleteMany({ id: provider.id })
  if (provider.clientSecretRef !== null) await services.secrets.delete(provider.clientSecretRef).catch(() => undefined)
  await auditProviderRemoval(services, scope, "integration.provider_deleted", providerKey, { connectionsRemoved })
  void revokeInBackground(services, revocations)
  return { deleted: true, connectionsRemoved }
}

/** The viewer removed something of one provider key (its OAuth client, or their own connection to it): the audit entry names the key. */
export async function auditProviderRemoval(services: Pick<WebServices, "store">, scope: WorkspaceScope, action: "integration.provider_deleted" | "oauth.disconnected", providerKey: string, after?: Readonly<Record<string, unknown>>): Promise<void> {
  await recordAudit(services.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action,
    target: { type: "oauth_provider", id: providerKey },
    before: { providerKey },
    after,
  })
}
