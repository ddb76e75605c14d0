// The perf trace's line (SECOND_PERF_TRACE=1), the same on web and worker: one JSON object per
// request or turn phase holding only allowlisted fields. A field not on the list is dropped, and a
// string that does not look like a name or an id (a URL, a prompt, a header value) is too: the
// trace is meant to be safe to paste into an issue.

export type PerfKind = "request" | "turn"

const PROCESS = ["cpuUserMs", "cpuSystemMs", "rssBytes", "heapUsedBytes"] as const

/** Every field a line may carry, per kind, in the order they are written. */
export const PERF_FIELDS: Readonly<Record<PerfKind, readonly string[]>> = {
  request: ["route", "procedures", "batchSize", "requestId", "method", "status", "elapsedMs", "bytesOut", "aborted", ...PROCESS],
  turn: ["phase", "runId", "runtime", "elapsedMs", "sinceStartMs", "events", "toolCalls", "builds", "buildOk", "outcome", ...PROCESS],
}

/** Route ids (`routes/apps.$appId`), procedure paths, ids, enum words: never spaces, `?`, `=`, `@` or `%`. */
const SAFE_TEXT = /^[A-Za-z0-9_.$:/,-]{1,160}$/

const safeValue = (value: unknown): unknown => {
  if (typeof value === "number") return Number.isFinite(value) ? Math.round(value * 10) / 10 : undefined
  if (typeof value === "boolean") return value
  if (typeof value === "string") return SAFE_TEXT.test(value) ? value : undefined
  if (Array.isArray(value)) {
    const kept = value.filter((item): item is string => typeof item === "string" && SAFE_TEXT.test(item))
    return kept.length === value.length ? kept : undefined
  }
  return undefined
}

/** The line for `kind`: `{"perf":kind,...}` with the allowlisted, well-formed fields of `fields`. */
export function perfLine(kind: PerfKind, fields: Readonly<Record<string, unknown>>): string {
  // When, like every other log line: a slow request is found by its time first.
  const line: Record<string, unknown> = { perf: kind, at: new Date().toISOString() }
  for (const name of PERF_FIELDS[kind]) {
    const value = safeValue(fields[name])
    if (value !== undefined) line[name] = value
  }
  return JSON.stringify(line)
}

export interface CpuUsage {
  readonly user: number
  readonly system: number
}

export interface ProcessSample {
  readonly cpu: CpuUsage
  readonly rssBytes: number
  readonly heapUsedBytes: number
}

/**
 * The process's CPU spent since `since` (in ms) and its memory now. NOTE: the CPU is the whole
 * process's, so it includes whatever ran concurrently; child processes (the runtimes) are not in it.
 */
export function processFields(since: CpuUsage, now: ProcessSample) {
  return {
    cpuUserMs: (now.cpu.user - since.user) / 1000,
    cpuSystemMs: (now.cpu.system - since.system) / 1000,
    rssBytes: now.rssBytes,
    heapUsedBytes: now.heapUsedBytes,
  }
}
