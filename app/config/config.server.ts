// The web tier's configuration: every variable it reads, validated once at boot into a typed
// object. Business code receives this object; it never reads process.env.

import { isIP } from "node:net"
import { isRole, type Role } from "#shared/auth/permissions.ts"
import { checkRedisUrl } from "#shared/config/redis-url.ts"
import { absolutePath, flag, integer, oneOf, parseEnv, requireThat, secret, text, url, type Env, type Parsed } from "#shared/config/env.ts"
import { host, internalApiToken, isLoopbackHost, nodeEnv, port } from "#shared/config/common.ts"
import type { Secret } from "#shared/config/secret.ts"
import { parseSentryDsn } from "#shared/telemetry/sentry-dsn.ts"
import { tokenEncryptionKey, tokenEncryptionKeyPrevious } from "./encryption-key.server.ts"
import { DOMAIN_PATTERN } from "#shared/agents/agents-config.ts"
import type { EgressTestConfig } from "../integrations/egress-policy.server.ts"
import { DEFAULT_WORKER_URL, workerDiscoverySpec, workerUrlsSpec, type WorkerDiscovery } from "./worker-urls.server.ts"

export const webEnvSpec = {
  nodeEnv,
  host,
  port,
  authMode: oneOf("SECOND_AUTH_MODE", ["none", "external"], {
    describe: "none = local sign-in by name and email (development only); external = auth provider extension",
    example: "external",
  }),
  publicUrl: url("SECOND_PUBLIC_URL", {
    describe: "public origin browsers use; must be HTTPS in production (OAuth redirects are built from it)",
    example: "https://second.example.com",
    protocols: ["https:", "http:"],
    originOnly: true,
  }),
  workerUrls: workerUrlsSpec,
  workerDiscovery: workerDiscoverySpec,
  mongodbUri: secret("MONGODB_URI", {
    describe: "MongoDB connection string with a database name (replica set); unset = embedded SQLite file",
    example: "mongodb://mongo:27017/second?replicaSet=rs0",
  }),
  redisUrl: secret("REDIS_URL", {
    describe: "Redis for live state (run streams, events, OAuth state, locks); unset = in-process (one process only)",
    example: "redis://redis:6379",
  }),
  internalApiToken,
  noAuthSessionSecret: secret("SECOND_NO_AUTH_SESSION_SECRET", {
    describe: "signs none-mode session cookies so they survive restarts (at least 32 characters)",
    example: "$(openssl rand -hex 32)",
    minLength: 32,
  }),
  workosApiKey: secret("WORKOS_API_KEY", {
    describe: "WorkOS API key; when set, integration and OAuth secrets are kept in WorkOS Vault",
    example: "sk_live_...",
  }),
  tokenEncryptionKey,
  tokenEncryptionKeyPrevious,
  workosApiUrl: url("SECOND_WORKOS_API_URL", {
    describe: "tests only: where the WorkOS API is reached (default https://api.workos.com); https only in production",
    example: "http://127.0.0.1:8089",
    protocols: ["https:", "http:"],
    originOnly: true,
  }),
  oauthDisabled: flag("SECOND_OAUTH_DISABLED", {
    describe: "1 turns OAuth integrations off (then production needs neither WorkOS nor an encryption key)",
    example: "1",
  }),
  trustProxy: flag("SECOND_TRUST_PROXY", {
    describe: "1 when a reverse proxy you control sets X-Forwarded-Proto and X-Forwarded-Host; otherwise those headers are ignored",
    example: "1",
  }),
  allowNoneAuthOnNetwork: flag("SECOND_ALLOW_NONE_AUTH_ON_NETWORK", {
    describe: "1 lets none auth mode listen beyond loopback, where anyone who reaches it can sign in as anyone",
    example: "1",
  }),
  oidcIssuer: url("SECOND_OIDC_ISSUER", {
    describe: "external mode: your OpenID Connect issuer (its /.well-known/openid-configuration is read)",
    example: "https://login.example.com/realms/acme",
    protocols: ["https:", "http:"],
  }),
  oidcClientId: text("SECOND_OIDC_CLIENT_ID", {
    describe: "external mode: the client id registered with the issuer",
    example: "second",
  }),
  oidcClientSecret: secret("SECOND_OIDC_CLIENT_SECRET", {
    describe: "external mode: the client secret (unset for a public client using PKCE only)",
    example: "...",
  }),
  oidcScopes: text("SECOND_OIDC_SCOPES", {
    describe: "external mode: space-separated scopes (default: openid email profile)",
    example: "openid email profile groups",
  }),
  oidcRoleClaim: text("SECOND_OIDC_ROLE_CLAIM", {
    describe: "external mode: the claim holding a person's role or groups (default second_role); unknown values mean member",
    example: "groups",
  }),
  oidcRoleMap: text("SECOND_OIDC_ROLE_MAP", {
    describe: "external mode: claim values that grant roles, value=role pairs; anything unmapped means member",
    example: "second-owners=owner,second-admins=admin",
  }),
  oidcEmailsVerified: flag("SECOND_OIDC_EMAILS_VERIFIED", {
    describe: "external mode: 1 treats every email the issuer sends as verified (only for issuers that own their users' addresses)",
    example: "1",
  }),
  oidcWorkspace: text("SECOND_OIDC_WORKSPACE", {
    describe: "external mode: the workspace everyone from the issuer joins with their mapped role (unset: none)",
    example: "Acme",
  }),
  dataDir: text("SECOND_DATA_DIR", {
    describe: "directory for the embedded store and generated local secrets (default ./.second-dev)",
    example: "/var/lib/second",
  }),
  runLeaseSeconds: integer("SECOND_RUN_LEASE_SECONDS", {
    min: 2,
    max: 600,
    describe: "a run whose worker stops heartbeating for this long is marked failed and retryable (default 20)",
    example: "20",
  }),
  maxConnections: integer("SECOND_MAX_CONNECTIONS", {
    min: 64,
    max: 1_000_000,
    describe: "most client connections one web process holds at once (default 4096); live event streams get three quarters of them",
    example: "4096",
  }),
  perfTrace: flag("SECOND_PERF_TRACE", {
    describe: "1 logs route timings, counts, CPU and memory (never payloads or secrets) for diagnosis",
    example: "1",
  }),
  telemetryDisabled: flag("SECOND_TELEMETRY_DISABLED", {
    describe: "1 turns off every kind of telemetry, whatever else is set",
    example: "1",
  }),
  posthogToken: text("SECOND_POSTHOG_TOKEN", {
    describe: "PostHog project token; product analytics are off unless this is set",
    example: "phc_...",
  }),
  posthogHost: url("SECOND_POSTHOG_HOST", {
    describe: "PostHog ingestion origin",
    example: "https://us.i.posthog.com",
    protocols: ["https:"],
    originOnly: true,
  }),
  posthogDisabled: flag("SECOND_POSTHOG_DISABLED", { describe: "1 turns product analytics off", example: "1" }),
  sentryDsn: text("SECOND_SENTRY_DSN", {
    describe: "Sentry DSN for server errors; error reporting is off unless a DSN is set",
    example: "https://key@o0.ingest.us.sentry.io/0",
  }),
  browserSentryDsn: text("NEXT_PUBLIC_SENTRY_DSN", {
    describe: "Sentry DSN for browser errors (name kept for compatibility with Second's checklist)",
    example: "https://key@o0.ingest.us.sentry.io/0",
  }),
  sentryDisabled: flag("SECOND_SENTRY_DISABLED", { describe: "1 turns error reporting off", example: "1" }),
  errorReportingDisabled: flag("SECOND_ERROR_REPORTING_DISABLED", {
    describe: "1 turns error reporting off (alias of SECOND_SENTRY_DISABLED)",
    example: "1",
  }),
  sentryAuthToken: secret("SENTRY_AUTH_TOKEN", {
    describe: "CI only: uploads source maps at build time; never set it on a running server",
    example: "sntrys_...",
  }),
  egressTestHosts: text("SECOND_EGRESS_TEST_HOSTS", {
    describe: "tests only (refused in production): host=address pairs agent tools resolve that way, and exactly those addresses are allowed",
    example: "provider.test=127.0.0.1:8443",
  }),
  egressTestCa: absolutePath("SECOND_EGRESS_TEST_CA", {
    describe: "tests only (refused in production): a PEM CA agent tool calls trust besides the usual roots",
    example: "/tmp/fake-provider/ca.pem",
  }),
} as const

