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
import { deleteConnectionSecrets } from "./connection-store.server.ts"
import { neededProviders, type NeededProvider } from "./needed-providers.server.ts"
import type { ProviderSaveInput } from "./provider-input.server.ts"

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
  }
}

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

export async function saveProvider(services: WebServices, scope: WorkspaceScope, input: ProviderSaveInput): Promise<ProviderView> {
  const workspaceId = scope.workspace.id
  if (services.config.production && new URL(input.authorizationUrl).protocol === "http:") {
    throw new AppError("BAD_REQUEST", "authorizationUrl must use https:// in production.")
  }
  const existing = await findProvider(services, workspaceId, input.providerKey)
  const newSecret = input.clientSecret !== undefined && input.clientSecret !== "" ? input.clientSecret : null
  const needsSecret = input.tokenAuthMethod !== "none"
  if (needsSecret && newSecret === null && (existing?.clientSecretRef ?? null) === null) {
    throw new AppError("BAD_REQUEST", `clientSecret is required for tokenAuthMethod ${input.tokenAuthMethod}; paste the client secret from the provider's console (or choose "none" for a public client).`)
  }
  const secretScope = { workspaceId, purpose: "oauth_client_secret" } as const
  const at = nowIso()
  // The secret is written first and the document second, so a document never points at a value
  // that was not stored; a failed document write deletes the new value again.
  let clientSecretRef: string | null = needsSecret ? (existing?.clientSecretRef ?? null) : null
  let createdRef: string | null = null
  try {
    if (needsSecret && newSecret !== null) {
      const replaced =
        clientSecretRef !== null &&
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
  }
  let saved: OAuthProviderDocument | null
  try {
    if (existing) {
      saved = await services.store.collection(oauthProviders).updateOne({ id: existing.id }, fields)
    } else {
      saved = { id: newId(), workspaceId, providerKey: input.providerKey, createdByUserId: scope.user.id, createdAt: at, ...fields }
      await services.store.collection(oauthProviders).insert(saved)
    }
  } catch (error) {
    if (createdRef !== null) await services.secrets.delete(createdRef).catch(() => undefined)
    if ((error as Error).name === "StoreDuplicateError") throw new AppError("CONFLICT", `Someone saved ${input.providerKey} at the same time; reload and try again.`)
    throw error
  }
  if (!saved) throw new AppError("CONFLICT", `${input.providerKey} was deleted while saving; save it again.`)
  // Switching to a public client drops the secret nobody will use.
  if (existing?.clientSecretRef && clientSecretRef === null) await services.secrets.delete(existing.clientSecretRef).catch(() => undefined)
  await recordAudit(services.store, {
    workspaceId,
    actorUserId: scope.user.id,
    action: "integration.provider_saved",
    target: { type: "oauth_provider", id: input.providerKey },
    after: { providerKey: input.providerKey, created: existing === null, secretChanged: newSecret !== null && needsSecret },
  })
  return viewOf(services, saved)
}

export async function deleteProvider(services: WebServices, scope: WorkspaceScope, providerKey: string): Promise<{ deleted: boolean; connectionsRemoved: number }> {
  const workspaceId = scope.workspace.id
  const provider = await findProvider(services, workspaceId, providerKey)
  if (!provider) return { deleted: false, connectionsRemoved: 0 }
  const connections = await services.store.collection(oauthConnections).findMany({ workspaceId, providerKey })
  try {
    for (const connection of connections) await deleteConnectionSecrets(services, connection)
  } catch (error) {
    // Vault unreachable: refused before any document goes, so the admin can simply try again.
    throw secretStoreRefusal(error) ?? error
  }
  const connectionsRemoved = await services.store.collection(oauthConnections).deleteMany({ workspaceId, providerKey })
  await services.store.collection(oauthProviders).deleteMany({ id: provider.id })
  if (provider.clientSecretRef !== null) await services.secrets.delete(provider.clientSecretRef).catch(() => undefined)
  await recordAudit(services.store, {
    workspaceId,
    actorUserId: scope.user.id,
    action: "integration.provider_deleted",
    target: { type: "oauth_provider", id: providerKey },
    before: { providerKey },
    after: { connectionsRemoved },
  })
  return { deleted: true, connectionsRemoved }
}
