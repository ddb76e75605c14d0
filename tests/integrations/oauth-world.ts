// The world the OAuth integration tests share: a fake OAuth provider on real HTTPS (reached only
// through the test egress mapping), a real SQLite file, the real local secret store, live
// coordination (in-process, or a real redis-server), a workspace with an admin and two members,
// and browsers: each a real session cookie sent with real Requests to the real tRPC resource
// route and /api/oauth/callback loader, redirects not followed, so tests see every 303.

import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Secret } from "#shared/config/secret.ts"
import { newId } from "#shared/ids.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { parseEncryptionKey } from "#shared/secrets/envelope.ts"
import { SESSION_COOKIE, signSessionToken } from "#app/auth/session-cookie.server.ts"
import { createSession } from "#app/auth/sessions.server.ts"
import { integrationGrants, oauthConnections, type OAuthConnectionDocument } from "#app/integrations/integration-collections.server.ts"
import * as callbackRoute from "#app/routes/api.oauth.callback.ts"
import * as trpcRoute from "#app/routes/api.trpc.$.ts"
import { createLocalSecretStore } from "#app/secrets/local-secret-store.server.ts"
import type { WebServices } from "#app/services.server.ts"
import { allCollections, apps, memberships, users, workspaces, type UserDocument } from "#app/store/collections.server.ts"
import { openSqliteStore } from "#app/store/sqlite-store.server.ts"
import type { DurableStore } from "#app/store/store.server.ts"
import { createCaller } from "#app/trpc/root.server.ts"
import { startFakeOAuthProvider, type FakeOAuthProvider } from "#tests/fixtures/fake-oauth-provider.ts"

export const PUBLIC_URL = "http://second.test:4198"
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }
const at = () => new Date().toISOString()

export interface OAuthServicesOptions {
  readonly file: string
  readonly live: LiveCoordination
  readonly provider: FakeOAuthProvider
  readonly sessionKey: Uint8Array
  readonly encryptionKey: string
}

/** One web process's services: its own store handle and live client on the shared file and Redis. */
export function openOAuthServices(options: OAuthServicesOptions): WebServices {
  const store = openSqliteStore({ file: options.file, collections: allCollections })
  const secrets = createLocalSecretStore({ store, current: parseEncryptionKey(options.encryptionKey) })
  return {
    store,
    live: options.live,
    secrets,
    secretStoreStatus: { kind: "local", ready: true, message: null },
    egress: options.provider.https.policy(),
    log: quiet,
    config: { publicUrl: new URL(PUBLIC_URL), production: false, oauthEnabled: true, authMode: "none", internalApiToken: new Secret("internal"), runLeaseMs: 60_000 },
    auth: { sessionKey: options.sessionKey, sessionKeySource: "session-secret", provider: null },
  } as unknown as WebServices
}

/** A tRPC error as the resource route answers it (init.server.ts's errorFormatter). */
export interface TrpcErrorBody {
  readonly message: string
  readonly data: { readonly code: string; readonly reasonCode?: string; readonly issues?: { readonly path: string; readonly message: string }[] | null }
}

/** A browser: one session cookie, Requests to the in-process routes, redirects not followed. */
export class Browser {
  constructor(
    readonly user: UserDocument,
    readonly sessionId: string,
    readonly cookie: string,
    private readonly services: () => WebServices,
  ) {}

  async get(path: string): Promise<Response> {
    return dispatch(this.services(), new Request(new URL(path, PUBLIC_URL), { headers: { cookie: this.cookie } }))
  }

