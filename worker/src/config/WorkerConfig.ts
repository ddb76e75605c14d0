// The worker's configuration as a service: parsed once from the environment at boot (one-line
// errors, see shared/config/env.ts) and handed to every layer that needs it.

import { existsSync } from "node:fs"
import { hostname } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Context, Layer } from "effect"
import { host, internalApiToken, isLoopbackHost, nodeEnv, port } from "#shared/config/common.ts"
import { absolutePath, flag, integer, oneOf, parseEnv, requireThat, secret, text, url, type Env } from "#shared/config/env.ts"
import { checkRedisUrl } from "#shared/config/redis-url.ts"
import type { Secret } from "#shared/config/secret.ts"
import { errorReportingEnv, sentryDsnFrom } from "#shared/telemetry/error-reporting-env.ts"

const providerKey = (name: string, describe: string, example: string) => secret(name, { describe, example })

export const workerEnvSpec = {
  nodeEnv,
  host,
  port,
  internalApiToken,
  toolExecuteUrl: url("TOOL_EXECUTE_URL", {
    describe: "the web's tool-execution route as the worker reaches it",
    example: "http://web:3000/api/internal/tool-execute",
    protocols: ["http:", "https:"],
  }),
  webUrl: url("WEB_URL", {
    describe: "the web's origin as the worker reaches it, for the other /api/internal/* routes (default: TOOL_EXECUTE_URL's origin)",
    example: "http://web:3000",
    protocols: ["http:", "https:"],
    originOnly: true,
  }),
  redisUrl: secret("REDIS_URL", {
    describe: "the web's Redis, where the worker writes run event streams and announces itself (worker registry); unset = only in the embedded process",
    example: "redis://redis:6379",
  }),
  anthropicApiKey: providerKey("ANTHROPIC_API_KEY", "Claude Code provider key", "sk-ant-..."),
  codexApiKey: providerKey("CODEX_API_KEY", "Codex provider key (preferred over OPENAI_API_KEY for Codex)", "sk-..."),
  openaiApiKey: providerKey("OPENAI_API_KEY", "OpenAI key for Codex and OpenCode", "sk-..."),
  googleApiKey: providerKey("GOOGLE_API_KEY", "Google key for OpenCode's Gemini models", "AIza..."),
  geminiApiKey: providerKey("GEMINI_API_KEY", "Gemini key for OpenCode (alias of GOOGLE_API_KEY)", "AIza..."),
  claudePath: absolutePath("SECOND_CLAUDE_PATH", {
    describe: "claude executable when it is not on the worker's PATH",
    example: "/usr/local/bin/claude",
  }),
  codexPath: absolutePath("SECOND_CODEX_PATH", {
    describe: "codex executable when it is not on the worker's PATH",
    example: "/usr/local/bin/codex",
  }),
  opencodePath: absolutePath("SECOND_OPENCODE_PATH", {
    describe: "opencode executable when it is not on the worker's PATH",
    example: "/usr/local/bin/opencode",
  }),
  codexAppServerWarm: flag("SECOND_CODEX_APP_SERVER_WARM", {
    describe: "0 disables the warm Codex app-server per app in local development (always off in production)",
    example: "0",
  }),
  allowCodexLocalAuth: flag("SECOND_ALLOW_CODEX_LOCAL_AUTH", {
    describe: "1 seeds Codex with the worker user's local Codex login (isolated deployments only)",
    example: "1",
  }),
  workspacesDir: text("SECOND_WORKSPACES_DIR", {
    describe: "where apps' working directories and runtimes' private homes live (default ./.second-dev/worker; not under /tmp)",
    example: "/var/lib/second/workspaces",
  }),
  anthropicBaseUrl: url("ANTHROPIC_BASE_URL", {
    describe: "Anthropic API endpoint for Claude Code (a gateway or proxy); default: Anthropic's",
    example: "https://anthropic-gateway.internal",
    protocols: ["https:", "http:"],
  }),
  openaiBaseUrl: url("OPENAI_BASE_URL", {
    describe: "OpenAI-compatible endpoint for Codex and OpenCode (a gateway or proxy); default: OpenAI's",
    example: "https://openai-gateway.internal/v1",
    protocols: ["https:", "http:"],
  }),
  runtimeSandbox: oneOf("SECOND_RUNTIME_SANDBOX", ["auto", "bubblewrap", "none"], {
    describe: "auto runs runtimes inside bubblewrap when it works here; bubblewrap requires it; none never uses it",
    example: "bubblewrap",
  }),
  codexSandbox: oneOf("SECOND_CODEX_SANDBOX", ["workspace-write", "danger-full-access"], {
    describe: "Codex's own sandbox for its commands; danger-full-access only where the container itself is the sandbox (default workspace-write)",
    example: "danger-full-access",
  }),
  turnTimeoutSeconds: integer("SECOND_TURN_TIMEOUT_SECONDS", {
    min: 10,
    max: 86_400,
    describe: "longest a single turn may run before it is stopped (default 1800)",
    example: "1800",
  }),
  turnIdleTimeoutSeconds: integer("SECOND_TURN_IDLE_TIMEOUT_SECONDS", {
    min: 5,
    max: 86_400,
    describe: "longest a turn may go without any output before it is stopped (default 300)",
    example: "300",
  }),
  sessionIdleSeconds: integer("SECOND_SESSION_IDLE_SECONDS", {
    min: 5,
    max: 86_400,
    describe: "an idle session is closed and its processes stopped after this many seconds (default 900)",
    example: "900",
  }),
  appTemplateDir: text("SECOND_APP_TEMPLATE_DIR", {
    describe: "the template new apps start from, its node_modules prepared by npm ci (default: templates/react-app of this checkout)",
    example: "/app/templates/react-app",
  }),
  // At most 120 s: the runtimes wait 180 s for a tool (MCP_TOOL_TIMEOUT_MS), and recording the
  // build with the web may take up to ~46 s more (three attempts of 15 s).
  buildTimeoutMs: integer("SECOND_BUILD_TIMEOUT_MS", {
    min: 1,
    max: 120_000,
    describe: "longest each step of an app's build (vite build, the typecheck) may run, in milliseconds, at most 120000 (the default)",
    example: "120000",
  }),
  perfTrace: flag("SECOND_PERF_TRACE", {
    describe: "1 logs a JSON line per request (web) and per turn phase (worker): timings, counts, CPU, memory; never payloads or secrets",
    example: "1",
  }),
  workerUrl: url("SECOND_WORKER_URL", {
    describe: "this worker's origin as the webs reach it, announced in the worker registry (default http://HOST:PORT, the machine's hostname when HOST is 0.0.0.0)",
    example: "http://10.0.3.7:3001",
    protocols: ["http:", "https:"],
    originOnly: true,
  }),
  workerName: text("SECOND_WORKER_NAME", {
    describe: "this worker's name in the registry and logs; its id adds a random suffix per start (default: the hostname's first label, lowercased, other characters as '-'; else \"worker\")",
    example: "worker-a",
  }),
  workerConcurrency: integer("SECOND_WORKER_CONCURRENCY", {
    min: 1,
    max: 10_000,
    describe: "most turns (builder messages and app agent runs together) this worker runs at once; beyond it, 503 worker_busy (default 8)",
    example: "8",
  }),
  workerDrainSeconds: integer("SECOND_WORKER_DRAIN_SECONDS", {
    min: 0,
    max: 86_400,
    describe: "on SIGTERM, how long the worker lets running turns finish (taking no new ones) before stopping them (default 120)",
    example: "120",
  }),
  ...errorReportingEnv,
  claudeSubprocessEnvScrub: flag("CLAUDE_CODE_SUBPROCESS_ENV_SCRUB", {
    describe: "0 turns off Claude Code's subprocess env scrubbing (needs bwrap on Linux when on); escape hatch only",
    example: "1",
  }),
} as const

