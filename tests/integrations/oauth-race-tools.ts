// Tools the OAuth race tests share (oauth-reconnect-races, oauth-background-revocation): hooks on
// the secret store that pause a flow at a known read or write, a revocation endpoint that holds its
// answers until the test opens it, and readers of what the provider and the secret store hold.
// No timers: every wait is on something the code under test does.

import type { ServerResponse } from "node:http"
import { expect } from "vitest"
import type { SecretScope } from "#shared/secrets/secret-store.ts"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import type { WebServices } from "#app/services.server.ts"
import type { UserDocument } from "#app/store/collections.server.ts"
import type { OAuthWorld } from "./oauth-world.ts"

export type SecretHooks = { get?: (scope: SecretScope) => Promise<void> | void; put?: (scope: SecretScope) => Promise<void> | void }

/** A promise and the function that resolves it. */
export function signal() {
  let fire = () => {}
  const promise = new Promise<void>((resolve) => (fire = resolve))
  return { promise, fire }
}

export function raceTools(world: () => OAuthWorld) {
  const store = () => world().services.store
  const admin = () => world().caller(world().people.admin)
  const request = (user: UserDocument, providerKey: string) => ({ workspaceId: world().workspaceId, userId: user.id, providerKey, requiredScopes: ["mail.read"] })

  function saveInput(providerKey: string, changes: Record<string, unknown> = {}) {
    return {
      workspaceId: world().workspaceId,
      providerKey,
      displayName: "Acme Mail",
      clientId: world().provider.client.clientId,
      clientSecret: world().provider.client.clientSecret,
      authorizationUrl: world().provider.authorizationUrl,
      tokenUrl: world().provider.tokenUrl,
      revocationUrl: world().provider.revocationUrl,
      tokenAuthMethod: world().provider.client.tokenAuthMethod,
      ...changes,
    }
  }

  async function connectedMember(providerKey: string): Promise<UserDocument> {
    const user = await world().newMember()
    const response = await world().connect(await world().browser(user), providerKey)
    expect(response.headers.get("location")).toContain(`connected=${providerKey}`)
    return user
  }

  async function storedToken(user: UserDocument, providerKey: string): Promise<string> {
    const connection = (await world().connection(user, providerKey))!
    return (await world().services.secrets.get(connection.refreshTokenRef!, { workspaceId: world().workspaceId, purpose: "oauth_refresh_token" }))!
  }

  /** Every token value the secret store holds for the workspace (decrypted). */
  async function storedTokenValues(): Promise<string[]> {
    const values: string[] = []
    for (const document of await store().collection(storedSecrets).findMany({ workspaceId: world().workspaceId })) {
      if (document.purpose !== "oauth_refresh_token" && document.purpose !== "oauth_access_token") continue
      const value = await world().services.secrets.get(`local:${document.id}`, { workspaceId: world().workspaceId, purpose: document.purpose })
      if (value !== null) values.push(value)
    }
    return values
  }

  /** Tokens sent to the provider's revocation endpoints, by the path (and query) they were sent to. */
  const revokedAt = (path: string) =>
    world().provider.https.requests.filter((recorded) => recorded.path === path && recorded.method === "POST").map((recorded) => new URLSearchParams(recorded.body).get("token"))

  /**
   * A revocation endpoint that holds every answer until `open()`: a provider that does not answer,
   * for as long as the test wants. `arrived(n)` resolves once n requests are being held.
   */
  function heldRevocationEndpoint(path: string, onArrive?: () => void) {
    const held: { token: string | null; response: ServerResponse }[] = []
    const waiters: { count: number; resolve: () => void }[] = []
    let opened = false
    let answered = 0
    const answer = (response: ServerResponse) => {
      answered += 1
      response.writeHead(200)
      response.end()
    }
    world().provider.https.route(path, (recorded, response) => {
      onArrive?.()
      held.push({ token: new URLSearchParams(recorded.body).get("token"), response })
      if (opened) return answer(response)
      for (const waiter of waiters.filter((waiter) => held.length >= waiter.count)) waiter.resolve()
    })
    return {
      url: `${world().provider.origin}${path}`,
      get answered() {
        return answered
      },
      tokens: () => held.map((entry) => entry.token),
      arrived: (count: number) => new Promise<void>((resolve) => (held.length >= count ? resolve() : waiters.push({ count, resolve }))),
      open() {
        opened = true
        for (const entry of held) if (!entry.response.writableEnded) answer(entry.response)
      },
    }
  }

  /** Runs the hooks before the secret store's get / put (each decides itself when to act); returns a restore function. */
  function hookSecrets(hooks: SecretHooks): () => void {
    const secrets = world().services.secrets as unknown as { get: WebServices["secrets"]["get"]; put: WebServices["secrets"]["put"] }
    const original = { get: secrets.get, put: secrets.put }
    secrets.get = async (ref, scope) => {
      await hooks.get?.(scope)
      return original.get.call(world().services.secrets, ref, scope)
    }
    secrets.put = async (scope, value) => {
      await hooks.put?.(scope)
      return original.put.call(world().services.secrets, scope, value)
    }
    return () => Object.assign(secrets, original)
  }
  return { store, admin, request, saveInput, connectedMember, storedToken, storedTokenValues, revokedAt, heldRevocationEndpoint, hookSecrets }
}
