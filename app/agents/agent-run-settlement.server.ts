// Ending an app agent run, whoever notices the end first: the worker's completion report, a
// cancel the worker did not confirm in time, or the reaper. As for builder runs
// (app/runs/run-settlement.server.ts), the status changes only from queued/running in one atomic
// update, so exactly one of them settles the run and only that one writes to its stream. An agent
// run has no app claim, snapshot or runtime session to record: it ends with its transcript and usage.

import type { RunCompletion, RunErrorInfo } from "#shared/runs/internal-api.ts"
import { closeOpenToolCalls, type Transcript, type TranscriptPart } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { appAudience } from "../apps/app-access.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import { endRunStream, markRunSettled, readRunStream } from "../runs/run-stream-reader.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps } from "../store/collections.server.ts"
import { recordRunUsage } from "../usage/record-usage.server.ts"
import { nowIso } from "../workspaces/scope.server.ts"
import { agentRuns, type AgentRunDocument, type AgentRunStatus, type AgentRunUsage } from "./agent-run-collections.server.ts"

export type EndedAgentRunStatus = Exclude<AgentRunStatus, "queued" | "running">

export interface AgentRunEnding {
  readonly status: EndedAgentRunStatus
  readonly error: RunErrorInfo | null
  readonly transcript: Transcript
  /** Events to end the stream with, unless it has ended already (the worker is gone or did not stop). */
  readonly closeStreamWith?: readonly RunEvent[]
  /** The person who stopped it, for a cancelled ending the web decides (a Cancel marks the run before asking the worker). */
  readonly cancelledByUserId?: string
}

export const ACTIVE_AGENT_RUN_STATUSES = ["queued", "running"] as const satisfies readonly AgentRunStatus[]

export const AGENT_STATUS_FOR_OUTCOME = { completed: "completed", cancelled: "cancelled", failed: "failed" } as const

const SETTLED_STATUS = { completed: "completed", failed: "failed", cancelled: "stopped" } as const

type UsagePart = Extract<TranscriptPart, { kind: "usage" }>
const addKnown = (total: number | null, value: number | null) => (value === null ? total : (total ?? 0) + value)

/** The run's usage reports added up (OpenCode reports one per step, the others one per turn); null when none came. */
export function usageOf(transcript: Transcript): AgentRunUsage | null {
  const reports = transcript.filter((part): part is UsagePart => part.kind === "usage")
  if (reports.length === 0) return null
  return reports.reduce<AgentRunUsage>(
    (total, report) => ({
      inputTokens: total.inputTokens + report.inputTokens,
      outputTokens: total.outputTokens + report.outputTokens,
      cachedTokens: addKnown(total.cachedTokens, report.cachedInputTokens),
      costUsd: addKnown(total.costUsd, report.costUsd),
    }),
    { inputTokens: 0, outputTokens: 0, cachedTokens: null, costUsd: null },
  )
}

/** How a run ends when its stream already holds the turn's end: its outcome, and for a failed turn the last error it reported. */
export function endingFromAgentStream(terminal: Extract<RunEvent, { type: "turn.completed" }>, transcript: Transcript) {
  const status = AGENT_STATUS_FOR_OUTCOME[terminal.outcome]
  const last = transcript.findLast((part) => part.kind === "error")
  const error = status === "failed" && last?.kind === "error" ? { message: last.message, code: last.code, retryable: last.retryable } : null
  return { status, error }
}

/** The stream's closing events when the web ends an agent run in the worker's place. */
export function agentClosingEvents(status: EndedAgentRunStatus, error: RunErrorInfo | null): RunEvent[] {
  return [...(error ? [{ type: "error" as const, ...error }] : []), { type: "turn.completed", outcome: status }]
}

/** Settles the agent run once; null when something else already had. */
export async function settleAgentRun(services: WebServices, run: AgentRunDocument, ending: AgentRunEnding): Promise<AgentRunDocument | null> {
  const transcript = closeOpenToolCalls(ending.transcript, ending.status === "failed" ? "failed" : "stopped")
  const settled = await services.store.collection(agentRuns).updateOne(
    {
      id: run.id,
      workspaceId: run.workspaceId,
      status: { in: ACTIVE_AGENT_RUN_STATUSES },
    },
    {
      status: ending.status,
      error: ending.error,
      transcript,
      usage: usageOf(transcript),
      endedAt: nowIso(),
      // A run that ended on its own while someone was cancelling it was not cancelled by them.
      ...(ending.status !== "cancelled" ? { cancelledByUserId: null } : ending.cancelledByUserId ? { cancelledByUserId: ending.cancelledByUserId } : {}),
    },
  )
  if (!settled) return null
  // Before run.settled, so whoever reads the settled run finds its usage counted.
  await recordRunUsage(services, {
    runKind: "agent",
    runId: run.id,
    workspaceId: run.workspaceId,
    appId: run.appId,
    userId: run.triggeredByUserId,
    runtime: run.runtime,
    model: run.model,
    endedAt: settled.endedAt ?? nowIso(),
    transcript,
  })
  if (ending.closeStreamWith) {
    await endRunStream(services.live, run.id, ending.closeStreamWith).catch((error: unknown) =>
      services.log.warn("could not end the agent run's stream", { runId: run.id, error }),
    )
  }
  // Watchers reload the run once on this, so it comes after the stored status.
  await markRunSettled(services.live, run.id, SETTLED_STATUS[ending.status]).catch((error: unknown) =>
    services.log.warn("could not mark the agent run's stream settled", { runId: run.id, error }),
  )
  await publishAgentRunEvent(services, run, "agent_run.ended")
  return settled
}

export async function publishAgentRunEvent(services: WebServices, run: AgentRunDocument, type: "agent_run.started" | "agent_run.ended") {
  const app = await services.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId })
  if (!app) return
  void publishWorkspaceEvent(services.live, run.workspaceId, { type, appId: run.appId, runId: run.id }, appAudience(app), services.log)
}

export type AgentCompletionResult = "settled" | "already-settled" | "unknown-run"

/**
 * The worker's end-of-turn report for an agent run (same route as builder runs). A run started
 * again after its worker stopped is folded from its whole stream: the worker's own transcript
 * holds only its attempt.
 */
export async function completeAgentRun(services: WebServices, runId: string, completion: RunCompletion): Promise<AgentCompletionResult> {
  const run = await services.store.collection(agentRuns).findOne({ id: runId })
  if (!run || run.appId !== completion.appId) return "unknown-run"
  if (run.status !== "queued" && run.status !== "running") return "already-settled"
  const status = AGENT_STATUS_FOR_OUTCOME[completion.outcome]
  const error = completion.outcome === "failed" ? completion.error : null
  const transcript = run.attempts > 1 ? (await readRunStream(services.live, run.id)).transcript : completion.transcript
  const settled = await settleAgentRun(services, run, { status, error, transcript, closeStreamWith: agentClosingEvents(status, error) })
  return settled ? "settled" : "already-settled"
}
