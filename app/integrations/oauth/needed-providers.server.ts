// Which OAuth providers the workspace's apps ask for (their oauth2 grants, synced from each app's
// integration-setup.json), with the scopes they need: to prefill the admin's form, to list what a
// member can connect, and to request exactly those scopes when someone connects.

import type { WebServices } from "../../services.server.ts"
import { apps } from "../../store/collections.server.ts"
import { integrationGrants, type IntegrationGrantDocument, type TokenAuthMethod } from "../integration-collections.server.ts"

export interface NeededProvider {
  readonly providerKey: string
  readonly configured: boolean
  readonly scopes: string[]
  /** From the grant's setup instructions when the builder gave them; "" otherwise. */
  readonly authorizationUrl: string
  readonly tokenUrl: string
  readonly tokenAuthMethod: TokenAuthMethod
  readonly apps: { appId: string; name: string }[]
}

export interface ProviderNeed {
  readonly scopes: string[]
  readonly apps: { appId: string; name: string }[]
  readonly grants: IntegrationGrantDocument[]
}

/** oauth2 grants by provider key; `appFilter` narrows to apps a viewer can see. */
export async function providerNeeds(services: Pick<WebServices, "store">, workspaceId: string, appFilter?: (appId: string) => boolean): Promise<Map<string, ProviderNeed>> {
  const grants = await services.store.collection(integrationGrants).findMany({ workspaceId, authType: "oauth2" })
  const appIds = [...new Set(grants.map((grant) => grant.appId))]
  const appDocs = appIds.length === 0 ? [] : await services.store.collection(apps).findMany({ workspaceId, id: { in: appIds } })
  const names = new Map(appDocs.map((app) => [app.id, app.name]))
  const needs = new Map<string, { scopes: Set<string>; apps: Map<string, string>; grants: IntegrationGrantDocument[] }>()
  for (const grant of grants) {
    // A grant of a deleted app asks for nothing.
    if (grant.providerKey === null || !names.has(grant.appId)) continue
    if (appFilter && !appFilter(grant.appId)) continue
    const need = needs.get(grant.providerKey) ?? { scopes: new Set<string>(), apps: new Map<string, string>(), grants: [] }
    for (const scope of grant.requiredScopes) need.scopes.add(scope)
    need.apps.set(grant.appId, names.get(grant.appId)!)
    need.grants.push(grant)
    needs.set(grant.providerKey, need)
  }
  return new Map(
    [...needs].map(([key, need]) => [
      key,
      { scopes: [...need.scopes].sort(), apps: [...need.apps].map(([appId, name]) => ({ appId, name })), grants: need.grants },
    ]),
  )
}

/** The grant's declared endpoints, when its setup JSON carries them (agents.json auth blocks do). */
function declaredEndpoints(grants: readonly IntegrationGrantDocument[]) {
  for (const grant of grants) {
    try {
      const setup: unknown = JSON.parse(grant.setupInstructionsJson)
      const record = typeof setup === "object" && setup !== null ? (setup as Record<string, unknown>) : {}
      // NOTE: the grant document has no endpoint fields of its own; these are read from its setup JSON when the sync kept the auth block there.
      const auth = record["auth"] ?? record["oauth"]
      if (typeof auth === "object" && auth !== null) {
        const record = auth as Record<string, unknown>
        const text = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : "")
        const method = text("tokenAuthMethod")
        return {
          authorizationUrl: text("authorizationUrl"),
          tokenUrl: text("tokenUrl"),
          tokenAuthMethod: (["client_secret_basic", "client_secret_post", "none"].includes(method) ? method : "client_secret_post") as TokenAuthMethod,
        }
      }
    } catch {
      // Unreadable setup JSON: nothing to prefill.
    }
  }
  return { authorizationUrl: "", tokenUrl: "", tokenAuthMethod: "client_secret_post" as TokenAuthMethod }
}

export async function neededProviders(services: Pick<WebServices, "store">, workspaceId: string, configured: ReadonlySet<string>): Promise<NeededProvider[]> {
  const needs = await providerNeeds(services, workspaceId)
  return [...needs]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([providerKey, need]) => ({ providerKey, configured: configured.has(providerKey), scopes: need.scopes, apps: need.apps, ...declaredEndpoints(need.grants) }))
}
