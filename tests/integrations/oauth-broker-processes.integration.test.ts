// Single flight across real web processes: two OS processes (tsx children, broker-process.ts),
// each opening its web services the way the server does on one SQLite file and one real
// redis-server, make 25 concurrent calls each of an approved live agent's OAuth tool whose access
// token has expired. The fake provider holds the one refresh it gets until both processes have
// contended for the refresh lock; then exactly one refresh happened, all 50 calls reached the
// provider's API with the same new token, the rotated refresh token is the one stored, and the
// old one is dead at the provider.

import { spawn, type ChildProcess } from "node:child_process"
import { createHash } from "node:crypto"
import { dirname, resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import { newId } from "#shared/ids.ts"
import { agentsApprovals } from "#app/agents/agent-approval-collections.server.ts"
import { oauthConnections } from "#app/integrations/integration-collections.server.ts"
import { requestTokens, TokenEndpointError } from "#app/integrations/oauth/token-endpoint.server.ts"
import { auditEvents, type UserDocument } from "#app/store/collections.server.ts"
import { eventually, within } from "#tests/fixtures/eventually.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import type { BrokerLine, BrokerTask, CallOutcome } from "./broker-process.ts"
import { createOAuthWorld, PROVIDER_KEY, PUBLIC_URL, type OAuthWorld } from "./oauth-world.ts"
import { storeReleaseWithAgents } from "#tests/publishing/published-release.ts"

const TSX = resolve("node_modules/.bin/tsx")
const CHILD = resolve("tests/integrations/broker-process.ts")
const CALLS_PER_PROCESS = 25
// Variables a developer's shell might carry that would change what the child does.
const NEUTRALIZED = ["NODE_ENV", "MONGODB_URI", "REDIS_URL", "PORT", "HOST", "SECOND_DATA_DIR", "INTERNAL_API_TOKEN", "WORKER_URL", "WORKOS_API_KEY"]
const NEUTRALIZED_PREFIX = "SECOND_"

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex")

/** A web process under test: its JSON lines as they arrive, everything it printed for failures. */
interface WebProcess {
  readonly child: ChildProcess
  readonly lines: BrokerLine[]
  output(): string
  /** Resolves with the first line `match` accepts (fails if the process exits first). */
  next<T extends BrokerLine>(match: (line: BrokerLine) => line is T): Promise<T>
  send(line: string): void
}

const children: ChildProcess[] = []

function startWebProcess(env: Record<string, string>): WebProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !NEUTRALIZED.includes(name) && !name.startsWith(NEUTRALIZED_PREFIX)))
  const child = spawn(TSX, [CHILD], { env: { ...base, ...env } as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] })
  children.push(child)
  const lines: BrokerLine[] = []
  const waiting = new Set<() => void>()
  let printed = ""
  let partial = ""
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8")
    printed += text
    partial += text
    let newline: number
    while ((newline = partial.indexOf("\n")) >= 0) {
      const line = partial.slice(0, newline).trim()
      partial = partial.slice(newline + 1)
      if (line.startsWith("{")) lines.push(JSON.parse(line) as BrokerLine)
    }
    for (const wake of [...waiting]) wake()
  })
  child.stderr!.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")))
  child.once("exit", () => {
    for (const wake of [...waiting]) wake()
  })
  return {
    child,
    lines,
    output: () => printed,
    next<T extends BrokerLine>(match: (line: BrokerLine) => line is T) {
      return new Promise<T>((done, fail) => {
        const check = () => {
          const found = lines.find(match)
          if (found) {
            waiting.delete(check)
            done(found)
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiting.delete(check)
            fail(new Error(`web process ${child.pid} exited (${child.exitCode ?? child.signalCode}) first; it printed:\n${printed}`))
          }
        }
        waiting.add(check)
        check()
      })
    },
    send: (line) => void child.stdin!.write(`${line}\n`),
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((done) => {
    child.once("exit", () => done())
    child.kill("SIGKILL")
  })
}

const isReady = (line: BrokerLine): line is Extract<BrokerLine, { event: "ready" }> => line.event === "ready"
const isDone = (line: BrokerLine): line is Extract<BrokerLine, { event: "done" }> => line.event === "done"
const lockAttempts = (process: WebProcess) => process.lines.filter((line): line is Extract<BrokerLine, { event: "lock" }> => line.event === "lock")

let redis: RedisServer
let world: OAuthWorld
let person: UserDocument
let appId: string
const AGENT_ID = "mail"
const TOOL_NAME = "check_token"

