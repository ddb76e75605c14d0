// Every Remix route's loader (GET) and action (POST): who may use it and how to use it
// successfully. The enumeration test reads the route manifest of the build and fails for a loader
// or action missing here. Pages answer a signed-out browser with a redirect to sign-in (where an
// API answers 401); a workspace the caller is not in is 404; a role without the permission 403.

import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import type { Permission } from "#shared/auth/permissions.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { makeApp, makeAppWithAgents, makeAppWithVersions, publishedByAnAdmin } from "./app-fixtures.ts"
import type { World } from "./world.ts"

export type RouteAccess =
  | { readonly access: "public" }
  | { readonly access: "signed-in" }
  | { readonly access: "workspace"; readonly permission: Permission }
  /** The tRPC endpoint: each procedure is enumerated on its own. */
  | { readonly access: "api" }

export interface RouteCall {
  readonly access: RouteAccess
  readonly path: (world: World, caller: HttpPerson) => Promise<string> | string
  /** POST only: the form that succeeds. */
  readonly form?: (world: World, caller: HttpPerson) => Promise<Record<string, string>>
  /** The status of the successful call (default 200). */
  readonly status?: number
}

export interface RouteCase {
  readonly get?: RouteCall
  readonly post?: RouteCall
}

const publicAccess = { access: "public" } as const
const signedIn = { access: "signed-in" } as const
const workspace = (permission: Permission) => ({ access: "workspace", permission }) as const

const otherSessionOf = async (world: World, caller: HttpPerson) => {
  const other = await new HttpPerson(world.server.url).signIn(world.emails.get(caller)!)
  const sessions = await other.must<{ id: string; current: boolean }[]>("query", "auth.sessions")
  return sessions.find((session) => session.current)!.id
}

const appPath = async (world: World, caller: HttpPerson) => `/w/${world.workspaceId}/apps/${(await makeApp(world, caller)).appId}`

/** A built app of the caller's, published for the workspace (an admin) or asked to be (a member, or anyone with `requestReview`). */
const publishedBy = async (world: World, caller: HttpPerson, requestReview = false) => {
  const { appId } = await makeAppWithVersions(world, caller)
  const outcome = await caller.must<{ kind: string; review?: { id: string } }>("mutation", "publishing.publish", {
    workspaceId: world.workspaceId,
    appId,
    visibility: "workspace",
    teamIds: [],
    ...(requestReview ? { requestReview } : {}),
  })
  return { appId, reviewId: outcome.review?.id ?? "" }
}