export interface TelemetryConfig {
  readonly posthog: { readonly token: string; readonly host: URL } | null
  readonly sentry: { readonly serverDsn: string | null; readonly browserDsn: string | null } | null
}

export interface OidcConfig {
  readonly issuer: URL
  readonly clientId: string
  readonly clientSecret: Secret | undefined
  readonly scopes: readonly string[]
  readonly roleClaim: string
  /** Claim value → role. Values not listed (and not themselves a role name) map to member. */
  readonly roleMap: Readonly<Record<string, Role>>
  readonly workspaceName: string | null
  /** Issuers that never send email_verified (but own their users' addresses) can be trusted wholesale. */
  readonly emailsVerified: boolean
}

export interface WebConfig {
  readonly production: boolean
  readonly host: string
  readonly port: number
  readonly authMode: "none" | "external"
  readonly publicUrl: URL
  /** The workers WORKER_URL names (127.0.0.1:3001 when unset and discovery is off); an allowlist when discovery is on. */
  readonly workerUrls: readonly URL[]
  /** redis: every worker registered in the live port is used (within `workerUrls` when WORKER_URL is set). */
  readonly workerDiscovery: WorkerDiscovery
  readonly mongodbUri: Secret | undefined
  readonly redisUrl: Secret | undefined
  readonly internalApiToken: Secret | undefined
  readonly noAuthSessionSecret: Secret | undefined
  readonly workosApiKey: Secret | undefined
  readonly tokenEncryptionKey: Secret | undefined
  /** Keys a rotation is moving away from: still decrypt, never encrypt. */
  readonly tokenEncryptionKeyPrevious: readonly Secret[]
  /** WorkOS API origin (Vault); only tests point it elsewhere. */
  readonly workosApiUrl: URL
  readonly oauthEnabled: boolean
  readonly trustProxy: boolean
  readonly oidc: OidcConfig | null
  readonly dataDir: string
  readonly perfTrace: boolean
  /** Client connections one process holds at once; keep it well under the process's file limit. */
  readonly maxConnections: number
  /** How long a run's lease lasts without a heartbeat from its worker. */
  readonly runLeaseMs: number
  readonly telemetry: TelemetryConfig
  /** Test-only egress exceptions (never in production); null = the production egress rule alone. */
  readonly egressTest: EgressTestConfig | null
}

