// What the app's keys look like to an admin (integrationKeys.list, Settings → Integrations) and to
// the builder (list_app_integration_keys): what each key is for, which secrets it declares and
// whether each is stored (never a value or a ref), and whether the key is configured — every
// required secret stored (static), the provider's OAuth client saved (oauth2), always (none).

import type { IntegrationKey, IntegrationKeysResult } from "#shared/mcp/builder-tools.ts"
import type { WebServices } from "../../services.server.ts"
import { apps } from "../../store/collections.server.ts"
import { integrationGrants, oauthProviders, type IntegrationGrantDocument } from "../integration-collections.server.ts"

/** The grant's own fields as they are stored; the rest is read out of its JSON and its secrets. */
export interface KeyView extends Pick<IntegrationGrantDocument, "domain" | "keySlug" | "name" | "keyName" | "capabilityLabel" | "why" | "authType" | "providerKey" | "requiredScopes"> {
  readonly permissionGroups: { name: string; description: string; permissions: string[] }[]
  readonly setupInstructions: { overview: string; steps: { title: string; description: string; url?: string }[]; links: { label: string; url: string }[] }
  readonly secrets: { name: string; label: string; description: string; required: boolean; configured: boolean; updatedAt: string | null }[]
  readonly configured: boolean
  readonly syncedAt: string
}

export interface AppKeysView {
  readonly apps: { appId: string; name: string; keys: KeyView[] }[]
}

/** Provider keys with a saved OAuth client in the workspace. */
async function savedProviders(services: WebServices, workspaceId: string): Promise<Set<string>> {
  return new Set((await services.store.collection(oauthProviders).findMany({ workspaceId })).map((provider) => provider.providerKey))
}

function isConfigured(grant: IntegrationGrantDocument, providers: ReadonlySet<string>): boolean {
  switch (grant.authType) {
    case "none":
      return true
    case "static":
      return grant.secrets.every((secret) => !secret.required || secret.ref !== null)
    case "oauth2":
      return grant.providerKey !== null && providers.has(grant.providerKey)
  }
}

const byKey = (a: IntegrationGrantDocument, b: IntegrationGrantDocument) => a.domain.localeCompare(b.domain) || a.keySlug.localeCompare(b.keySlug)

function keyView(grant: IntegrationGrantDocument, providers: ReadonlySet<string>): KeyView {
  const instructions = JSON.parse(grant.setupInstructionsJson) as { overview: string; steps: { title: string; description: string; url: string | null }[]; links: { label: string; url: string }[] }
  return {
    domain: grant.domain,
    keySlug: grant.keySlug,
    name: grant.name,
    keyName: grant.keyName,
    capabilityLabel: grant.capabilityLabel,
    why: grant.why,
    authType: grant.authType,
    providerKey: grant.providerKey,
    requiredScopes: [...grant.requiredScopes],
    permissionGroups: JSON.parse(grant.permissionGroupsJson) as KeyView["permissionGroups"],
    setupInstructions: {
      overview: instructions.overview,
      steps: instructions.steps.map(({ url, ...step }) => (url === null ? step : { ...step, url })),
      links: instructions.links,
    },
    secrets: grant.secrets.map((secret) => ({
      name: secret.name,
      label: secret.label,
      description: secret.description,
      required: secret.required,
      configured: secret.ref !== null,
      updatedAt: secret.ref !== null ? secret.updatedAt : null,
    })),
    configured: isConfigured(grant, providers),
    syncedAt: grant.syncedAt,
  }
}

/** Every app of the workspace that has keys (apps being deleted left out), by app name, keys by domain and slug. */
export async function listAppKeys(services: WebServices, workspaceId: string): Promise<AppKeysView> {
  const grants = await services.store.collection(integrationGrants).findMany({ workspaceId })
  if (grants.length === 0) return { apps: [] }
  const providers = await savedProviders(services, workspaceId)
  const appIds = [...new Set(grants.map((grant) => grant.appId))]
  const found = await services.store.collection(apps).findMany({ workspaceId, id: { in: appIds } })
  return {
    apps: found
      .filter((app) => !app.deleting)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .map((app) => ({
        appId: app.id,
        name: app.name,
        keys: grants
          .filter((grant) => grant.appId === app.id)
          .sort(byKey)
          .map((grant) => keyView(grant, providers)),
      })),
  }
}

/** list_app_integration_keys: this app's keys only, for one domain when asked. */
export async function integrationKeysOfApp(services: WebServices, app: { readonly workspaceId: string; readonly id: string }, domain: string | null): Promise<IntegrationKeysResult> {
  const filter = { workspaceId: app.workspaceId, appId: app.id, ...(domain ? { domain: domain.trim().toLowerCase() } : {}) }
  const grants = (await services.store.collection(integrationGrants).findMany(filter)).sort(byKey)
  const providers = grants.some((grant) => grant.authType === "oauth2") ? await savedProviders(services, app.workspaceId) : new Set<string>()
  return {
    keys: grants.map(
      (grant): IntegrationKey => ({
        domain: grant.domain,
        keySlug: grant.keySlug,
        auth: grant.authType === "oauth2" ? "oauth" : grant.authType,
        providerKey: grant.providerKey,
        configured: isConfigured(grant, providers),
        secrets: grant.secrets.map((secret) => ({ name: secret.name, required: secret.required, configured: secret.ref !== null })),
        scopes: [...grant.requiredScopes],
      }),
    ),
  }
}