export const routeCases: Readonly<Record<string, RouteCase>> = {
  // The root loader reads the theme cookie for every page.
  root: { get: { access: publicAccess, path: () => "/" } },
  "routes/_index": { get: { access: publicAccess, path: () => "/" } },
  // Any address no other route answers: a 404 page for everyone.
  "routes/$": {
    get: { access: publicAccess, path: () => "/no/such/page", status: 404 },
    post: { access: publicAccess, path: () => "/no/such/page", form: async () => ({}), status: 404 },
  },
  "routes/theme": {
    get: { access: publicAccess, path: () => "/theme", status: 405 },
    post: { access: publicAccess, path: () => "/theme", form: async () => ({ theme: "dark" }) },
  },
  "routes/healthz": {
    get: { access: publicAccess, path: () => "/healthz" },
    post: { access: publicAccess, path: () => "/healthz", form: async () => ({}), status: 405 },
  },
  "routes/api.trpc.$": { get: { access: { access: "api" }, path: () => "/api/trpc/health" }, post: { access: { access: "api" }, path: () => "/api/trpc/health" } },

  "routes/onboarding": {
    get: { access: publicAccess, path: () => "/onboarding" },
    post: {
      access: publicAccess,
      path: () => "/onboarding",
      form: async (world) => ({ displayName: "New person", email: world.freshEmail(), returnTo: "/" }),
      status: 302,
    },
  },
  // This test server runs auth mode none: the external-mode pages send people to onboarding or
  // do not exist. tests/e2e and the OIDC flow test cover them in external mode.
  "routes/sign-in": { get: { access: publicAccess, path: () => "/sign-in", status: 302 } },
  "routes/auth.oidc.start": {
    get: { access: publicAccess, path: () => "/auth/oidc/start", status: 404 },
    post: { access: publicAccess, path: () => "/auth/oidc/start", form: async () => ({}), status: 405 },
  },
  "routes/auth.oidc.callback": {
    get: { access: publicAccess, path: () => "/auth/oidc/callback?state=x&code=y", status: 404 },
    post: { access: publicAccess, path: () => "/auth/oidc/callback", form: async () => ({}), status: 405 },
  },
  // OAuth Connect's return: an unknown state is refused with a 303 to /oauth/not-completed and
  // nothing stored; the whole flow and its refusals are proven in
  // tests/integrations/oauth-connect.integration.test.ts.
  "routes/api.oauth.callback": {
    get: { access: publicAccess, path: () => "/api/oauth/callback?state=unknown&code=y", status: 303 },
    post: { access: publicAccess, path: () => "/api/oauth/callback", form: async () => ({}), status: 405 },
  },
  // Where the callback sends an attempt it could not trust: a page for anyone, naming a known reason only.
  "routes/oauth.not-completed": { get: { access: publicAccess, path: () => "/oauth/not-completed?reason=expired" } },
  "routes/auth.sign-out": {
    // A GET cannot sign anyone out: a link or an image on another site could.
    get: { access: publicAccess, path: () => "/auth/sign-out", status: 405 },
    post: { access: publicAccess, path: () => "/auth/sign-out", form: async () => ({}), status: 302 },
  },

  "routes/workspaces.new": {
    get: { access: signedIn, path: () => "/workspaces/new" },
    post: { access: signedIn, path: () => "/workspaces/new", form: async () => ({ name: "From the form" }), status: 302 },
  },
  "routes/account": {
    get: { access: signedIn, path: () => "/account" },
    post: { access: signedIn, path: () => "/account", form: async (world, caller) => ({ sessionId: await otherSessionOf(world, caller) }) },
  },
  "routes/invitations.$token": {
    get: { access: publicAccess, path: async (world) => `/invitations/${(await world.invite()).token}` },
    post: {
      access: signedIn,
      path: async (world, caller) => `/invitations/${(await world.invite(world.emails.get(caller))).token}`,
      form: async () => ({}),
      status: 302,
    },
  },

  "routes/w.$workspaceId": { get: { access: workspace("workspace:view"), path: (world) => `/w/${world.workspaceId}` } },
  "routes/w.$workspaceId._index": {
    get: { access: workspace("workspace:view"), path: (world) => `/w/${world.workspaceId}` },
    post: { access: workspace("workspace:manage"), path: (world) => `/w/${world.workspaceId}?index`, form: async () => ({ name: "Acme" }) },
  },
  "routes/w.$workspaceId.settings.members": {
    get: { access: workspace("members:view"), path: (world) => `/w/${world.workspaceId}/settings/members` },
    post: {
      access: workspace("members:manage"),
      path: (world) => `/w/${world.workspaceId}/settings/members`,
      form: async (world) => ({ intent: "changeRole", userId: (await world.join("member")).userId, role: "admin" }),
    },
  },
  "routes/w.$workspaceId.settings.invitations": {
    get: { access: workspace("members:invite"), path: (world) => `/w/${world.workspaceId}/settings/invitations` },
    post: {
      access: workspace("members:invite"),
      path: (world) => `/w/${world.workspaceId}/settings/invitations`,
      form: async (world) => ({ intent: "create", email: world.freshEmail(), role: "member" }),
    },
  },
  "routes/w.$workspaceId.settings.teams": {
    get: { access: workspace("teams:view"), path: (world) => `/w/${world.workspaceId}/settings/teams` },
    post: {
      access: workspace("teams:manage"),
      path: (world) => `/w/${world.workspaceId}/settings/teams`,
      form: async (world) => ({ intent: "create", name: `Form team ${world.freshEmail()}`.slice(0, 80) }),
    },
  },
  "routes/w.$workspaceId.settings.audit": {
    get: { access: workspace("audit:read"), path: (world) => `/w/${world.workspaceId}/settings/audit?action=member.` },
    post: {
      access: workspace("workspace:manage"),
      path: (world) => `/w/${world.workspaceId}/settings/audit`,
      form: async () => ({ intent: "retention", retentionDays: "forever" }),
    },
  },
  // A download link a person follows: signed out it goes to sign-in and back, like a page.
  "routes/api.w.$workspaceId.audit.export": {
    get: { access: workspace("audit:read"), path: (world) => `/api/w/${world.workspaceId}/audit/export?format=csv&action=member.` },
    post: { access: publicAccess, path: (world) => `/api/w/${world.workspaceId}/audit/export`, form: async () => ({}), status: 405 },
  },
  "routes/w.$workspaceId.settings.integrations": {
    get: { access: workspace("integrations:manage"), path: (world) => `/w/${world.workspaceId}/settings/integrations` },
    post: {
      access: workspace("integrations:manage"),
      path: (world) => `/w/${world.workspaceId}/settings/integrations`,
      form: async (world) => ({
        intent: "saveProvider",
        isNew: "1",
        providerKey: `form-${world.freshEmail().replace(/[^a-z0-9]/g, "")}`.slice(0, 48),
        displayName: "Form provider",
        clientId: "form-client",
        clientSecret: "form-client-secret",
        authorizationUrl: "https://oauth.example.com/authorize",
        tokenUrl: "https://oauth.example.com/token",
        revocationUrl: "",
        tokenAuthMethod: "client_secret_post",
        authorizationParams: "",
      }),
    },
  },
  "routes/w.$workspaceId.settings.usage": {
    get: { access: workspace("usage:read"), path: (world) => `/w/${world.workspaceId}/settings/usage?groupBy=person` },
  },
  "routes/api.w.$workspaceId.usage[.]csv": {
    get: { access: workspace("usage:read"), path: (world) => `/api/w/${world.workspaceId}/usage.csv?groupBy=runtime` },
    post: { access: publicAccess, path: (world) => `/api/w/${world.workspaceId}/usage.csv`, form: async () => ({}), status: 405 },
  },
  // Everyone reads them (read-only for members); admins save them.
  "routes/w.$workspaceId.settings.runtime": {
    get: { access: workspace("workspace:view"), path: (world) => `/w/${world.workspaceId}/settings/runtime` },
    post: {
      access: workspace("workspace:manage"),
      path: (world) => `/w/${world.workspaceId}/settings/runtime`,
      form: async () => ({ scripts: "on", externalLinks: "on" }),
    },
  },
  "routes/w.$workspaceId.settings.connected-apps": {
    get: { access: workspace("integrations:connect"), path: (world) => `/w/${world.workspaceId}/settings/connected-apps` },
    // Disconnecting a provider one never connected succeeds and changes nothing.
    post: {
      access: workspace("integrations:connect"),
      path: (world) => `/w/${world.workspaceId}/settings/connected-apps`,
      form: async () => ({ intent: "disconnect", providerKey: "never-connected" }),
    },
  },
  // An API, not a page: signed out is 401, not a redirect, which the "workspace" access kind above
  // cannot express yet, so only that refusal is enumerated here. The outsider's 404 and a
  // member's stream are proven in app/events/workspace-events.integration.test.ts.
  "routes/api.w.$workspaceId.events": {
    get: { access: publicAccess, path: (world) => `/api/w/${world.workspaceId}/events`, status: 401 },
    post: { access: publicAccess, path: (world) => `/api/w/${world.workspaceId}/events`, form: async () => ({}), status: 405 },
  },

  // The app data stream, an API too: only the signed-out refusal fits the kinds above; strangers'
  // and hidden apps' 404s, the scope's 400 and a builder's stream are proven in
  // app/app-data/app-data-hub.integration.test.ts.
  "routes/api.w.$workspaceId.apps.$appId.data.events": {
    get: {
      access: publicAccess,
      path: async (world) => `/api/w/${world.workspaceId}/apps/${(await makeApp(world, world.as("member"))).appId}/data/events`,
      status: 401,
    },
    post: { access: publicAccess, path: (world) => `/api/w/${world.workspaceId}/apps/${"a".repeat(24)}/data/events`, form: async () => ({}), status: 405 },
  },

  // Apps are visible to their creator (and admins), so each case makes its app as the caller.
  "routes/w.$workspaceId.apps._index": {
    get: { access: workspace("apps:build"), path: (world) => `/w/${world.workspaceId}/apps` },
    post: {
      access: workspace("apps:build"),
      path: (world) => `/w/${world.workspaceId}/apps?index`,
      form: async () => ({ prompt: "A tip calculator", runtime: "claude", model: "" }),
      status: 302,
    },
  },
  "routes/w.$workspaceId.apps.$appId": {
    get: { access: workspace("apps:build"), path: async (world, caller) => appPath(world, caller) },
    post: {
      access: workspace("apps:build"),
      path: async (world, caller) => appPath(world, caller),
      form: async () => ({ intent: "rename", name: "Renamed from the form" }),
    },
  },
  // The chat's sends post to the app's route (above) since the chat sits beside every panel.
  "routes/w.$workspaceId.apps.$appId._index": {
    get: { access: workspace("apps:build"), path: async (world, caller) => appPath(world, caller) },
  },
  // The preview on a page of its own, outside the workspace frame.
  "routes/w.$workspaceId_.apps.$appId.view": {
    get: { access: workspace("apps:build"), path: async (world, caller) => `${await appPath(world, caller)}/view` },
  },
  // The published app: the caller (a member) builds it, an admin published it to the workspace.
  "routes/w.$workspaceId_.a.$appId": {
    get: { access: workspace("workspace:view"), path: async (world, caller) => `/w/${world.workspaceId}/a/${(await publishedByAnAdmin(world, caller)).appId}` },
  },
  "routes/w.$workspaceId.apps.$appId.files": {
    get: { access: workspace("apps:build"), path: async (world, caller) => `${await appPath(world, caller)}/files` },
  },
  // The Agents panel: its own approve, revoke and cancel forms. The caller's own app declares the
  // example agents, so approving them (mock-only for a member, live for an admin) succeeds.
  "routes/w.$workspaceId.apps.$appId.agents": {
    get: { access: workspace("apps:build"), path: async (world, caller) => `${await appPath(world, caller)}/agents` },
    post: {
      access: workspace("apps:build"),
      path: async (world, caller) => `/w/${world.workspaceId}/apps/${(await makeAppWithAgents(world, caller)).appId}/agents`,
      form: async () => ({ intent: "approve", expectedHash: agentsConfigHash(exampleAgentsConfig()) }),
    },
  },
  // The Versions panel: the release history above the versions; rollback and unpublish post here.
  "routes/w.$workspaceId.apps.$appId.versions": {
    get: { access: workspace("apps:build"), path: async (world, caller) => `${await appPath(world, caller)}/versions` },
    post: {
      access: workspace("apps:publish"),
      path: async (world, caller) => `/w/${world.workspaceId}/apps/${(await publishedBy(world, caller)).appId}/versions`,
      form: async () => ({ intent: "unpublish" }),
    },
  },
  // Reviews: a member reads the requests of the apps they build; admins decide (here: approve their own request).
  "routes/w.$workspaceId.reviews._index": { get: { access: workspace("apps:build"), path: (world) => `/w/${world.workspaceId}/reviews` } },
  "routes/w.$workspaceId.reviews.$reviewId": {
    get: { access: workspace("apps:build"), path: async (world, caller) => `/w/${world.workspaceId}/reviews/${(await publishedBy(world, caller, true)).reviewId}` },
    post: {
      access: workspace("apps:publish"),
      path: async (world, caller) => `/w/${world.workspaceId}/reviews/${(await publishedBy(world, caller, true)).reviewId}`,
      form: async () => ({ intent: "approve" }),
    },
  },
  // APIs, not pages (401 signed out rather than a redirect), so only the signed-out refusal fits
  // the kinds above; the outsider's and the hidden app's 404, a viewer's stream, and the internal
  // API's bearer token are proven in run-routes.integration.test.ts beside this file.
  "routes/api.runs.$runId.events": {
    get: { access: publicAccess, path: async (world) => `/api/runs/${(await makeApp(world, world.as("member"))).runId}/events`, status: 401 },
    post: { access: publicAccess, path: () => `/api/runs/${"a".repeat(24)}/events`, form: async () => ({}), status: 405 },
  },
  // The telemetry forwarders (app/telemetry): APIs for signed-in pages, 401 signed out; what they
  // forward, and that nothing goes out when disabled, is proven in tests/telemetry.
  "routes/api.analytics": {
    get: { access: publicAccess, path: () => "/api/analytics", status: 405 },
    post: { access: publicAccess, path: () => "/api/analytics", form: async () => ({}), status: 401 },
  },
  "routes/api.analytics.errors": {
    get: { access: publicAccess, path: () => "/api/analytics/errors", status: 405 },
    post: { access: publicAccess, path: () => "/api/analytics/errors", form: async () => ({}), status: 401 },
  },
  "routes/api.analytics.preference": {
    get: { access: publicAccess, path: () => "/api/analytics/preference", status: 405 },
    post: { access: publicAccess, path: () => "/api/analytics/preference", form: async () => ({}), status: 401 },
  },
  // The worker's end-of-turn report: authorized by the internal bearer token, never a session.
  "routes/api.internal.runs.$runId.complete": {
    get: { access: publicAccess, path: async (world) => `/api/internal/runs/${(await makeApp(world, world.as("member"))).runId}/complete`, status: 405 },
    post: {
      access: publicAccess,
      path: async (world) => `/api/internal/runs/${(await makeApp(world, world.as("member"))).runId}/complete`,
      form: async () => ({}),
      status: 401,
    },
  },
  // The broker's builder tool calls: the same bearer token; claims, bodies and answers are proven in
  // tests/runs/tool-execute.integration.test.ts.
  "routes/api.internal.tool-execute": {
    get: { access: publicAccess, path: () => "/api/internal/tool-execute", status: 405 },
    post: { access: publicAccess, path: () => "/api/internal/tool-execute", form: async () => ({}), status: 401 },
  },
  // The worker's build reports: the same bearer token; claims, bodies, numbering and retries are
  // proven in app/apps/app-builds.integration.test.ts.
  "routes/api.internal.app-builds": {
    get: { access: publicAccess, path: () => "/api/internal/app-builds", status: 405 },
    post: { access: publicAccess, path: () => "/api/internal/app-builds", form: async () => ({}), status: 401 },
  },
  // Authorized by the capability in its URL alone, never a session (the sandboxed iframe sends
  // none): anyone holding a preview URL from versions.preview reads that version, and nothing else.
  // Tokens, paths and headers are proven in app/apps/preview-serving.integration.test.ts.
  "routes/preview.$token.$": {
    get: {
      access: publicAccess,
      path: async (world) => {
        const member = world.as("member")
        const { appId } = await makeAppWithVersions(world, member)
        return (await member.must<{ url: string }>("query", "versions.preview", { workspaceId: world.workspaceId, appId })).url
      },
    },
    post: { access: publicAccess, path: () => `/preview/${"a".repeat(40)}/`, form: async () => ({}), status: 405 },
  },
}
