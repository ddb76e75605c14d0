// The source a review would publish against the source colleagues see now, file by file, as a
// reviewer reads it: source files with their changed lines and a few lines of context around each
// change; the build (dist/) as one line, since it follows from the source; binary and very large
// files by name only. Pure: the snapshots' files in, FileChanges out.

import type { DiffLine, FileChange } from "#shared/publishing/publishing.ts"
import { lineDiff, splitLines, type DiffLine as RawLine } from "../components/builder/tool-diff.ts"

export interface SourceFiles {
  /** Path → text. */
  readonly files: Readonly<Record<string, string>>
  /** Path → base64. */
  readonly binaryFiles?: Readonly<Record<string, string>>
}

/** At most this many files are listed; the rest are counted. */
export const FILES_SHOWN = 200
/** A file with more lines than this (on either side) is listed without its lines. */
export const MAX_DIFFED_LINES = 2_000
/** A file's diff longer than this (context included) is listed without its lines. */
const MAX_SHOWN_LINES = 1_000
const CONTEXT_LINES = 3
export const BUILD_PATH = "dist/ (the build)"

const isBuild = (path: string) => path === "dist" || path.startsWith("dist/")

type Side = { readonly kind: "text"; readonly text: string } | { readonly kind: "binary"; readonly base64: string }

function sideOf(source: SourceFiles | null, path: string): Side | null {
  if (!source) return null
  const text = source.files[path]
  if (text !== undefined) return { kind: "text", text }
  const base64 = source.binaryFiles?.[path]
  return base64 !== undefined ? { kind: "binary", base64 } : null
}

const sameSide = (a: Side, b: Side) => a.kind === b.kind && (a.kind === "text" ? a.text === (b as typeof a).text : a.base64 === (b as { base64: string }).base64)

const pathsOf = (source: SourceFiles | null) => (source ? [...Object.keys(source.files), ...Object.keys(source.binaryFiles ?? {})] : [])

/** Keeps CONTEXT_LINES unchanged lines on each side of a change, dropping the rest. */
export function withContext(lines: readonly RawLine[], context = CONTEXT_LINES): DiffLine[] {
  const keep = new Uint8Array(lines.length)
  lines.forEach((line, index) => {
    if (line.kind === "same") return
    for (let at = Math.max(0, index - context); at <= Math.min(lines.length - 1, index + context); at += 1) keep[at] = 1
  })
  const shown: DiffLine[] = []
  lines.forEach((line, index) => {
    if (keep[index]) shown.push({ kind: line.kind === "add" ? "added" : line.kind === "remove" ? "removed" : "context", text: line.text })
  })
  return shown
}

function textChange(path: string, before: string | null, after: string | null): FileChange {
  const change = before === null ? "added" : after === null ? "removed" : "changed"
  const tooLong = splitLines(before ?? "").length > MAX_DIFFED_LINES || splitLines(after ?? "").length > MAX_DIFFED_LINES
  const raw = lineDiff(before ?? "", after ?? "")
  let addedLines = 0
  let removedLines = 0
  for (const line of raw) {
    if (line.kind === "add") addedLines += 1
    else if (line.kind === "remove") removedLines += 1
  }
  const shown = tooLong ? null : withContext(raw)
  return { path, change, addedLines, removedLines, lines: shown && shown.length <= MAX_SHOWN_LINES ? shown : null }
}

function fileChange(path: string, before: Side | null, after: Side | null): FileChange {
  if (before?.kind !== "binary" && after?.kind !== "binary") {
    return textChange(path, before?.kind === "text" ? before.text : null, after?.kind === "text" ? after.text : null)
  }
  return { path, change: before === null ? "added" : after === null ? "removed" : "changed", addedLines: 0, removedLines: 0, lines: null }
}

/** Every file that differs, sorted by path (the build as one entry first), at most FILES_SHOWN listed. */
export function diffSources(base: SourceFiles | null, next: SourceFiles | null): { files: FileChange[]; filesNotShown: number } {
  const paths = [...new Set([...pathsOf(base), ...pathsOf(next)])].sort()
  let buildChanged = false
  let buildBefore = false
  let buildAfter = false
  const changed: string[] = []
  for (const path of paths) {
    const before = sideOf(base, path)
    const after = sideOf(next, path)
    if (isBuild(path)) {
      buildBefore ||= before !== null
      buildAfter ||= after !== null
      if (!before || !after || !sameSide(before, after)) buildChanged = true
      continue
    }
    if (!before || !after || !sameSide(before, after)) changed.push(path)
  }
  const files: FileChange[] = []
  if (buildChanged) {
    files.push({ path: BUILD_PATH, change: !buildBefore ? "added" : !buildAfter ? "removed" : "changed", addedLines: 0, removedLines: 0, lines: null })
  }
  const room = Math.max(0, FILES_SHOWN - files.length)
  for (const path of changed.slice(0, room)) files.push(fileChange(path, sideOf(base, path), sideOf(next, path)))
  return { files, filesNotShown: Math.max(0, changed.length - room) }
}
