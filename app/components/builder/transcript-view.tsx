// The assistant's side of one run, part by part: text as Markdown, reasoning folded away, each
// tool call as one line that opens onto its details, file changes linked to the files view, and
// errors saying what happened. Usage is not here: the run card keeps it behind its Usage toggle.
// The same component renders the live fold and the persisted transcript, so a run looks the same
// before and after it ends. The builder's own tools (second.*) get their own cards
// (builder-tool-cards.tsx).

import { Link } from "@remix-run/react"
import { Brain, ChevronRight, FilePen, FilePlus, FileX } from "lucide-react"
import { builderToolOf } from "#shared/mcp/tool-names.ts"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"
import { Badge } from "../ui/badge.tsx"
import { Notice } from "../ui/notice.tsx"
import { BuildCard } from "./build-card.tsx"
import type { RunAnswer } from "./builder-run.ts"
import { builderCardsContext, builderToolCard, type BuilderCardsContext } from "./builder-tool-cards.tsx"
import { MarkdownText } from "./rich-text.tsx"
import { doneBuildingInput, toolInputFields } from "./tool-input.ts"
import { pathContextOf, type PathContext } from "./tool-paths.ts"
import { ToolRow } from "./tool-row.tsx"

type ToolPart = Extract<TranscriptPart, { kind: "tool" }>
type FilePart = Extract<TranscriptPart, { kind: "file" }>

export interface TranscriptViewProps {
  readonly parts: Transcript
  /** Where a changed file can be read; no link when absent (a deleted file, say). */
  readonly fileHref?: (path: string) => string
  /**
   * How the person can answer the run (approve its plan, pick a suggestion). Without it the cards
   * are read-only and need no router: the buttons, Remix forms, appear only when it is answerable.
   */
  readonly answer?: RunAnswer
  /** The run has ended: a build it left "running" is shown as unfinished, not as still building. */
  readonly ended?: boolean
}

/**
 * The done_building call a build part belongs to: the build runs inside the call, so its part
 * comes right after the call's (nothing but text in between). The build card then tells it all
 * (the summary, the outcome, the problems) and the call's own card is not drawn.
 */
function buildCalls(parts: Transcript): ReadonlyMap<number, ToolPart> {
  const calls = new Map<number, ToolPart>()
  parts.forEach((part, index) => {
    if (part.kind !== "build") return
    const call = parts.slice(0, index).findLast((earlier) => earlier.kind === "tool" || earlier.kind === "build")
    if (call?.kind === "tool" && builderToolOf(call.name) === "done_building") calls.set(index, call)
  })
  return calls
}

const summaryOf = (call: ToolPart | undefined) => (call ? (doneBuildingInput(toolInputFields(call))?.summary ?? null) : null)

export function TranscriptView({ parts, fileHref, answer, ended = false }: TranscriptViewProps) {
  const cards = builderCardsContext(parts, answer ?? null)
  const calls = buildCalls(parts)
  const told = new Set(calls.values())
  const paths = pathContextOf(parts)
  return (
    <div className="grid min-w-0 gap-2">
      {/* Parts are only appended or updated in place, so their position is a stable key. */}
      {parts.map((part, index) =>
        part.kind === "tool" && told.has(part) ? null : part.kind === "build" ? (
          <BuildCard key={index} part={part} ended={ended} summary={summaryOf(calls.get(index))} />
        ) : (
          <PartView key={index} part={part} index={index} cards={cards} paths={paths} fileHref={fileHref} ended={ended} />
        ),
      )}
    </div>
  )
}

interface PartViewProps {
  readonly part: TranscriptPart
  readonly index: number
  readonly cards: BuilderCardsContext
  readonly paths: PathContext
  readonly fileHref: TranscriptViewProps["fileHref"]
  readonly ended: boolean
}

function PartView({ part, index, cards, paths, fileHref, ended }: PartViewProps) {
  switch (part.kind) {
    case "text":
      return (
        <div className="min-w-0" data-testid="assistant-text">
          <MarkdownText text={part.text} />
        </div>
      )
    case "reasoning":
      return (
        <details className="group min-w-0 text-muted-foreground" data-testid="reasoning">
          <summary className="flex w-fit cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1 hover:bg-muted hover:text-foreground [&::-webkit-details-marker]:hidden">
            <Brain className="size-4 shrink-0" aria-hidden />
            Reasoning
            <ChevronRight className="size-4 shrink-0 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
          </summary>
          <div className="mt-1 ml-4 border-l-2 pl-4">
            <MarkdownText text={part.text} />
          </div>
        </details>
      )
    case "tool":
      return builderToolCard(part, index, cards) ?? <ToolRow part={part} paths={paths} />
    case "file":
      return <FileChange part={part} fileHref={fileHref} />
    case "usage":
      return null
    case "error":
      return <RunErrorMessage message={part.message} code={part.code} retryable={part.retryable} />
    case "build":
      return <BuildCard part={part} ended={ended} />
  }
}

const FILE_ICONS = { created: FilePlus, modified: FilePen, deleted: FileX } as const
const FILE_BADGES = { created: "success", modified: "outline", deleted: "destructive" } as const

function FileChange({ part, fileHref }: { part: FilePart; fileHref: TranscriptViewProps["fileHref"] }) {
  const Icon = FILE_ICONS[part.change]
  const path = (
    <code className="min-w-0 truncate font-mono text-xs" title={part.path}>
      {part.path}
    </code>
  )
  return (
    <div className="flex min-w-0 items-center gap-2 px-2 py-1" data-testid="file-change" data-change={part.change}>
      <Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
      {fileHref && part.change !== "deleted" ? (
        <Link to={fileHref(part.path)} className="flex min-w-0 text-primary underline-offset-2 hover:underline">
          {path}
        </Link>
      ) : (
        path
      )}
      <Badge variant={FILE_BADGES[part.change]}>{part.change}</Badge>
    </div>
  )
}

/** A failure of the run: what happened, and whether trying again may help. */
export function RunErrorMessage({ message, code, retryable }: { message: string; code: string; retryable: boolean }) {
  return (
    <div data-testid="run-error" data-code={code}>
      <Notice tone="error" title="The agent stopped with an error">
        <p className="wrap-anywhere">{message}</p>
        <p className="text-xs">
          {retryable ? "It may work if you try again." : "Trying again will not change this: the message above says what to fix."}{" "}
          <span className="font-mono">({code})</span>
        </p>
      </Notice>
    </div>
  )
}