export const DEFAULT_WEB_PORT = 3000
export const DEFAULT_MAX_CONNECTIONS = 4096

/** Parses and cross-checks the web configuration. Throws a one-line ConfigError on the first problem. */
export function loadWebConfig(env: Env): WebConfig {
  const raw = parseEnv(webEnvSpec, env)
  const production = raw.nodeEnv === "production"
  const port = raw.port ?? DEFAULT_WEB_PORT
  const host = raw.host ?? (production ? "0.0.0.0" : "127.0.0.1")
  const oauthEnabled = raw.oauthDisabled !== true

  if (production) {
    requireThat(raw.internalApiToken !== undefined, webEnvSpec.internalApiToken, "is required in production")
    requireThat(raw.publicUrl !== undefined, webEnvSpec.publicUrl, "is required in production")
    requireThat(raw.publicUrl?.protocol === "https:", webEnvSpec.publicUrl, "must be an https:// origin in production")
    requireThat(raw.workerUrls !== undefined || raw.workerDiscovery === "redis", webEnvSpec.workerUrls, "is required in production (or set SECOND_WORKER_DISCOVERY=redis)")
    requireThat(
      raw.mongodbUri !== undefined,
      webEnvSpec.mongodbUri,
      "is required in production (the embedded SQLite store is for `npm start` on one machine)",
    )
    requireThat(
      raw.redisUrl !== undefined,
      webEnvSpec.redisUrl,
      "is required in production (web and worker share live state through Redis)",
    )
    requireThat(
      !oauthEnabled || raw.workosApiKey !== undefined || raw.tokenEncryptionKey !== undefined,
      webEnvSpec.tokenEncryptionKey,
      "is required in production when OAuth integrations are on and WORKOS_API_KEY is not set (or set SECOND_OAUTH_DISABLED=1)",
    )
    requireThat(
      raw.workosApiUrl === undefined || raw.workosApiUrl.protocol === "https:",
      webEnvSpec.workosApiUrl,
      "must be an https:// origin in production",
    )
    const testOnly = "is for tests only and is refused when NODE_ENV=production; unset it"
    requireThat(raw.egressTestHosts === undefined, webEnvSpec.egressTestHosts, testOnly)
    requireThat(raw.egressTestCa === undefined, webEnvSpec.egressTestCa, testOnly)
  }
  requireThat(
    raw.tokenEncryptionKeyPrevious.length === 0 || raw.tokenEncryptionKey !== undefined,
    webEnvSpec.tokenEncryptionKeyPrevious,
    "needs SECOND_TOKEN_ENCRYPTION_KEY set to the new key (previous keys only decrypt)",
  )
  const authMode = raw.authMode ?? "none"
  requireThat(
    authMode !== "none" || isLoopbackHost(host) || raw.allowNoneAuthOnNetwork === true,
    webEnvSpec.host,
    "must be a loopback address while SECOND_AUTH_MODE=none, because anyone who reaches the server can sign in as anyone (set SECOND_AUTH_MODE=external, or SECOND_ALLOW_NONE_AUTH_ON_NETWORK=1 to accept that)",
    "127.0.0.1",
  )
  const workerDiscovery = raw.workerDiscovery ?? "off"
  requireThat(workerDiscovery !== "redis" || raw.redisUrl !== undefined, webEnvSpec.workerDiscovery, "is redis, which needs REDIS_URL (workers register there); set REDIS_URL, or leave discovery off", "off")
  const oidc = authMode === "external" ? oidcConfig(raw, production) : null
  if (raw.mongodbUri !== undefined) checkMongoUri(raw.mongodbUri)
  if (raw.redisUrl !== undefined) checkRedisUrl(raw.redisUrl, webEnvSpec.redisUrl)

  const notDsn = "must be a Sentry DSN like https://<key>@<host>/<project>"
  requireThat(raw.sentryDsn === undefined || parseSentryDsn(raw.sentryDsn) !== null, webEnvSpec.sentryDsn, notDsn)
  requireThat(raw.browserSentryDsn === undefined || parseSentryDsn(raw.browserSentryDsn) !== null, webEnvSpec.browserSentryDsn, notDsn)
  const publicHost = isLoopbackHost(host) || host === "0.0.0.0" ? "127.0.0.1" : host
  const telemetryOff = raw.telemetryDisabled === true
  const sentryOff = telemetryOff || raw.sentryDisabled === true || raw.errorReportingDisabled === true
  const sentryConfigured = raw.sentryDsn !== undefined || raw.browserSentryDsn !== undefined

  return {
    production,
    host,
    port,
    authMode,
    publicUrl: raw.publicUrl ?? new URL(`http://${publicHost}:${port}`),
    // Discovery alone names no URL; without either, the one local worker of development.
    workerUrls: raw.workerUrls ?? (workerDiscovery === "redis" ? [] : [new URL(DEFAULT_WORKER_URL)]),
    workerDiscovery,
    mongodbUri: raw.mongodbUri,
    redisUrl: raw.redisUrl,
    internalApiToken: raw.internalApiToken,
    noAuthSessionSecret: raw.noAuthSessionSecret,
    workosApiKey: raw.workosApiKey,
    tokenEncryptionKey: raw.tokenEncryptionKey,
    tokenEncryptionKeyPrevious: raw.tokenEncryptionKeyPrevious,
    workosApiUrl: raw.workosApiUrl ?? new URL("https://api.workos.com"),
    oauthEnabled,
    trustProxy: raw.trustProxy === true,
    oidc,
    dataDir: raw.dataDir ?? ".second-dev",
    perfTrace: raw.perfTrace === true,
    maxConnections: raw.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    runLeaseMs: (raw.runLeaseSeconds ?? 20) * 1000,
    egressTest: egressTestConfig(raw),
    telemetry: {
      posthog:
        telemetryOff || raw.posthogDisabled === true || raw.posthogToken === undefined
          ? null
          : { token: raw.posthogToken, host: raw.posthogHost ?? new URL("https://us.i.posthog.com") },
      sentry:
        sentryOff || !sentryConfigured
          ? null
          : { serverDsn: raw.sentryDsn ?? null, browserDsn: raw.browserSentryDsn ?? null },
    },
  }
}

