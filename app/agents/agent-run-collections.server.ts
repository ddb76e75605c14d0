// Where app agent runs are stored: one document per run, beside the builder's `runs` (an agent run
// is not a turn of the app's conversation, and must never claim the app or move its snapshot).

import type { RunErrorInfo } from "#shared/runs/internal-api.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { defineCollection, type StoredDocument } from "../store/store.server.ts"

export type AgentRunStatus = "queued" | "running" | "completed" | "failed" | "cancelled"
export type AgentRunScope = "draft" | "published"

/** What the run cost, added up over the runtime's usage reports; null when it sent none. */
export interface AgentRunUsage {
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedTokens: number | null
  readonly costUsd: number | null
}

/** The builder run an agent's blocking failure report asked for (at most one per agent run). */
export interface AgentRunRepair {
  /**
   * "started": the builder run `runId` is fixing it; "busy"/"failed": it could not start;
   * "refused": the person who triggered the run can no longer change the app, and a repair is
   * only ever sent as them. `message` says why.
   */
  readonly state: "started" | "busy" | "failed" | "refused"
  readonly runId: string | null
  readonly toolName: string | null
  readonly description: string
  readonly message: string | null
  readonly at: string
}

export interface AgentRunDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly agentId: string
  readonly agentName: string
  /** Which approved payload it ran under: the draft's (hash-matched) or the published one. */
  readonly scope: AgentRunScope
  /** The approved configuration's canonical hash when the run was started. */
  readonly configHash: string
  readonly mode: "live" | "mock"
  /** Resolved from the session on the server, never taken from the app's input. */
  readonly triggeredByUserId: string
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly status: AgentRunStatus
  readonly error: RunErrorInfo | null
  /** The turn folded into parts; empty until it ends. */
  readonly transcript: Transcript
  readonly usage: AgentRunUsage | null
  /** How many times a worker was asked to run it (2 after a re-queue). */
  readonly attempts: number
  readonly repair?: AgentRunRepair | null
  /**
   * The person who stopped it: by Cancel, or by taking away the triggering person's access to
   * the app. Set only on a cancelled run (a run that ended otherwise while being cancelled has it null).
   */
  readonly cancelledByUserId?: string | null
  readonly createdAt: string
  readonly startedAt: string | null
  readonly endedAt: string | null
}

export const agentRuns = defineCollection<AgentRunDocument>({
  name: "agent_runs",
  indexes: [
    { name: "app_created", fields: ["appId", "createdAt"] },
    { name: "status", fields: ["status"] },
  ],
})

export const agentRunCollections = [agentRuns] as const
