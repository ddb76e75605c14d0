// Which OAuth providers the workspace's apps ask for (their oauth2 grants, synced from each app's
// integration-setup.json), with the scopes they need: to prefill the admin's form, to list what a
// member can connect, and to request exactly those scopes when someone connects.

import { canUseApp, needsTeamsToDecide, teamIdsOf } from "../../apps/app-access.server.ts"
import type { WebServices } from "../../services.server.ts"
import { apps } from "../../store/collections.server.ts"
import type { WorkspaceScope } from "../../workspaces/scope.server.ts"
import { integrationGrants, type IntegrationGrantDocument, type TokenAuthMethod } from "../integration-collections.server.ts"

export interface NeededProvider {
  readonly providerKey: string
  /** The service's name as the first app's integration-setup.json gives it ("Acme CRM"): prefills the display name. */
  readonly suggestedName: string
  readonly configured: boolean
  readonly scopes: string[]
  /** As the apps' integration-setup.json declares them; "" when no grant carries them. */
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

/** The apps of the workspace the viewer builds or uses published (their tools call as them), as a filter for providerNeeds. */
export async function visibleAppFilter(services: Pick<WebServices, "store">, scope: WorkspaceScope): Promise<(appId: string) => boolean> {
  const all = await services.store.collection(apps).findMany({ workspaceId: scope.workspace.id })
  const teamIds = all.some((app) => needsTeamsToDecide(app, scope)) ? await teamIdsOf(services.store, scope.workspace.id, scope.user.id) : []
  const visible = new Set(all.filter((app) => canUseApp(app, scope, teamIds)).map((app) => app.id))
  return (appId) => visible.has(appId)
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

/** The endpoints the apps' integration-setup.json declares for the provider (the first grant that has them). */
function declaredEndpoints(grants: readonly IntegrationGrantDocument[]) {
  const declared = grants.find((grant) => grant.oauthEndpoints)?.oauthEndpoints
  return declared ?? { authorizationUrl: "", tokenUrl: "", tokenAuthMethod: "client_secret_post" as TokenAuthMethod }
}

export async function neededProviders(services: Pick<WebServices, "store">, workspaceId: string, configured: ReadonlySet<string>): Promise<NeededProvider[]> {
  const needs = await providerNeeds(services, workspaceId)
  return [...needs]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([providerKey, need]) => ({
      providerKey,
      suggestedName: need.grants[0]?.name ?? "",
      configured: configured.has(providerKey),
      scopes: need.scopes,
      apps: need.apps,
      ...declaredEndpoints(need.grants),
    }))
}
