// What the usage tests share: the in-process web tier of the versions tests (tests/fixtures/
// version-world.ts), builder turns and agent runs settled through the real settlement code with
// the usage reports a runtime would have sent, and GET requests to routes as a signed-in person.

import type { Transcript } from "#shared/runs/transcript.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { newId } from "#shared/ids.ts"
import { agentRuns, type AgentRunDocument } from "#app/agents/agent-run-collections.server.ts"
import { settleAgentRun } from "#app/agents/agent-run-settlement.server.ts"
import { signSessionToken, SESSION_COOKIE } from "#app/auth/session-cookie.server.ts"
import { createSession } from "#app/auth/sessions.server.ts"
import { completeRun } from "#app/runs/run-completion.server.ts"
import { runs, type UserDocument } from "#app/store/collections.server.ts"
import { builtSource, type VersionWorld } from "#tests/fixtures/version-world.ts"

export type UsageReport = { inputTokens: number; outputTokens: number; cachedInputTokens: number | null; costUsd: number | null }

export const usageParts = (...reports: UsageReport[]): Transcript => [
  { kind: "text", text: "Done." },
  ...reports.map((report) => ({ kind: "usage" as const, ...report })),
]

/** A builder turn of a new app of the creator's, on `runtime`/`model`, completed as the worker reports a finished turn. */
export async function settledBuilderTurn(world: VersionWorld, runtime: RuntimeId, model: string | null, transcript: Transcript) {
  const { app, run } = await world.appInTurn()
  await world.services.store.collection(runs).updateOne({ id: run.id }, { runtime, model })
  const answer = await completeRun(world.services, run.id, {
    appId: app.id,
    outcome: "completed",
    error: null,
    runtime,
    nativeSessionId: null,
    transcript,
    source: builtSource(`usage-${run.id}`),
  })
  if (answer !== "settled") throw new Error(`the turn was not settled: ${answer}`)
  return { app, run: { ...run, runtime, model } }
}

/** An agent run of `appId` triggered by `by`, running, then settled with `transcript`. */
export async function settledAgentRun(world: VersionWorld, appId: string, by: UserDocument, runtime: RuntimeId, model: string | null, transcript: Transcript) {
  const at = new Date().toISOString()
  const run: AgentRunDocument = {
    id: newId(),
    workspaceId: world.workspaceId,
    appId,
    agentId: "ticket-triage",
    agentName: "Ticket triage",
    scope: "draft",
    configHash: "hash",
    mode: "live",
    triggeredByUserId: by.id,
    prompt: "Triage ticket 42",
    runtime,
    model,
    status: "running",
    error: null,
    transcript: [],
    usage: null,
    attempts: 1,
    createdAt: at,
    startedAt: at,
    endedAt: null,
  }
  await world.services.store.collection(agentRuns).insert(run)
  const settled = await settleAgentRun(world.services, run, { status: "completed", error: null, transcript })
  if (!settled) throw new Error("the agent run was not settled")
  return run
}

/** GETs a route's loader as `user` (a real session cookie), returning its Response, thrown or not. */
export async function getAs(world: VersionWorld, user: UserDocument, loader: (args: never) => Promise<unknown>, path: string, params: Record<string, string>) {
  const { token } = await createSession(world.services.store, { userId: user.id, authMode: "none", userAgent: "usage tests" })
  const request = new Request(`http://second.test${path}`, {
    headers: { cookie: `${SESSION_COOKIE}=${signSessionToken(token, world.services.auth.sessionKey)}` },
  })
  try {
    const answer = await (loader as (args: unknown) => Promise<unknown>)({ request, params, context: { services: world.services, cspNonce: "" } })
    if (!(answer instanceof Response)) throw new Error("the loader did not answer with a Response")
    return answer
  } catch (thrown) {
    if (thrown instanceof Response) return thrown
    throw thrown
  }
}