export interface ProviderKeys {
  readonly anthropic: Secret | undefined
  readonly codex: Secret | undefined
  readonly openai: Secret | undefined
  readonly google: Secret | undefined
  readonly gemini: Secret | undefined
}

export interface WorkerSettings {
  readonly production: boolean
  readonly host: string
  readonly port: number
  readonly internalApiToken: Secret | undefined
  readonly webUrl: URL
  readonly toolExecuteUrl: URL
  /** Where run streams go; unset in the embedded process, which hands the worker its own live port. */
  readonly redisUrl: Secret | undefined
  readonly providerKeys: ProviderKeys
  readonly runtimePaths: { readonly claude?: string; readonly codex?: string; readonly opencode?: string }
  readonly codexAppServerWarm: boolean
  readonly allowCodexLocalAuth: boolean
  readonly claudeSubprocessEnvScrub: boolean
  readonly workspacesDir: string
  readonly providerEndpoints: { readonly anthropic: URL | undefined; readonly openai: URL | undefined }
  readonly runtimeSandbox: "auto" | "bubblewrap" | "none"
  /** Never upgraded silently: production containers that are themselves the sandbox say so explicitly. */
  readonly codexSandbox: "workspace-write" | "danger-full-access"
  readonly turnTimeoutMs: number
  readonly turnIdleTimeoutMs: number
  readonly sessionIdleMs: number
  /** The app template (absolute): scaffolded into new apps; its node_modules is every app's. */
  readonly appTemplateDir: string
  readonly buildTimeoutMs: number
  /** SECOND_PERF_TRACE=1: one line per turn phase on stdout (worker/src/perf). Absent: off. */
  readonly perfTrace?: boolean
  /** Where worker errors are reported (worker/src/telemetry). Null or absent: off (no DSN, or a disable flag). */
  readonly sentryDsn?: string | null
  /**
   * The origin the webs reach this worker at, announced in the registry. Port 0 (a derived default
   * under PORT=0) stands for the port the server bound.
   */
  readonly workerUrl: URL
  /** The worker's name (a short slug); its registry id adds a random suffix per start. */
  readonly workerName: string
  /** Most turns at once, builder and agent together. */
  readonly workerConcurrency: number
  /** How long a shutdown lets running turns finish before stopping them. */
  readonly drainMs: number
}

