// Agent runs nobody is driving any more (docs/decisions/020-agent-runs.md). Found like builder
// runs (app/runs/run-reaper.server.ts: the lease missing for a whole lease length), but a worker
// that died mid-turn does not simply fail the run: a run that has not called a tool yet is
// started once more on a worker, continuing the same stream with a visible notice, because
// running it again cannot repeat anything it did. A run that already called tools (whose effects
// a second run might repeat), or that was already restarted once, fails as retryable instead.

import { BUILTIN_TOOL_NAMES } from "#shared/agents/agents-config.ts"
import { StreamAppendConflict } from "#shared/live/live.server.ts"
import type { RunErrorInfo } from "#shared/runs/internal-api.ts"
import { encodeRunStreamRecord, RUN_STREAM_MAX_LENGTH, runLeaseKey, runStreamKey } from "#shared/runs/run-stream.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { leaseLostForLong } from "../runs/run-reaper.server.ts"
import { readRunStream } from "../runs/run-stream-reader.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps } from "../store/collections.server.ts"
import { effectiveAgentsApproval } from "./approvals.server.ts"
import { agentRuns, type AgentRunDocument } from "./agent-run-collections.server.ts"
import { ACTIVE_AGENT_RUN_STATUSES, agentClosingEvents, endingFromAgentStream, settleAgentRun } from "./agent-run-settlement.server.ts"
import { startAgentRunRequest, startOnWorker } from "./agent-runs.server.ts"

/** A first attempt and one restart. */
export const MAX_AGENT_RUN_ATTEMPTS = 2

export const agentWorkerLostError = (why: string): RunErrorInfo => ({
  message: `The agent's worker stopped responding (it may have restarted), and the run was not started again: ${why} Trigger the agent again to continue.`,
  code: "worker_lost",
  retryable: true,
})

export const RESTART_NOTICE: RunEvent = {
  type: "error",
  message: "The agent's worker stopped; the run was restarted after the worker stopped, from the beginning.",
  code: "worker_restarted",
  retryable: true,
}

const READ_ONLY_TOOLS: ReadonlySet<string> = new Set(BUILTIN_TOOL_NAMES)

/** Whether the turn so far called a tool that may have changed something (anything but the runtime's web lookups). */
const calledTools = (transcript: Transcript) => transcript.some((part) => part.kind === "tool" && !READ_ONLY_TOOLS.has(part.name))

export type ReapOutcome = "left" | "settled" | "restarted"

export async function reapAgentRun(services: WebServices, run: AgentRunDocument): Promise<ReapOutcome> {
  if (!(await leaseLostForLong(services, run.id))) return "left"
  const { transcript, terminal, lastId } = await readRunStream(services.live, run.id)
  if (terminal) {
    // The turn ended but its report never arrived: settle it as the stream says.
    return (await settleAgentRun(services, run, { ...endingFromAgentStream(terminal, transcript), transcript })) ? "settled" : "left"
  }
  const why =
    run.attempts >= MAX_AGENT_RUN_ATTEMPTS
      ? "it had already been restarted once."
      : calledTools(transcript)
      ? "it had already called tools, and running it again could repeat what they did."
      : null
  if (why === null && (await restart(services, run, lastId))) return "restarted"
  const failure = agentWorkerLostError(why ?? "its agents are no longer approved as they were when it started.")
  const settled = await settleAgentRun(services, run, {
    status: "failed",
    error: failure,
    transcript: [...transcript, { kind: "error", ...failure }],
    closeStreamWith: agentClosingEvents("failed", failure),
  })
  return settled ? "settled" : "left"
}

/**
 * Starts the run again under the same approval (re-checked: a revoked or changed configuration is
 * not run again), one attempt more, with a fresh lease and the notice on its stream. False when
 * it may not be restarted (then it is failed), or another web process restarted it first.
 */
async function restart(services: WebServices, run: AgentRunDocument, lastId: string | null): Promise<boolean> {
  const app = await services.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId })
  const approval = app ? await effectiveAgentsApproval(services, app, run.scope) : null
  const agent = approval?.hash === run.configHash ? approval.config.agents.find((candidate) => candidate.id === run.agentId) : undefined
  if (!agent) return false
  const taken = await services.store.collection(agentRuns).updateOne(
    {
      id: run.id,
      workspaceId: run.workspaceId,
      status: { in: ACTIVE_AGENT_RUN_STATUSES },
      attempts: run.attempts,
    },
    { status: "queued", attempts: run.attempts + 1, startedAt: null },
  )
  // Another web process's reaper restarted (or something settled) it first.
  if (!taken) return true
  await services.live.setKey(runLeaseKey(run.id), "web", { ttlMs: services.config.runLeaseMs })
  const streamAfterId = await appendNotice(services, run.id, lastId)
  await startOnWorker(services, taken, await startAgentRunRequest(services, taken, agent, streamAfterId))
  return true
}

/** Appends the restart notice after the stream's last entry; returns the id the next worker continues from. */
async function appendNotice(services: WebServices, runId: string, lastId: string | null): Promise<string | null> {
  let prev = lastId
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await services.live.append(runStreamKey(runId), encodeRunStreamRecord({ prev, event: RESTART_NOTICE }), {
        maxLength: RUN_STREAM_MAX_LENGTH,
        expectedLastId: prev,
      })
    } catch (error) {
      if (!(error instanceof StreamAppendConflict)) break
      // The dead worker's last append landed after all: follow it.
      prev = (await services.live.streamInfo(runStreamKey(runId))).lastId
    }
  }
  services.log.warn("could not write the restart notice on the agent run's stream", { runId })
  return (await services.live.streamInfo(runStreamKey(runId)).catch(() => ({ lastId: prev }))).lastId
}

/** One pass over the active agent runs (called by the run reaper's sweep). */
export async function sweepAgentRuns(services: WebServices): Promise<number> {
  const active = await services.store.collection(agentRuns).findMany({ status: { in: ACTIVE_AGENT_RUN_STATUSES } }, { limit: 500 })
  let acted = 0
  for (const run of active) {
    const outcome = await reapAgentRun(services, run).catch((error: unknown) => {
      services.log.warn("the reaper could not handle an agent run", { runId: run.id, error })
      return "left" as const
    })
    if (outcome !== "left") acted += 1
  }
  return acted
}
