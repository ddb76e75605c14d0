// What a builder turn does with the app's source before it starts, decided from the request and
// what this worker knows: the fence of the session lease it last served the app under (sessions
// move between workers; shared/workers/session-lease.ts), whether the app's directory holds
// source, and whether a session is open. A fence other than the one served (or any fence, while
// the directory holds leftovers this process never served) means another worker may have changed
// the app since: the open session is closed and the directory resynchronised from the web's
// snapshot, REPLACING what is there. Without a fence, the rules from before leases apply.
//
// A resynchronised turn never resumes the runtime session the request names: that session lives
// on the app's previous owner (or is one this worker held before the app moved away and back) and
// has not seen the turns since. The conversation comes as the handover prompt instead; a request
// that names a session to resume carries none, so the web is asked for it (source_needed).

import { replaceSource, restoreSource } from "../sandbox/restore-source.ts"

export interface SourceRequest {
  readonly sessionFence?: number | undefined
  readonly sourceFiles: Readonly<Record<string, string>> | null
  readonly sourceBinaryFiles?: Readonly<Record<string, string>> | null
  readonly replaceSource?: boolean
  readonly snapshotAvailable?: boolean
  readonly resumeSessionId: string | null
  readonly handoffPrompt?: string | null
}

export interface SourceState {
  /** The fence this worker last served the app under; undefined: none since it started. */
  readonly servedFence: number | undefined
  readonly hasSource: boolean
  /** A session for the request's runtime is open for the app. */
  readonly openSession: boolean
}

export interface SourcePlan {
  /**
   * Close the app's open session first: it has not seen what another worker did. The turn then
   * ignores the request's resumeSessionId and starts a session handed the conversation.
   */
  readonly resync: boolean
  /**
   * replace: the request's files replace the directory's; restore: they fill an empty one;
   * clean: the directory's source goes (the web has no snapshot: the app starts over);
   * source_needed: refuse until the web sends the snapshot (and the handover); none: leave the
   * directory alone.
   */
  readonly step: "replace" | "restore" | "clean" | "source_needed" | "none"
}

export function planSource(request: SourceRequest, state: SourceState): SourcePlan {
  const fence = request.sessionFence
  const resync = fence !== undefined && (state.servedFence === undefined ? state.hasSource : state.servedFence !== fence)
  if (resync) {
    // A restore's files are written whatever else is missing: asking again would have the web
    // send its latest snapshot instead. The turn then starts from the handover, or the prompt.
    if (request.sourceFiles) return { resync, step: "replace" }
    // The web meant the conversation to come from resuming a session this worker cannot use:
    // its source_needed answer sends it as text (with the snapshot when there is one).
    if (request.resumeSessionId !== null && !request.handoffPrompt) return { resync, step: "source_needed" }
    // No snapshot anywhere: the app's first turns were cut before any source was kept (a
    // snapshot is taken at the end of every turn that changed it, unless the source is too large
    // to keep). What this directory holds is then a half-made app from before the app moved, or
    // a previous lineage's leftovers, neither of which the later turns elsewhere saw: the app
    // starts over from the template rather than build on files that are not the app's.
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