function oidcConfig(raw: Parsed<typeof webEnvSpec>, production: boolean): OidcConfig {
  const issuer = raw.oidcIssuer
  requireThat(issuer !== undefined, webEnvSpec.oidcIssuer, "is required when SECOND_AUTH_MODE=external")
  requireThat(
    issuer?.protocol === "https:" || (!production && isLoopbackHost(issuer?.hostname ?? "")),
    webEnvSpec.oidcIssuer,
    "must be an https:// URL (http:// only for a loopback issuer outside production)",
  )
  requireThat(
    issuer?.search === "" && issuer.hash === "" && issuer.username === "" && issuer.password === "",
    webEnvSpec.oidcIssuer,
    "must not carry a query, fragment or credentials",
  )
  requireThat(raw.oidcClientId !== undefined, webEnvSpec.oidcClientId, "is required when SECOND_AUTH_MODE=external")
  return {
    issuer: issuer!,
    clientId: raw.oidcClientId!,
    clientSecret: raw.oidcClientSecret,
    scopes: (raw.oidcScopes ?? "openid email profile").split(/\s+/).filter(Boolean),
    roleClaim: raw.oidcRoleClaim ?? "second_role",
    roleMap: parseRoleMap(raw.oidcRoleMap),
    workspaceName: raw.oidcWorkspace ?? null,
    emailsVerified: raw.oidcEmailsVerified === true,
  }
}