beforeAll(async () => {
  redis = await startRedisServer()
  // The same Redis key prefix the web processes use (openServices has no other): one deployment.
  world = await createOAuthWorld({ redisUrl: redis.url, redisPrefix: "second:" })
  await world.saveProvider()
  appId = await world.grantApp(["mail.read"])
  person = world.people.member

  // The provider's API: 200 for a live access token, 401 otherwise, with the sha256 of the bearer
  // it received (so a web process can report which token it sent without ever printing it).
  world.provider.https.route("/api/token-check", (request, response) => {
    const header = request.headers["authorization"]
    const bearer = typeof header === "string" && header.startsWith("Bearer ") ? header.slice(7) : ""
    const valid = world.provider.liveAccessTokens.has(bearer)
    response.writeHead(valid ? 200 : 401, { "content-type": "application/json" })
    response.end(JSON.stringify({ valid, tokenSha256: sha256(bearer) }))
  })

  // The app's agent, approved live by an admin and published: one OAuth tool on the provider's API.
  const agents: AgentsConfig = {
    agents: [
      {
        id: AGENT_ID,
        name: "Mail",
        description: "Reads the person's mail.",
        systemPrompt: "Help with mail.",
        tools: [
          {
            type: "custom",
            name: TOOL_NAME,
            description: "Checks the person's access at the provider.",
            integration: {
              name: "Acme Mail",
              domain: PROVIDER_HOST,
              keySlug: "default",
              auth: {
                type: "oauth2",
                providerKey: PROVIDER_KEY,
                identity: "triggering_user",
                authorizationUrl: world.provider.authorizationUrl,
                tokenUrl: world.provider.tokenUrl,
                scopes: ["mail.read"],
                tokenAuthMethod: world.provider.client.tokenAuthMethod,
              },
            },
            endpoint: { method: "GET", url: `https://${PROVIDER_HOST}/api/token-check` },
            mockData: [{ valid: "mock" }],
          },
        ],
      },
    ],
  }
  const validated = validateAgentsConfig(agents)
  if (!validated.ok) throw new Error(`the test's agents.json is invalid: ${JSON.stringify(validated.problems)}`)
  const at = new Date().toISOString()
  await world.services.store.collection(agentsApprovals).insert({
    id: newId(),
    workspaceId: world.workspaceId,
    appId,
    scope: "published",
    hash: agentsConfigHash(validated.config),
    payloadJson: JSON.stringify(validated.config),
    mode: "live",
    approvedByUserId: world.people.admin.id,
    approvedAt: at,
    clearedAt: null,
    clearedReason: null,
    clearedHash: null,
    revokedByUserId: null,
    liveBaselineHash: null,
    liveBaselinePayloadJson: null,
  })
  // Published agents run only as the current release carries them.
  await storeReleaseWithAgents(world.services.store, { id: appId, workspaceId: world.workspaceId }, {
    hash: agentsConfigHash(validated.config),
    payloadJson: JSON.stringify(validated.config),
    mode: "live",
    approvedByUserId: world.people.admin.id,
  })

  // The person connects through the whole flow; then their access token expires in the store.
  const connected = await world.connect(await world.browser(person))
  expect(connected.headers.get("location")).toContain("connected=")
  const connection = await world.connection(person)
  await world.services.store
    .collection(oauthConnections)
    .updateOne({ id: connection!.id }, { accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString(), updatedAt: new Date().toISOString() })
})

afterAll(async () => {
  await Promise.all(children.splice(0).map(stopChild))
  await world?.close()
  await redis?.stop()
})

/** A stored token, decrypted by this process's own secret store on the shared file. */
const secret = (ref: string, purpose: "oauth_refresh_token" | "oauth_access_token") => world.services.secrets.get(ref, { workspaceId: world.workspaceId, purpose })

