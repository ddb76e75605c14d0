// Reading what a build step printed into problems the agent can act on: file (relative to the
// app), line, column and message. tsc prints `src/App.tsx(3,7): error TS2322: ...` (with
// --pretty false, indented continuation lines); Vite prints "error during build:", a headline,
// and where it was in a `file: /abs/path:line:col` line or esbuild's `/abs/path:line:col: ERROR:`.
// A failed step whose output matches none of these still yields one problem: its last words.

import { isAbsolute, relative } from "node:path"
import type { BuildProblem } from "#shared/runtime/run-event.ts"

/** Problems kept per step: past this many, the first ones are what to fix anyway. */
export const MAX_PROBLEMS_PER_STEP = 50
const MAX_MESSAGE = 600

const TSC_LOCATED = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/
const TSC_GLOBAL = /^error (TS\d+): (.*)$/
const ESBUILD_LOCATED = /^(\/.+?):(\d+):(\d+): (?:ERROR|error): (.*)$/
const VITE_FILE = /^file: (.+?)(?::(\d+):(\d+))?$/
const ROLLUP_UNRESOLVED = /failed to resolve import "([^"]+)" from "([^"]+)"/
/** Vite's own stack frames: noise for the agent and the person. */
export const STACK_FRAME = /^\s+at .+/

const bounded = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text)

/** A path the tool printed, relative to the app when it lies inside it. */
export function appRelative(path: string, workdir: string): string {
  if (!isAbsolute(path)) return path
  const inside = relative(workdir, path)
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside
}

export function typecheckProblems(lines: readonly string[], workdir: string): BuildProblem[] {
  const problems: BuildProblem[] = []
  let last: { -readonly [K in keyof BuildProblem]: BuildProblem[K] } | null = null
  for (const line of lines) {
    const located = TSC_LOCATED.exec(line)
    const global = located ? null : TSC_GLOBAL.exec(line)
    if (located) {
      const [, file, row, column, code, message] = located
      last = { step: "typecheck", file: appRelative(file!, workdir), line: Number(row), column: Number(column), message: `${message} (${code})` }
    } else if (global) {
      last = { step: "typecheck", file: null, line: null, column: null, message: `${global[2]} (${global[1]})` }
    } else {
      // tsc indents the rest of a message that spans lines ("Type 'X' is not assignable ... \n  Property ...").
      if (last && /^\s+\S/.test(line)) last.message = bounded(`${last.message} ${line.trim()}`)
      continue
    }
    last.message = bounded(last.message)
    if (problems.length < MAX_PROBLEMS_PER_STEP) problems.push(last)
  }
  return problems
}

export function viteProblems(lines: readonly string[], workdir: string): BuildProblem[] {
  const start = lines.findIndex((line) => line.trim() === "error during build:")
  const report = (start >= 0 ? lines.slice(start + 1) : lines).filter((line) => !STACK_FRAME.test(line))
  const located = report.flatMap((line): BuildProblem[] => {
    const match = ESBUILD_LOCATED.exec(line)
    if (!match) return []
    const [, file, row, column, message] = match
    return [{ step: "build", file: appRelative(file!, workdir), line: Number(row), column: Number(column), message: bounded(message!) }]
  })
  if (located.length > 0) return located.slice(0, MAX_PROBLEMS_PER_STEP)
  if (start < 0) return []
  const headline = report.find((line) => line.trim().length > 0)?.trim()
  if (!headline) return []
  const where = report.map((line) => VITE_FILE.exec(line)).find((match) => match !== null)
  const unresolved = ROLLUP_UNRESOLVED.exec(headline)
  const file = where?.[1] ?? unresolved?.[2] ?? null
  return [
    {
      step: "build",
      file: file === null ? null : appRelative(file, workdir),
      line: where?.[2] ? Number(where[2]) : null,
      column: where?.[3] ? Number(where[3]) : null,
      message: bounded(headline),
    },
  ]
}

/** The step failed and said nothing this module recognizes: the end of its output is the best clue. */
export function unrecognizedFailure(step: BuildProblem["step"], lines: readonly string[], fallback: string): BuildProblem {
  const tail = lines.filter((line) => line.trim().length > 0 && !STACK_FRAME.test(line)).slice(-6).join("\n")
  return { step, file: null, line: null, column: null, message: bounded(tail || fallback) }
}

/** One line per problem, "src/App.tsx:3:7 message", at most `max` of them. */
export function describeProblems(problems: readonly BuildProblem[], max = 20): string {
  const lines = problems.slice(0, max).map((problem) => {
    const where = problem.file === null ? "" : `${problem.file}${problem.line === null ? "" : `:${problem.line}${problem.column === null ? "" : `:${problem.column}`}`} `
    return `- ${where}${problem.message} [${problem.step}]`
  })
  if (problems.length > max) lines.push(`- … and ${problems.length - max} more`)
  return lines.join("\n")
}
