// What a builder turn does with the app's source before it starts, decided from the request and
// what this worker knows: the fence of the session lease it last served the app under (sessions
// move between workers; shared/workers/session-lease.ts), whether the app's directory holds
// source, and whether a session is open. A fence other than the one served (or any fence, while
// the directory holds leftovers this process never served) means another worker may have changed
// the app since: the open session is closed and the directory resynchronised from the web's
// snapshot, REPLACING what is there. Without a fence, the rules from before leases apply.

import { replaceSource, restoreSource } from "../sandbox/restore-source.ts"

export interface SourceRequest {
  readonly sessionFence?: number | undefined
  readonly sourceFiles: Readonly<Record<string, string>> | null
  readonly sourceBinaryFiles?: Readonly<Record<string, string>> | null
  readonly replaceSource?: boolean
  readonly snapshotAvailable?: boolean
  readonly resumeSessionId: string | null
}

export interface SourceState {
  /** The fence this worker last served the app under; undefined: none since it started. */
  readonly servedFence: number | undefined
  readonly hasSource: boolean
  /** A session for the request's runtime is open for the app. */
  readonly openSession: boolean
}

export interface SourcePlan {
  /** Close the app's open session first: it has not seen what another worker did. */
  readonly resync: boolean
  /**
   * replace: the request's files replace the directory's; restore: they fill an empty one;
   * clean: the directory's source goes (the web has no snapshot: the app starts over);
   * source_needed: refuse until the web sends the snapshot; none: leave the directory alone.
   */
  readonly step: "replace" | "restore" | "clean" | "source_needed" | "none"
}

export function planSource(request: SourceRequest, state: SourceState): SourcePlan {
  const fence = request.sessionFence
  const resync = fence !== undefined && (state.servedFence === undefined ? state.hasSource : state.servedFence !== fence)
  if (resync) {
    if (request.sourceFiles) return { resync, step: "replace" }
    return { resync, step: request.snapshotAvailable === true ? "source_needed" : "clean" }
  }
  if (request.sourceFiles) return { resync, step: request.replaceSource ? "replace" : "restore" }
  // A new worker (or one that lost the app): without the source, and with nothing of the
  // conversation, it would start over. The web then sends both.
  const lacksApp = !state.openSession && !state.hasSource && (request.snapshotAvailable === true || request.resumeSessionId !== null)
  return { resync, step: lacksApp ? "source_needed" : "none" }
}

/** Carries out a plan's step on the app's working directory (source_needed and none write nothing). */
export function applySourceStep(workdir: string, step: SourcePlan["step"], request: SourceRequest): void {
  const files = request.sourceFiles ?? {}
  const binaryFiles = request.sourceBinaryFiles ?? {}
  if (step === "replace") replaceSource(workdir, files, binaryFiles)
  else if (step === "restore") restoreSource(workdir, files, binaryFiles)
  else if (step === "clean") replaceSource(workdir, {}, {})
}