function parseRoleMap(value: string | undefined): Record<string, Role> {
  const map: Record<string, Role> = {}
  for (const pair of (value ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
    const [claimValue, role] = pair.split("=").map((part) => part.trim())
    requireThat(
      claimValue !== undefined && claimValue !== "" && isRole(role),
      webEnvSpec.oidcRoleMap,
      `must be value=role pairs with roles owner, admin or member (got ${JSON.stringify(pair)})`,
    )
    map[claimValue!] = role as Role
  }
  return map
}

function egressTestConfig(raw: Parsed<typeof webEnvSpec>): EgressTestConfig | null {
  if (raw.egressTestHosts === undefined && raw.egressTestCa === undefined) return null
  const hosts = new Map<string, string>()
  const ports = new Map<string, number>()
  for (const pair of (raw.egressTestHosts ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
    const [host = "", target = ""] = pair.split("=").map((part) => part.trim())
    // An optional port ("127.0.0.1:43123", "[::1]:43123"): a fake provider listens on any port,
    // while the tools' URLs, like production ones, name none.
    const withPort = /^(?:\[([0-9a-f:.]+)\]|([0-9.]+)):(\d{1,5})$/i.exec(target)
    const address = withPort ? (withPort[1] ?? withPort[2] ?? "") : target
    const port = withPort ? Number(withPort[3]) : null
    requireThat(
      DOMAIN_PATTERN.test(host) && isIP(address) !== 0 && (port === null || (port > 0 && port < 65_536)),
      webEnvSpec.egressTestHosts,
      `must be host=address or host=address:port pairs with a lower-case host name and an IP address (got ${JSON.stringify(pair)})`,
    )
    hosts.set(host, address)
    if (port !== null) ports.set(host, port)
  }
  return { hosts, ...(ports.size > 0 ? { ports } : {}), caFile: raw.egressTestCa ?? null }
}

function checkMongoUri(value: Secret) {
  const uri = value.reveal()
  const match = /^mongodb(\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri)
  requireThat(
    /^mongodb(\+srv)?:\/\//.test(uri),
    webEnvSpec.mongodbUri,
    "must start with mongodb:// or mongodb+srv://",
  )
  requireThat(match !== null && match[2] !== "", webEnvSpec.mongodbUri, "must name a database after the host (…/second)")
}