describe("the token broker across two real web processes on one Redis and one SQLite file", () => {
  it("50 concurrent tool calls (25 per process) on an expired token: exactly 1 refresh at the provider, all 50 succeed with the same new token, the rotation is stored", async () => {
    const before = await world.connection(person)
    const oldRefresh = await secret(before!.refreshTokenRef!, "oauth_refresh_token")
    const oldAccess = await secret(before!.accessTokenRef!, "oauth_access_token")
    expect(oldRefresh).not.toBeNull()
    expect(world.provider.liveRefreshTokens.has(oldRefresh!)).toBe(true)
    const refreshesBefore = world.provider.refreshRequests
    const apiCallsBefore = world.provider.https.requests.length

    const task: BrokerTask = { workspaceId: world.workspaceId, appId, agentId: AGENT_ID, toolName: TOOL_NAME, identityUserId: person.id, calls: CALLS_PER_PROCESS }
    const env = {
      SECOND_DATA_DIR: dirname(world.file),
      REDIS_URL: redis.url,
      SECOND_TOKEN_ENCRYPTION_KEY: world.encryptionKey,
      SECOND_PUBLIC_URL: PUBLIC_URL,
      SECOND_NO_AUTH_SESSION_SECRET: "x".repeat(32),
      ...world.provider.https.env(),
      BROKER_TASK: JSON.stringify(task),
    }
    const processes = [startWebProcess(env), startWebProcess(env)]
    const describeProcesses = () => processes.map((p) => `--- web process ${p.child.pid}:\n${p.output()}`).join("\n")
    // Start-up (tsx compiling the web tier) can be slow on a loaded two-core machine.
    await within(Promise.all(processes.map((p) => p.next(isReady))), 60_000, "both web processes to open their services", describeProcesses)

    // The provider holds the refresh it gets until both processes have tried for the lock: the
    // holder's refresh is in flight while the other process's calls contend for the same token.
    world.provider.holdRefreshes()
    let opened = false
    try {
      for (const p of processes) p.send("go")
      await eventually(() => world.provider.refreshRequests > refreshesBefore && processes.every((p) => lockAttempts(p).length > 0), 30_000).catch((error: Error) => {
        throw new Error(`${error.message}: refreshes ${world.provider.refreshRequests - refreshesBefore}\n${describeProcesses()}`)
      })
      world.provider.openRefreshGate()
      opened = true
    } finally {
      if (!opened) world.provider.openRefreshGate()
    }
    const done = await within(Promise.all(processes.map((p) => p.next(isDone))), 60_000, "both web processes to finish their calls", describeProcesses)

    // Two distinct OS processes (neither is this one), one lock: one took it, the other was refused.
    const pids = done.map((line) => line.pid)
    expect(new Set([...pids, process.pid]).size).toBe(3)
    expect(processes.map((p) => lockAttempts(p).length)).toEqual([1, 1])
    expect(processes.map((p) => lockAttempts(p)[0]!.acquired).sort()).toEqual([false, true])

    // Exactly one refresh reached the provider.
    expect(world.provider.refreshRequests - refreshesBefore).toBe(1)

    // All 50 calls succeeded, with one token: the new access token the refresh issued.
    const outcomes: CallOutcome[] = done.flatMap((line) => line.outcomes)
    expect(outcomes).toHaveLength(2 * CALLS_PER_PROCESS)
    expect(outcomes.filter((outcome) => !outcome.succeeded), JSON.stringify(outcomes)).toEqual([])
    const hashes = new Set(outcomes.map((outcome) => outcome.tokenSha256))
    expect(hashes.size).toBe(1)
    const after = await world.connection(person)
    const newAccess = await secret(after!.accessTokenRef!, "oauth_access_token")
    expect(newAccess).not.toBe(oldAccess)
    expect([...hashes][0]).toBe(sha256(newAccess!))
    expect(world.provider.liveAccessTokens.has(newAccess!)).toBe(true)
    // At the provider: 50 API requests, each with exactly that bearer.
    const apiRequests = world.provider.https.requests.slice(apiCallsBefore).filter((request) => request.path === "/api/token-check")
    expect(apiRequests).toHaveLength(2 * CALLS_PER_PROCESS)
    expect(new Set(apiRequests.map((request) => request.headers["authorization"]))).toEqual(new Set([`Bearer ${newAccess}`]))
    // No web process printed a token.
    for (const p of processes) for (const token of [newAccess!, oldAccess!, oldRefresh!]) expect(p.output()).not.toContain(token)

    // The rotated refresh token is stored (the connection's ref decrypts to the provider's current
    // one), the access token is good for its lifetime, and one refresh is in the audit log.
    const newRefresh = await secret(after!.refreshTokenRef!, "oauth_refresh_token")
    expect(newRefresh).not.toBe(oldRefresh)
    expect(world.provider.liveRefreshTokens.has(newRefresh!)).toBe(true)
    expect(world.provider.issuedTokens.slice(-2)).toEqual([newAccess, newRefresh])
    expect(after).toMatchObject({ status: "connected", lastErrorCode: null })
    expect(Date.parse(after!.accessTokenExpiresAt!)).toBeGreaterThan(Date.now() + 60_000)
    expect(await world.services.store.collection(auditEvents).count({ workspaceId: world.workspaceId, action: "oauth.token_refreshed", actorUserId: person.id })).toBe(1)
    expect(await world.services.store.collection(auditEvents).count({ workspaceId: world.workspaceId, action: "tool.executed", actorUserId: person.id })).toBe(2 * CALLS_PER_PROCESS)

    // The old refresh token is dead at the provider: presented again, it is refused.
    expect(world.provider.liveRefreshTokens.has(oldRefresh!)).toBe(false)
    const client = { clientId: world.provider.client.clientId, clientSecret: world.provider.client.clientSecret, tokenAuthMethod: world.provider.client.tokenAuthMethod }
    const replay = await requestTokens(world.provider.tokenUrl, client, { grantType: "refresh_token", refreshToken: oldRefresh! }, world.services.egress).then(
      () => null,
      (error: unknown) => error,
    )
    expect(replay).toBeInstanceOf(TokenEndpointError)
    expect((replay as TokenEndpointError).code).toBe("invalid_grant")

    // Both processes finish and exit on their own.
    await within(Promise.all(processes.map((p) => new Promise<void>((done) => (p.child.exitCode !== null ? done() : p.child.once("exit", () => done()))))), 30_000, "both web processes to exit", describeProcesses)
    expect(processes.map((p) => p.child.exitCode)).toEqual([0, 0])
  }, 180_000)
})
