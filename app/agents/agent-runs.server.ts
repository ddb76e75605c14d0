// App agent runs: the app asks one of its approved agents to do something, as the signed-in
// person (a builder in the draft; anyone the app is published to in the published app). The web
// decides everything — that the agents are approved for the scope, which tools
// and collections the agent gets, as whom it runs — and asks the worker to run one detached turn
// on the builder runs' machinery (live stream, lease, completion report). An agent run never
// claims the app: several may run beside the builder, up to MAX_ACTIVE_AGENT_RUNS per app.

import type { AgentDefinition, CustomTool } from "#shared/agents/agents-config.ts"
import { newId } from "#shared/ids.ts"
import { appToolInputSchema, type AppToolListing } from "#shared/mcp/app-tools.ts"
import type { StartAgentRunRequest } from "#shared/runs/agent-runs.ts"
import type { RunErrorInfo } from "#shared/runs/internal-api.ts"
import { runLeaseKey, runStreamKey } from "#shared/runs/run-stream.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { requireBuildableApp, requireUsableApp } from "../apps/app-access.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import { readRunStream } from "../runs/run-stream-reader.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, users, type AppDocument } from "../store/collections.server.ts"
import { maySeeAgentRun } from "./agent-run-access.server.ts"
import { WorkerUnavailableError, type StartRunResult } from "../worker-client/worker-client.server.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { findWorkspaceMembership } from "../workspaces/workspaces.server.ts"
import { effectiveAgentsApproval } from "./approvals.server.ts"
import { agentRuns, type AgentRunDocument, type AgentRunRepair, type AgentRunScope } from "./agent-run-collections.server.ts"
import {
  ACTIVE_AGENT_RUN_STATUSES,
  agentClosingEvents,
  endingFromAgentStream,
  publishAgentRunEvent,
  settleAgentRun,
} from "./agent-run-settlement.server.ts"
import { composeAgentSystemPrompt } from "./agent-system-prompt.server.ts"

/** Queued or running agent runs one app may have at once; the next trigger is refused (429). */
export const MAX_ACTIVE_AGENT_RUNS = 5

export interface TriggerInput {
  readonly appId: string
  readonly agentId: string
  readonly prompt: string
  readonly scope?: AgentRunScope
}

const notApproved = (scope: AgentRunScope) =>
  new AppError(
    "CONFLICT",
    `This app's agents are not approved${scope === "published" ? " for its published version" : ""} (or agents.json changed since): ` +
      "an admin must approve them on the app's Agents page before an agent can run.",
    "agents_not_approved",
  )

const isCustom = (tool: AgentDefinition["tools"][number]): tool is CustomTool => tool.type === "custom"
const enabled = (tool: { readonly enabled?: boolean }) => tool.enabled !== false

/**
 * What the agent is given: its enabled custom tools as MCP lists them, its builtins and
 * collections. A mock-only approval gives no builtins: WebSearch and WebFetch run in the runtime on
 * the worker's host, outside the egress guard and with no mock data to answer instead, so "mock
 * data only — no API is called" would not hold with them.
 */
export function agentGrant(agent: AgentDefinition, mode: "live" | "mock") {
  const tools: AppToolListing[] = agent.tools
    .filter(isCustom)
    .filter(enabled)
    .map((tool) => ({ name: tool.name, description: tool.description, inputSchema: appToolInputSchema(tool) }))
  const builtinTools = mode === "live" ? agent.tools.flatMap((tool) => (tool.type === "builtin" && enabled(tool) ? [tool.name] : [])) : []
  return { tools, builtinTools, dataCollections: [...(agent.dataCollections ?? [])] }
}

async function displayName(services: WebServices, userId: string): Promise<string> {
  return (await services.store.collection(users).findOne({ id: userId }))?.displayName ?? "a member of the workspace"
}

/** Display names of the people a run view names (who triggered it, who cancelled it); a person who is gone is left out. */
async function namesOf(services: WebServices, found: readonly AgentRunDocument[]): Promise<Map<string, string>> {
  const userIds = [...new Set(found.flatMap((run) => [run.triggeredByUserId, ...(run.cancelledByUserId ? [run.cancelledByUserId] : [])]))]
  const people = userIds.length > 0 ? await services.store.collection(users).findMany({ id: { in: userIds } }) : []
  return new Map(people.map((person) => [person.id, person.displayName]))
}

