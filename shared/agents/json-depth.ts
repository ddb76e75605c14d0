// How deeply a configuration file's JSON may nest. A few kilobytes of "[[[[…" are a valid file, and
// every reader that walks JSON by recursion (the schema decoder, the hash, the diff, the tool's body
// template) would run out of stack on it and turn a bad file into a crashed page. So the depth is
// checked here first, without recursion, and a file too deep is refused at its JSON path like any
// other problem.

import type { PathSegment } from "./config-problems.ts"

/** Arrays and objects inside one another, counted from the value itself (`{}` is 1, `[{}]` is 2). */
export const JSON_MAX_DEPTH = 32

export interface JsonDepthProblem {
  readonly path: readonly PathSegment[]
  readonly message: string
}

/**
 * Whether the value at `path` is free JSON (mock data, a body template, a response schema): its
 * depth is counted from itself, and the problem is reported at its path, which the builder fixes.
 * Outside free values the depth is counted from the file's root.
 */
export type FreeJsonAt = (path: readonly PathSegment[]) => boolean

interface Frame {
  readonly value: unknown
  /** Null inside a free value: paths there are not built (the free value's own is what is reported). */
  readonly path: readonly PathSegment[] | null
  readonly depth: number
  /** The free value this one is inside, or null. */
  readonly free: { readonly path: readonly PathSegment[]; reported: boolean } | null
}

const isContainer = (value: unknown): value is object => value !== null && typeof value === "object"

/** Every place `root` nests deeper than `maxDepth`: one problem per free value, or the first spot outside them. */
export function jsonDepthProblems(root: unknown, fileName: string, freeJsonAt: FreeJsonAt = () => false, maxDepth = JSON_MAX_DEPTH): JsonDepthProblem[] {
  const problems: JsonDepthProblem[] = []
  const stack: Frame[] = [{ value: root, path: [], depth: 1, free: null }]
  while (stack.length > 0) {
    const frame = stack.pop()!
    let { path, depth, free } = frame
    if (free?.reported) continue
    if (path !== null && free === null && freeJsonAt(path)) {
      free = { path, reported: false }
      depth = 1
    }
    if (!isContainer(frame.value)) continue
    if (depth > maxDepth) {
      if (free) {
        free.reported = true
        problems.push({ path: free.path, message: `nests arrays and objects more than ${maxDepth} levels deep; flatten it to at most ${maxDepth} levels` })
        continue
      }
      // Outside free values the file's own structure is a few levels deep: this is not agents.json's shape.
      problems.push({ path: path ?? [], message: `is nested more than ${maxDepth} levels deep in ${fileName}, deeper than its format ever goes; fix the file's structure` })
      return problems
    }
    const entries: Array<[PathSegment, unknown]> = Array.isArray(frame.value) ? frame.value.map((item, index) => [index, item]) : Object.entries(frame.value)
    // Pushed in reverse so the first member is looked at first, and problems come in file order.
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [key, value] = entries[index]!
      if (!isContainer(value)) continue
      stack.push({ value, path: free ? null : [...(path ?? []), key], depth: depth + 1, free })
    }
  }
  return problems
}