  async trpc<T>(kind: "query" | "mutation", procedure: string, input: unknown): Promise<{ status: number; data: T | null; error: TrpcErrorBody | null }> {
    const request =
      kind === "query"
        ? new Request(`${PUBLIC_URL}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie: this.cookie } })
        : new Request(`${PUBLIC_URL}/api/trpc/${procedure}`, { method: "POST", headers: { cookie: this.cookie, "content-type": "application/json", origin: PUBLIC_URL }, body: JSON.stringify(input) })
    const response = await dispatch(this.services(), request)
    const body = (await response.json()) as { result?: { data: T }; error?: TrpcErrorBody }
    return { status: response.status, data: body.result?.data ?? null, error: body.error ?? null }
  }
}

async function dispatch(services: WebServices, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname
  const args = { request, params: {}, context: { services, cspNonce: "test" } } as unknown as LoaderFunctionArgs & ActionFunctionArgs
  try {
    if (path.startsWith("/api/trpc/")) return await (request.method === "GET" ? trpcRoute.loader(args) : trpcRoute.action(args))
    if (path === "/api/oauth/callback") return await callbackRoute.loader(args)
  } catch (thrown) {
    if (thrown instanceof Response) return thrown
    throw thrown
  }
  return new Response("no route", { status: 404 })
}

export interface OAuthWorld {
  readonly provider: FakeOAuthProvider
  readonly services: WebServices
  readonly file: string
  readonly workspaceId: string
  readonly people: { readonly admin: UserDocument; readonly member: UserDocument; readonly otherMember: UserDocument }
  readonly sessionKey: Uint8Array
  readonly encryptionKey: string
  caller(user: UserDocument): ReturnType<typeof createCaller>
  browser(user: UserDocument): Promise<Browser>
  /** Saves the fake provider as the workspace's `providerKey` client. */
  saveProvider(providerKey?: string): Promise<void>
  /** An app of the member's whose grant needs `scopes` of `providerKey`. */
  grantApp(scopes: readonly string[], providerKey?: string): Promise<string>
  /** Another member of the workspace, for a test that needs a person with no history. */
  newMember(): Promise<UserDocument>
  /**
   * Starts a connect in `browser` (extra `connections.start` input such as returnTo) and lets the
   * provider consent; returns the callback's path (not yet visited) and the state.
   */
  consented(browser: Browser, providerKey?: string, start?: Readonly<Record<string, unknown>>): Promise<{ callback: string; state: string }>
  /** The whole connect flow in `browser`; returns the callback's response. */
  connect(browser: Browser, providerKey?: string): Promise<Response>
  connection(user: UserDocument, providerKey?: string): Promise<OAuthConnectionDocument | null>
  close(): Promise<void>
}

export interface OAuthWorldOptions {
  /** A real Redis to use for live coordination (default: in-process). */
  readonly redisUrl?: string
  /** Key prefix on that Redis (a second process of the same deployment uses the same one). */
  readonly redisPrefix?: string
  readonly tokenAuthMethod?: "client_secret_basic" | "client_secret_post" | "none"
}

export const PROVIDER_KEY = "acme"

export async function createOAuthWorld(options: OAuthWorldOptions = {}): Promise<OAuthWorld> {
  const provider = await startFakeOAuthProvider(options.tokenAuthMethod ? { tokenAuthMethod: options.tokenAuthMethod } : {})
  const dir = mkdtempSync(join(tmpdir(), "second-oauth-"))
  const file = join(dir, "second.db")
  const live = options.redisUrl ? await createRedisLive({ url: options.redisUrl, prefix: options.redisPrefix ?? `oauth-test-${newId()}:` }) : createMemoryLive()
  const sessionKey = new Uint8Array(randomBytes(32))
  const encryptionKey = randomBytes(32).toString("hex")
  const services = openOAuthServices({ file, live, provider, sessionKey, encryptionKey })
  const store: DurableStore = services.store

  const person = async (name: string): Promise<UserDocument> => {
    const user: UserDocument = { id: newId(), email: `${name}@example.com`, emailNormalized: `${name}@example.com`, displayName: name, createdAt: at(), updatedAt: at() }
    await store.collection(users).insert(user)
    return user
  }
  const admin = await person("grace")
  const member = await person("ada")
  const otherMember = await person("linus")
  const workspaceId = newId()
  // Apps grantApp made: shared with every member (newMember included), since a connect asks only
  // for the scopes of the apps the connecting person can see.
  const grantedAppIds: string[] = []
  const extraMembers: string[] = []
  await store.collection(workspaces).insert({ id: workspaceId, name: "Acme", slug: `acme-${workspaceId}`, createdByUserId: admin.id, defaultTeamId: newId(), createdAt: at(), updatedAt: at() })
  for (const [user, role] of [[admin, "admin"], [member, "member"], [otherMember, "member"]] as const) {
    await store.collection(memberships).insert({ id: newId(), workspaceId, userId: user.id, role, source: "local", createdAt: at(), updatedAt: at() })
  }

  const world: OAuthWorld = {
    provider,
    services,
    file,
    workspaceId,
    people: { admin, member, otherMember },
    sessionKey,
    encryptionKey,
    caller(user) {
      const session = { id: newId(), userId: user.id, authMode: "none" as const, createdAt: at(), expiresAt: at(), lastSeenAt: at(), userAgent: "test" }
      return createCaller({ services, request: new Request(`${PUBLIC_URL}/api/trpc`), viewer: { user, session } })
    },
    async browser(user) {
      const { token, session } = await createSession(store, { userId: user.id, authMode: "none", userAgent: "test browser" })
      return new Browser(user, session.id, `${SESSION_COOKIE}=${signSessionToken(token, sessionKey)}`, () => services)
    },
    async saveProvider(providerKey = PROVIDER_KEY) {
      await world.caller(admin).oauthProviders.save({
        workspaceId,
        providerKey,
        displayName: "Acme Mail",
        clientId: provider.client.clientId,
        clientSecret: provider.client.clientSecret,
        authorizationUrl: provider.authorizationUrl,
        tokenUrl: provider.tokenUrl,
        revocationUrl: provider.revocationUrl,
        tokenAuthMethod: provider.client.tokenAuthMethod,
        authorizationParams: { access_type: "offline" },
      })
    },
    async grantApp(scopes, providerKey = PROVIDER_KEY) {
      const appId = newId()
      await store.collection(apps).insert({
        id: appId, workspaceId, name: "Inbox helper", prompt: "Read my mail", createdByUserId: member.id, collaboratorUserIds: [otherMember.id, ...extraMembers],
        runtime: "claude", model: null, activeRunId: null, runtimeSessions: {}, snapshotId: null, createdAt: at(), updatedAt: at(),
      })
      await store.collection(integrationGrants).insert({
        id: newId(), workspaceId, appId, domain: "provider.test", keySlug: "default", name: "Acme Mail", keyName: "Acme Mail", capabilityLabel: "Read mail",
        why: "To read mail", authType: "oauth2", providerKey, requiredScopes: [...scopes], permissionGroupsJson: "[]", setupInstructionsJson: "{}",
        secrets: [], requestedByUserId: admin.id, syncedAt: at(), updatedAt: at(),
      })
      grantedAppIds.push(appId)
      return appId
    },
    async newMember() {
      const user = await person(`person-${newId().slice(0, 6)}`)
      await store.collection(memberships).insert({ id: newId(), workspaceId, userId: user.id, role: "member", source: "local", createdAt: at(), updatedAt: at() })
      extraMembers.push(user.id)
      for (const appId of grantedAppIds) {
        const app = await store.collection(apps).findOne({ id: appId })
        await store.collection(apps).updateOne({ id: appId }, { collaboratorUserIds: [...(app?.collaboratorUserIds ?? []), user.id] })
      }
      return user
    },
    async consented(browser, providerKey = PROVIDER_KEY, start = {}) {
      const started = await browser.trpc<{ authorizationUrl: string }>("mutation", "connections.start", { workspaceId, providerKey, ...start })
      if (!started.data) throw new Error(`connections.start failed: ${JSON.stringify(started.error)}`)
      const consent = await provider.visit(started.data.authorizationUrl)
      if (consent.status !== 302 || !consent.location) throw new Error(`the provider did not redirect back (${consent.status})`)
      const back = new URL(consent.location)
      return { callback: `${back.pathname}${back.search}`, state: back.searchParams.get("state")! }
    },
    async connect(browser, providerKey = PROVIDER_KEY) {
      return browser.get((await this.consented(browser, providerKey)).callback)
    },
    connection: (user, providerKey = PROVIDER_KEY) => store.collection(oauthConnections).findOne({ workspaceId, userId: user.id, providerKey }),
    async close() {
      await Promise.allSettled([live.close(), store.close()])
      await provider.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return world
}