export const DEFAULT_WORKER_PORT = 3001

/** A worker name: a DNS label (what pod and host names are), so it reads well in ids and logs. */
export const WORKER_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** The hostname's first label as a worker name ("Worker_7.example.com" becomes "worker-7"). */
export function workerNameFrom(host: string): string {
  const slug = (host.split(".")[0] ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "")
  return WORKER_NAME_PATTERN.test(slug) ? slug : "worker"
}

/** The unspecified addresses as URL.hostname writes them (http://0:1 and http://[0:0::0]:1 included). */
const UNSPECIFIED_HOSTS = ["0.0.0.0", "[::]"]

/** A loopback origin (localhost, 127.0.0.0/8, [::1]): only this machine reaches it. */
export function isLoopbackUrl(url: URL): boolean {
  const name = url.hostname.toLowerCase()
  return isLoopbackHost(name) || name === "[::1]" || name.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(name)
}

/** http://HOST:PORT as another machine reaches it: a wildcard listen address stands for this machine's hostname. */
export function derivedWorkerUrl(host: string, port: number, machine = hostname()): URL {
  const reachable = ["0.0.0.0", "::", ""].includes(host) ? machine : host
  return new URL(`http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`)
}
const TOOL_EXECUTE_PATH = "/api/internal/tool-execute"
const TEMPLATE_PATH = join("templates", "react-app")

/**
 * The checkout's app template. The worker runs from source (worker/src/config) and bundled
 * (build/node), at different depths: the nearest ancestor of this module holding the template is
 * the checkout; the working directory is the fallback.
 */
export function defaultAppTemplateDir(moduleUrl = import.meta.url): string {
  let directory = dirname(fileURLToPath(moduleUrl))
  for (;;) {
    if (existsSync(join(directory, TEMPLATE_PATH, "package.json"))) return join(directory, TEMPLATE_PATH)
    const parent = dirname(directory)
    if (parent === directory) return resolve(TEMPLATE_PATH)
    directory = parent
  }
}

