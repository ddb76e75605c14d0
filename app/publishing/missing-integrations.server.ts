// Publishing needs the app's integrations set up (outside local mode): every integration key the
// app declares must have its required secrets stored (static keys) or its provider's OAuth client
// saved (OAuth). Said in words an admin acts on; never a secret or a ref.

import { PUBLISH_REFUSALS, type MissingIntegration } from "#shared/publishing/publishing.ts"
import { AppError } from "../errors.server.ts"
import { integrationGrants, oauthProviders, type IntegrationGrantDocument } from "../integrations/integration-collections.server.ts"
import type { WebServices } from "../services.server.ts"
import type { AppDocument } from "../store/collections.server.ts"
import type { ReleasedIntegration } from "./publishing-collections.server.ts"

/** Local mode (one person, no identity provider) publishes without them: there is nobody else to use the app. */
export const integrationsRequired = (services: Pick<WebServices, "config">) => services.config.authMode === "external"

export const appGrants = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">) =>
  services.store.collection(integrationGrants).findMany({ workspaceId: app.workspaceId, appId: app.id }, { sort: [["domain", 1], ["keySlug", 1]] })

function whatIsMissing(grant: IntegrationGrantDocument, savedProviders: ReadonlySet<string>): string | null {
  switch (grant.authType) {
    case "none":
      return null
    case "static": {
      const unset = grant.secrets.filter((secret) => secret.required && secret.ref === null).map((secret) => secret.name)
      if (unset.length === 0) return null
      return `store the ${unset.length === 1 ? "secret" : "secrets"} ${unset.join(", ")} (Settings → Integrations)`
    }
    case "oauth2":
      if (grant.providerKey !== null && savedProviders.has(grant.providerKey)) return null
      return `add the OAuth client for ${grant.providerKey ?? "its provider"} (Settings → Integrations)`
  }
}

/** What is not set up yet; empty when everything is, or in local mode. */
export async function missingIntegrations(services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">): Promise<MissingIntegration[]> {
  if (!integrationsRequired(services)) return []
  const grants = await appGrants(services, app)
  if (grants.length === 0) return []
  const saved = new Set((await services.store.collection(oauthProviders).findMany({ workspaceId: app.workspaceId })).map((provider) => provider.providerKey))
  return grants.flatMap((grant) => {
    const missing = whatIsMissing(grant, saved)
    return missing ? [{ domain: grant.domain, name: grant.name, missing }] : []
  })
}

/** 409 integrations_setup_required naming each missing piece, unless everything is set up. */
export async function requireIntegrationsSetUp(services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">): Promise<void> {
  const missing = await missingIntegrations(services, app)
  if (missing.length === 0) return
  const list = missing.map((item) => `${item.name} (${item.domain}): ${item.missing}`).join("; ")
  throw new AppError(
    "CONFLICT",
    `Set up the app's integrations before publishing it — a workspace admin must ${missing.length === 1 ? "" : "do each of these: "}${list}.`,
    PUBLISH_REFUSALS.integrationsSetupRequired,
  )
}

/** What a release keeps of the app's integration keys, for later reviews' diffs. */
export const releasedIntegrations = (grants: readonly IntegrationGrantDocument[]): ReleasedIntegration[] =>
  grants.map((grant) => ({
    domain: grant.domain,
    keySlug: grant.keySlug,
    name: grant.name,
    authType: grant.authType,
    providerKey: grant.providerKey,
    scopes: [...grant.requiredScopes],
  }))
