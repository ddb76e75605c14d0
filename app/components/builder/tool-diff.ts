// What an edit changed, line by line, from what the runtimes report of it: the text an Edit
// replaced and its replacement (Claude Code, OpenCode), or a patch (OpenCode's apply_patch). Pure;
// the tool rows count its lines ("+12 −3") and their details draw it.

export interface DiffLine {
  /** "meta": a patch's own header line (the file it changes, a hunk marker). */
  readonly kind: "add" | "remove" | "same" | "meta"
  readonly text: string
}

export interface DiffStats {
  readonly added: number
  readonly removed: number
}

/** Beyond this many line pairs the middle of an edit is shown as removed then added, not aligned. */
const ALIGN_LIMIT = 40_000

export function splitLines(text: string): string[] {
  if (text === "") return []
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n")
}

/** The longest common subsequence of two short line lists, as a diff of `before` into `after`. */
function alignedDiff(before: readonly string[], after: readonly string[]): DiffLine[] {
  const width = after.length + 1
  // lengths[i * width + j]: the LCS length of before[i..] and after[j..].
  const lengths = new Uint32Array((before.length + 1) * width)
  for (let i = before.length - 1; i >= 0; i -= 1) {
    for (let j = after.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] =
        before[i] === after[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!)
    }
  }
  const lines: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < before.length && j < after.length) {
    if (before[i] === after[j]) {
      lines.push({ kind: "same", text: before[i]! })
      i += 1
      j += 1
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      lines.push({ kind: "remove", text: before[i]! })
      i += 1
    } else {
      lines.push({ kind: "add", text: after[j]! })
      j += 1
    }
  }
  for (; i < before.length; i += 1) lines.push({ kind: "remove", text: before[i]! })
  for (; j < after.length; j += 1) lines.push({ kind: "add", text: after[j]! })
  return lines
}

/** `before` turned into `after`, line by line. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before)
  const b = splitLines(after)
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1
  let end = 0
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1
  const middleBefore = a.slice(start, a.length - end)
  const middleAfter = b.slice(start, b.length - end)
  const middle =
    middleBefore.length * middleAfter.length > ALIGN_LIMIT
      ? [...middleBefore.map((text) => ({ kind: "remove" as const, text })), ...middleAfter.map((text) => ({ kind: "add" as const, text }))]
      : alignedDiff(middleBefore, middleAfter)
  const same = (text: string): DiffLine => ({ kind: "same", text })
  return [...a.slice(0, start).map(same), ...middle, ...a.slice(a.length - end).map(same)]
}

export function diffStats(lines: readonly DiffLine[]): DiffStats {
  let added = 0
  let removed = 0
  for (const line of lines) {
    if (line.kind === "add") added += 1
    else if (line.kind === "remove") removed += 1
  }
  return { added, removed }
}

export interface PatchFile {
  readonly path: string
  readonly change: "created" | "modified" | "deleted"
}

const PATCH_FILE = /^\*\*\* (Add|Update|Delete) File: (.+)$/

/**
 * A patch in the `*** Begin Patch` format (OpenCode's and Codex's apply_patch): the files it
 * names and its lines. Lines of an added file are additions; `***` and `@@` lines are headers.
 */
export function readPatch(patch: string): { readonly files: readonly PatchFile[]; readonly lines: readonly DiffLine[] } {
  const files: PatchFile[] = []
  const lines: DiffLine[] = []
  for (const line of splitLines(patch)) {
    const file = PATCH_FILE.exec(line)
    if (file) {
      files.push({ path: file[2]!.trim(), change: file[1] === "Add" ? "created" : file[1] === "Delete" ? "deleted" : "modified" })
      lines.push({ kind: "meta", text: line })
    } else if (line.startsWith("***") || line.startsWith("@@")) {
      if (!/^\*\*\* (Begin|End) Patch/.test(line)) lines.push({ kind: "meta", text: line })
    } else if (line.startsWith("+")) lines.push({ kind: "add", text: line.slice(1) })
    else if (line.startsWith("-")) lines.push({ kind: "remove", text: line.slice(1) })
    else lines.push({ kind: "same", text: line.startsWith(" ") ? line.slice(1) : line })
  }
  return { files, lines }
}