/** The run as get, trigger and cancel answer it: with its transcript and the names of the people it names. */
async function fullView(services: WebServices, run: AgentRunDocument): Promise<AgentRunView> {
  return toAgentRunView(run, true, await namesOf(services, [run]))
}

/** The worker's request for the run, from the approved agent (the same for a first start and a restart). */
export async function startAgentRunRequest(
  services: WebServices,
  run: AgentRunDocument,
  agent: AgentDefinition,
  streamAfterId: string | null = null,
): Promise<StartAgentRunRequest> {
  const grant = agentGrant(agent, run.mode)
  return {
    runId: run.id,
    workspaceId: run.workspaceId,
    appId: run.appId,
    agentId: run.agentId,
    runtime: run.runtime,
    model: run.model,
    systemPrompt: composeAgentSystemPrompt({
      agent,
      triggeredByName: await displayName(services, run.triggeredByUserId),
      mode: run.mode,
      toolNames: [...grant.tools.map((tool) => tool.name), ...grant.builtinTools],
      dataCollections: grant.dataCollections,
    }),
    prompt: run.prompt,
    ...grant,
    delivery: { leaseMs: services.config.runLeaseMs },
    ...(streamAfterId ? { streamAfterId } : {}),
  }
}

/**
 * Asks the worker to run it, and records the answer: running, or failed (retryable when the
 * worker could not be reached). A run settled meanwhile (cancelled while the worker was asked)
 * is stopped on the worker again, so nothing of it keeps running.
 */
export async function startOnWorker(services: WebServices, run: AgentRunDocument, request: StartAgentRunRequest): Promise<void> {
  const result = await services.worker.startAgentRun(request).catch((error: unknown): StartRunResult => {
    if (error instanceof WorkerUnavailableError) return { started: false, code: "worker_unavailable", message: error.message, retryable: true }
    services.log.error("could not start an agent run", { runId: run.id, error })
    return { started: false, code: "start_failed", message: "The agent run could not be started.", retryable: true }
  })
  if (result.started) {
    const running = await services.store.collection(agentRuns).updateOne(
      {
        id: run.id,
        workspaceId: run.workspaceId,
        status: { in: ACTIVE_AGENT_RUN_STATUSES },
      },
      { status: "running", startedAt: nowIso() },
    )
    if (!running) await services.worker.cancelAgentRun(run.id).catch(() => undefined)
    return
  }
  // The worker may have taken the turn after all (its answer timed out): stop it first.
  if (result.code === "worker_unavailable") await services.worker.cancelAgentRun(run.id).catch(() => undefined)
  const failure: RunErrorInfo = { message: result.message, code: result.code, retryable: result.retryable }
  const { transcript } = await readRunStream(services.live, run.id).catch(() => ({ transcript: [] }))
  await settleAgentRun(services, run, {
    status: "failed",
    error: failure,
    transcript: [...transcript, { kind: "error", ...failure }],
    closeStreamWith: agentClosingEvents("failed", failure),
  })
}

/** Claims one of the app's MAX_ACTIVE_AGENT_RUNS places: the earliest active runs keep theirs, so a burst never overshoots. */
async function holdsActivePlace(services: WebServices, run: AgentRunDocument): Promise<boolean> {
  const active = await services.store.collection(agentRuns).findMany(
    {
      workspaceId: run.workspaceId,
      appId: run.appId,
      status: { in: ACTIVE_AGENT_RUN_STATUSES },
    },
    {
      sort: [
        ["createdAt", 1],
        ["id", 1],
      ],
      limit: MAX_ACTIVE_AGENT_RUNS,
    },
  )
  return active.some((other) => other.id === run.id)
}

