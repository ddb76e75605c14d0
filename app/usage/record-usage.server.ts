// Recording a settled run's usage: its usage reports added up (OpenCode sends one per step, the
// others one per turn), priced by the runtime where it said what the run cost, else by the dated
// price table, and stored once per run. Called by the one settlement that won (run-settlement,
// agent-run-settlement); the unique runId index keeps a repeated call from counting twice.

import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { newId } from "#shared/ids.ts"
import { estimateCostUsd, PRICE_TABLE_DATE, roundUsd } from "#shared/usage/price-table.ts"
import type { WebServices } from "../services.server.ts"
import { StoreDuplicateError } from "../store/store.server.ts"
import { nowIso } from "../workspaces/scope.server.ts"
import { usageRecords, type UsageDocument, type UsageRunKind } from "./usage-collections.server.ts"

export interface SettledRunUsage {
  readonly runKind: UsageRunKind
  readonly runId: string
  readonly workspaceId: string
  readonly appId: string
  readonly userId: string
  readonly runtime: RuntimeId
  readonly model: string | null
  /** When the run ended (ISO 8601): its day is the usage's day. */
  readonly endedAt: string
  readonly transcript: Transcript
}

type UsagePart = Extract<TranscriptPart, { kind: "usage" }>

/** The document to store for a settled run; null when its runtime reported no usage at all. */
export function usageDocumentFor(run: SettledRunUsage, id: string = newId()): UsageDocument | null {
  const reports = run.transcript.filter((part): part is UsagePart => part.kind === "usage")
  if (reports.length === 0) return null
  const tokens = {
    inputTokens: reports.reduce((sum, report) => sum + report.inputTokens, 0),
    outputTokens: reports.reduce((sum, report) => sum + report.outputTokens, 0),
    cachedInputTokens: reports.reduce((sum, report) => sum + (report.cachedInputTokens ?? 0), 0),
  }
  // A cost the runtime gave for only some steps is no cost for the run: the table prices it whole.
  const reportedByRuntime = reports.every((report) => report.costUsd !== null)
  const estimate = reportedByRuntime ? null : estimateCostUsd(run.runtime, run.model, tokens)
  const cost = reportedByRuntime
    ? { costUsd: roundUsd(reports.reduce((sum, report) => sum + (report.costUsd ?? 0), 0)), costSource: "runtime" as const, priceTableDate: null }
    : estimate !== null
      ? { costUsd: estimate, costSource: "price_table" as const, priceTableDate: PRICE_TABLE_DATE }
      : { costUsd: null, costSource: "unknown" as const, priceTableDate: null }
  return {
    id,
    workspaceId: run.workspaceId,
    appId: run.appId,
    runKind: run.runKind,
    runId: run.runId,
    userId: run.userId,
    runtime: run.runtime,
    model: run.model,
    day: run.endedAt.slice(0, 10),
    ...tokens,
    ...cost,
    createdAt: nowIso(),
  }
}

/**
 * Stores the run's usage once. Never fails the settlement it is part of: a run whose usage could
 * not be stored is logged (without its transcript) and simply missing from the figures.
 */
export async function recordRunUsage(services: Pick<WebServices, "store" | "log">, run: SettledRunUsage): Promise<void> {
  const document = usageDocumentFor(run)
  if (!document) return
  try {
    await services.store.collection(usageRecords).insert(document)
  } catch (error) {
    if (error instanceof StoreDuplicateError) return
    services.log.warn("could not record the run's usage", { runId: run.runId, runKind: run.runKind, error })
  }
}
