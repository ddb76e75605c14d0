// "Changes since approval": the approved configuration against the current one, line by line, as
// a reviewer reads it. Both sides are the effective configuration in canonical JSON (sorted keys),
// laid out one value per line so that a changed URL or scope is one − and one + line; long runs of
// unchanged lines fold into a count, with a few lines of context kept around each change.

import { diffStats, lineDiff, type DiffLine, type DiffStats } from "../builder/tool-diff.ts"

export type ConfigDiffRow = DiffLine | { readonly kind: "fold"; readonly count: number }

export interface ConfigDiff {
  readonly rows: readonly ConfigDiffRow[]
  readonly stats: DiffStats
}

/** Lines of unchanged context kept on each side of a change. */
const CONTEXT_LINES = 3

/** A configuration as indented JSON: canonical JSON text is parsed first (keys keep their sorted order). */
export function configLines(config: unknown): string {
  if (config === null || config === undefined) return ""
  let value = config
  if (typeof config === "string") {
    try {
      value = JSON.parse(config)
    } catch {
      return config
    }
  }
  return `${JSON.stringify(value, null, 2)}\n`
}

/** Unchanged runs longer than twice the context become one fold, keeping `context` lines beside each change. */
export function foldUnchanged(lines: readonly DiffLine[], context = CONTEXT_LINES): ConfigDiffRow[] {
  const rows: ConfigDiffRow[] = []
  let start = 0
  while (start < lines.length) {
    if (lines[start]!.kind !== "same") {
      rows.push(lines[start]!)
      start += 1
      continue
    }
    let end = start
    while (end < lines.length && lines[end]!.kind === "same") end += 1
    const keepBefore = start === 0 ? 0 : context
    const keepAfter = end === lines.length ? 0 : context
    const hidden = end - start - keepBefore - keepAfter
    if (hidden > 1) {
      rows.push(...lines.slice(start, start + keepBefore), { kind: "fold", count: hidden }, ...lines.slice(end - keepAfter, end))
    } else {
      rows.push(...lines.slice(start, end))
    }
    start = end
  }
  return rows
}

/** The approved configuration turned into the current one; either may be missing (never approved, or removed). */
export function configDiff(approved: unknown, current: unknown): ConfigDiff {
  const lines = lineDiff(configLines(approved), configLines(current))
  return { rows: foldUnchanged(lines), stats: diffStats(lines) }
}
