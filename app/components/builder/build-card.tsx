// A build done_building ran, as the chat shows it: "Building…" with the seconds it has taken so
// far, then "Built in 2.3 s · version 4" or "Build failed" with each problem where the tool found
// it (src/App.tsx:3:7 message); the output's tail folds away under both.

import { ChevronRight, CircleCheck, CircleX, LoaderCircle, TriangleAlert } from "lucide-react"
import { useEffect, useState } from "react"
import type { TranscriptPart } from "#shared/runs/transcript.ts"
import { cn } from "../ui/cn.ts"

export type BuildPart = Extract<TranscriptPart, { kind: "build" }>
type BuildProblem = BuildPart["problems"][number]

export interface BuildCardProps {
  readonly part: BuildPart
  /** The run has ended: a build still "running" in it was cut short and never will finish. */
  readonly ended?: boolean
  /** What done_building said the build is of, for the person. */
  readonly summary?: string | null
}

export const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** "src/App.tsx:3:7", "src/App.tsx:3", "src/App.tsx", or null when the tool named no file. */
export function problemLocation(problem: Pick<BuildProblem, "file" | "line" | "column">): string | null {
  if (problem.file === null) return null
  if (problem.line === null) return problem.file
  return problem.column === null ? `${problem.file}:${problem.line}` : `${problem.file}:${problem.line}:${problem.column}`
}

export function buildHeadline(part: BuildPart, ended: boolean): string {
  switch (part.state) {
    case "running":
      return ended ? "The build did not finish" : "Building…"
    case "succeeded": {
      const took = part.durationMs === null ? "Built" : `Built in ${formatSeconds(part.durationMs)}`
      return part.versionNumber === null ? took : `${took} · version ${part.versionNumber}`
    }
    case "failed":
      return "Build failed"
  }
}

/**
 * Whole seconds since this card first saw the build running. Null until the page is live (and on
 * the server), so the first render matches the server's. NOTE: a reload mid-build counts from the
 * reload; the part carries no start time.
 */
function useElapsedSeconds(running: boolean): number | null {
  const [elapsed, setElapsed] = useState<number | null>(null)
  useEffect(() => {
    if (!running) return
    const started = Date.now()
    setElapsed(0)
    const timer = setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 1000)
    return () => clearInterval(timer)
  }, [running])
  return running ? elapsed : null
}

const HEADLINE_ICONS = {
  running: null,
  succeeded: <CircleCheck className="size-4 shrink-0 text-success" aria-hidden />,
  failed: <CircleX className="size-4 shrink-0 text-destructive" aria-hidden />,
  unfinished: <TriangleAlert className="size-4 shrink-0 text-warning" aria-hidden />,
} as const

const CARD_TONES = {
  running: "",
  succeeded: "border-success/30",
  failed: "border-destructive/30",
  unfinished: "border-warning/30",
} as const

export function BuildCard({ part, ended = false, summary = null }: BuildCardProps) {
  const running = part.state === "running" && !ended
  const elapsed = useElapsedSeconds(running)
  const state = part.state === "running" && ended ? "unfinished" : part.state
  return (
    <section
      className={cn("grid min-w-0 gap-2 rounded-xl border bg-card px-4 py-3 text-card-foreground shadow-xs", CARD_TONES[state])}
      data-testid="build-card"
      data-build-state={state}
      aria-label="Build"
      aria-busy={running}
    >
      <p className="flex items-center gap-2 font-medium">
        {running ? <LoaderCircle className="size-4 shrink-0 animate-spin text-muted-foreground motion-reduce:animate-none" aria-hidden /> : HEADLINE_ICONS[state]}
        {/* The headline is announced when it changes; the ticking seconds beside it are not. */}
        <span role="status">{buildHeadline(part, ended)}</span>
        {running && elapsed !== null ? <span className="font-normal text-muted-foreground tabular-nums"> {elapsed} s</span> : null}
      </p>
      {running ? <progress className="h-1.5 w-full accent-primary" aria-label="Building the app" /> : null}
      {summary && part.state !== "failed" ? (
        <p className="whitespace-pre-wrap wrap-anywhere" data-testid="done-building">
          {summary}
        </p>
      ) : null}
      {part.state === "failed" && part.message ? <p className="wrap-anywhere">{part.message}</p> : null}
      {part.state === "failed" ? <p className="text-xs text-muted-foreground">The agent was told what failed, so it can fix it.</p> : null}
      {part.problems.length > 0 ? (
        <ul className="grid gap-1 text-sm" aria-label="Problems">
          {part.problems.map((problem, index) => {
            const location = problemLocation(problem)
            return (
              <li key={index} className="min-w-0 wrap-anywhere" data-testid="build-problem">
                {location ? <code className="rounded bg-muted px-1 font-mono text-xs">{location}</code> : null}
                {location ? " " : null}
                {problem.message}
              </li>
            )
          })}
        </ul>
      ) : null}
      {part.output ? (
        <details className="group min-w-0">
          <summary className="flex w-fit cursor-pointer list-none items-center gap-1 rounded-md text-xs text-muted-foreground hover:text-foreground [&::-webkit-details-marker]:hidden">
            <ChevronRight className="size-3.5 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
            Output
          </summary>
          <pre tabIndex={0} className="mt-1 max-h-64 overflow-auto rounded-lg border bg-muted p-3 text-xs leading-5 whitespace-pre-wrap wrap-anywhere" data-testid="build-output">
            {part.output}
          </pre>
        </details>
      ) : null}
    </section>
  )
}