/** Parses and cross-checks the worker configuration. Throws a one-line ConfigError on the first problem. */
export function loadWorkerConfig(env: Env): WorkerSettings {
  const raw = parseEnv(workerEnvSpec, env)
  const production = raw.nodeEnv === "production"
  if (production) {
    requireThat(raw.internalApiToken !== undefined, workerEnvSpec.internalApiToken, "is required in production")
    requireThat(
      raw.toolExecuteUrl !== undefined || raw.webUrl !== undefined,
      workerEnvSpec.toolExecuteUrl,
      "is required in production (or set WEB_URL)",
    )
  }
  const webUrl = raw.webUrl ?? (raw.toolExecuteUrl ? new URL(raw.toolExecuteUrl.origin) : new URL("http://127.0.0.1:3000"))
  if (raw.workerName !== undefined) {
    requireThat(
      WORKER_NAME_PATTERN.test(raw.workerName),
      workerEnvSpec.workerName,
      `must be 1–63 lowercase letters, digits or '-', starting and ending with a letter or digit (got ${JSON.stringify(raw.workerName.slice(0, 70))})`,
    )
  }
  if (raw.workerUrl !== undefined) {
    requireThat(raw.workerUrl.username === "" && raw.workerUrl.password === "", workerEnvSpec.workerUrl, "must not carry credentials")
    // A listen address, not one to reach: every web would call itself (or nothing) at it.
    requireThat(
      !UNSPECIFIED_HOSTS.includes(raw.workerUrl.hostname),
      workerEnvSpec.workerUrl,
      `must be an address the webs can reach, not ${raw.workerUrl.hostname} (which only means "every interface" to a server; set HOST for that)`,
    )
  }
  if (raw.redisUrl !== undefined) checkRedisUrl(raw.redisUrl, workerEnvSpec.redisUrl)
  const host = raw.host ?? "127.0.0.1"
  const port = raw.port ?? DEFAULT_WORKER_PORT
  const runtimePaths = {
    ...(raw.claudePath ? { claude: raw.claudePath } : {}),
    ...(raw.codexPath ? { codex: raw.codexPath } : {}),
    ...(raw.opencodePath ? { opencode: raw.opencodePath } : {}),
  }
  return {
    production,
    host,
    port,
    internalApiToken: raw.internalApiToken,
    webUrl,
    toolExecuteUrl: raw.toolExecuteUrl ?? new URL(TOOL_EXECUTE_PATH, webUrl),
    redisUrl: raw.redisUrl,
    providerKeys: {
      anthropic: raw.anthropicApiKey,
      codex: raw.codexApiKey,
      openai: raw.openaiApiKey,
      google: raw.googleApiKey,
      gemini: raw.geminiApiKey,
    },
    runtimePaths,
    // Warm app-servers are a local-development convenience only.
    codexAppServerWarm: !production && raw.codexAppServerWarm !== false,
    allowCodexLocalAuth: raw.allowCodexLocalAuth === true,
    claudeSubprocessEnvScrub: raw.claudeSubprocessEnvScrub !== false,
    workspacesDir: resolve(raw.workspacesDir ?? ".second-dev/worker"),
    providerEndpoints: { anthropic: raw.anthropicBaseUrl, openai: raw.openaiBaseUrl },
    runtimeSandbox: raw.runtimeSandbox ?? "auto",
    codexSandbox: raw.codexSandbox ?? "workspace-write",
    turnTimeoutMs: (raw.turnTimeoutSeconds ?? 1800) * 1000,
    turnIdleTimeoutMs: (raw.turnIdleTimeoutSeconds ?? 300) * 1000,
    sessionIdleMs: (raw.sessionIdleSeconds ?? 900) * 1000,
    appTemplateDir: raw.appTemplateDir ? resolve(raw.appTemplateDir) : defaultAppTemplateDir(),
    buildTimeoutMs: raw.buildTimeoutMs ?? 120_000,
    perfTrace: raw.perfTrace === true,
    sentryDsn: sentryDsnFrom(raw),
    workerUrl: raw.workerUrl ?? derivedWorkerUrl(host, port),
    workerName: raw.workerName ?? workerNameFrom(hostname()),
    workerConcurrency: raw.workerConcurrency ?? 8,
    drainMs: (raw.workerDrainSeconds ?? 120) * 1000,
  }
}

export class WorkerConfig extends Context.Service<WorkerConfig, WorkerSettings>()("worker/WorkerConfig") {
  static readonly layer = (settings: WorkerSettings) => Layer.succeed(WorkerConfig, WorkerConfig.of(settings))
}