export async function triggerAgentRun(services: WebServices, scope: WorkspaceScope, input: TriggerInput): Promise<AgentRunView> {
  const runScope = input.scope ?? "draft"
  // The draft's agents are its builders' to try; the published ones everyone's the app is published to.
  const app = runScope === "draft" ? await requireBuildableApp(services, scope, input.appId) : (await requireUsableApp(services, scope, input.appId)).app
  if (app.deleting) throw notFound("App")
  const approval = await effectiveAgentsApproval(services, app, runScope)
  if (!approval) throw notApproved(runScope)
  const agent = approval.config.agents.find((candidate) => candidate.id === input.agentId)
  if (!agent) throw new AppError("NOT_FOUND", `There is no agent "${input.agentId}" in this app's approved agents.json; use one of its agent ids.`)

  const run: AgentRunDocument = {
    id: newId(),
    workspaceId: app.workspaceId,
    appId: app.id,
    agentId: agent.id,
    agentName: agent.name,
    scope: runScope,
    configHash: approval.hash,
    mode: approval.mode,
    // The session's user: an app can name no one else.
    triggeredByUserId: scope.user.id,
    prompt: input.prompt,
    runtime: app.runtime,
    model: app.model,
    status: "queued",
    error: null,
    transcript: [],
    usage: null,
    attempts: 1,
    repair: null,
    createdAt: nowIso(),
    startedAt: null,
    endedAt: null,
  }
  // The lease exists before the run does, so the reaper never sees this run without one.
  await services.live.setKey(runLeaseKey(run.id), "web", { ttlMs: services.config.runLeaseMs })
  await services.store.collection(agentRuns).insert(run)
  if (!(await holdsActivePlace(services, run))) {
    await services.store.collection(agentRuns).deleteMany({ id: run.id, workspaceId: run.workspaceId })
    await services.live.deleteKey(runLeaseKey(run.id))
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This app already has ${MAX_ACTIVE_AGENT_RUNS} agent runs in progress; wait for one to finish (or cancel one) and trigger again.`,
    )
  }
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: scope.user.id,
    action: "agent_run.started",
    target: { type: "app", id: app.id },
    after: { agentRunId: run.id, agentId: agent.id, scope: runScope, mode: approval.mode, configHash: approval.hash },
  })
  await publishAgentRunEvent(services, run, "agent_run.started")
  await startOnWorker(services, run, await startAgentRunRequest(services, run, agent))
  return fullView(services, (await loadAgentRun(services, run.id)) ?? run)
}

export const loadAgentRun = (services: WebServices, runId: string) => services.store.collection(agentRuns).findOne({ id: runId })

/** The run, if the person may see it (agent-run-access.server.ts maySeeAgentRun); notFound otherwise. */
export async function requireVisibleAgentRun(services: WebServices, scope: WorkspaceScope, runId: string) {
  const run = await services.store.collection(agentRuns).findOne({ id: runId, workspaceId: scope.workspace.id })
  const app = run ? await services.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId }) : null
  if (!run || !app || !(await maySeeAgentRun(services.store, run, app, scope))) throw notFound("Agent run")
  return { run, app }
}

/** The agent run, if the user may see it (for its event stream); null otherwise. */
export async function findAgentRunForUser(services: WebServices, user: WorkspaceScope["user"], runId: string): Promise<AgentRunDocument | null> {
  const run = await loadAgentRun(services, runId)
  if (!run) return null
  const found = await findWorkspaceMembership(services, run.workspaceId, user.id)
  if (!found) return null
  const app = await services.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId })
  return app && (await maySeeAgentRun(services.store, run, app, { user, membership: found.membership })) ? run : null
}

export const isActiveAgentRun = (run: Pick<AgentRunDocument, "status">) => run.status === "queued" || run.status === "running"

export async function getAgentRun(services: WebServices, scope: WorkspaceScope, runId: string): Promise<AgentRunView> {
  const { run } = await requireVisibleAgentRun(services, scope, runId)
  return fullView(services, run)
}

/** How long a cancel waits for the worker's own report before ending the run itself (the whole cancel stays under 2 s). */
const CANCEL_CONFIRM_MS = 1_000

export async function cancelAgentRun(services: WebServices, scope: WorkspaceScope, runId: string): Promise<AgentRunView> {
  // Whoever may see the run may cancel it: the app's builders, and the person who triggered a published run while they still use the app.
  const { run } = await requireVisibleAgentRun(services, scope, runId)
  if (!isActiveAgentRun(run)) return fullView(services, run)
  // Marked before the worker is asked: its own report of the cancelled turn settles the run, and
  // the run then still says who stopped it (a run that ends otherwise meanwhile drops the mark).
  await services.store
    .collection(agentRuns)
    .updateOne({ id: run.id, workspaceId: run.workspaceId, status: { in: ACTIVE_AGENT_RUN_STATUSES } }, { cancelledByUserId: scope.user.id })
  const confirmed = await services.worker.cancelAgentRun(run.id).then(
    (answer) => answer.cancelled,
    () => false,
  )
  if (confirmed) {
    const deadline = Date.now() + CANCEL_CONFIRM_MS
    while (Date.now() < deadline) {
      const current = await loadAgentRun(services, run.id)
      if (current && !isActiveAgentRun(current)) return fullView(services, current)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  const { transcript, terminal } = await readRunStream(services.live, run.id)
  // The turn may have ended on its own just before the cancel: record how it really ended.
  const settled = await settleAgentRun(services, run, {
    ...(terminal
      ? endingFromAgentStream(terminal, transcript)
      : { status: "cancelled" as const, error: null, closeStreamWith: agentClosingEvents("cancelled", null) }),
    transcript,
    cancelledByUserId: scope.user.id,
  })
  if (settled?.status === "cancelled") {
    await recordAudit(services.store, {
      workspaceId: run.workspaceId,
      actorUserId: scope.user.id,
      action: "agent_run.cancelled",
      target: { type: "app", id: run.appId },
      after: { agentRunId: run.id, agentId: run.agentId },
    })
  }
  return fullView(services, (await loadAgentRun(services, run.id)) ?? run)
}

/** With the app itself: its active runs stopped on the worker (best effort), then every run and stream removed. */
export async function deleteAgentRuns(services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">): Promise<void> {
  const ofApp = { appId: app.id, workspaceId: app.workspaceId }
  const all = await services.store.collection(agentRuns).findMany(ofApp)
  await Promise.all(all.filter(isActiveAgentRun).map((run) => services.worker.cancelAgentRun(run.id).catch(() => undefined)))
  await Promise.all(all.map((run) => services.live.deleteKey(runStreamKey(run.id))))
  await services.store.collection(agentRuns).deleteMany(ofApp)
}

export const AGENT_RUNS_PAGE = { size: 20, max: 100 } as const

export async function listAgentRuns(
  services: WebServices,
  scope: WorkspaceScope,
  input: {
    readonly appId: string
    readonly agentId?: string | undefined
    readonly limit?: number | undefined
  },
): Promise<AgentRunView[]> {
  // Builders list every run of the app; a user of the published app only their own published runs.
  const { app, builder } = await requireUsableApp(services, scope, input.appId)
  const found = await services.store.collection(agentRuns).findMany(
    {
      workspaceId: app.workspaceId,
      appId: app.id,
      ...(input.agentId ? { agentId: input.agentId } : {}),
      ...(builder ? {} : { triggeredByUserId: scope.user.id, scope: "published" as const }),
    },
    {
      sort: [
        ["createdAt", -1],
        ["id", -1],
      ],
      limit: input.limit ?? AGENT_RUNS_PAGE.size,
    },
  )
  const names = await namesOf(services, found)
  return found.map((run) => toAgentRunView(run, false, names))
}

/** An agent run as pages and the SDK see it: everything but the workspace id. */
export interface AgentRunView extends Omit<AgentRunDocument, "workspaceId" | "transcript" | "repair" | "cancelledByUserId"> {
  /** Null when the person is gone. */
  readonly triggeredByName: string | null
  /** The person who cancelled it; null when no one did (or they are gone). */
  readonly cancelledByUserId: string | null
  readonly cancelledByName: string | null
  /** Only from get, trigger and cancel; list leaves it out (null) to stay small. */
  readonly transcript: AgentRunDocument["transcript"] | null
  readonly repair: AgentRunRepair | null
}

export function toAgentRunView(run: AgentRunDocument, withTranscript: boolean, names: ReadonlyMap<string, string> = new Map()): AgentRunView {
  const { workspaceId: _workspaceId, transcript, repair, cancelledByUserId, ...rest } = run
  const cancelledBy = run.status === "cancelled" ? (cancelledByUserId ?? null) : null
  return {
    ...rest,
    triggeredByName: names.get(run.triggeredByUserId) ?? null,
    cancelledByUserId: cancelledBy,
    cancelledByName: cancelledBy ? (names.get(cancelledBy) ?? null) : null,
    transcript: withTranscript ? transcript : null,
    repair: repair ?? null,
  }
}
