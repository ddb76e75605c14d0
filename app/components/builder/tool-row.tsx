// One tool call in the chat: a single line that says what the agent did ("Edited `src/App.tsx`
// +12 −3", "Ran `npm test` · exit 0"), marked when it failed or was stopped, that opens (a native
// <details>, so by keyboard too) onto what went in and what came back: a diff for an edit, the
// command and its output, the file written, the to-do list, else the input and the answer.

import {
  Bot, ChevronRight, CircleCheck, Circle, CircleDot, ClipboardList, Database, FilePen, FilePlus, FileText, FileX, FolderOpen,
  Globe, Hammer, ListTodo, LoaderCircle, Search, SquareTerminal, Wrench, type LucideIcon,
} from "lucide-react"
import type { ReactNode } from "react"
import type { TranscriptPart } from "#shared/runs/transcript.ts"
import { Badge } from "../ui/badge.tsx"
import { withoutTerminalCodes } from "../../text/terminal-text.ts"
import { cn } from "../ui/cn.ts"
import { HighlightedCode } from "./rich-text.tsx"
import type { DiffLine } from "./tool-diff.ts"
import type { PathContext } from "./tool-paths.ts"
import { describeTool, toolSentence, type ToolDetail, type ToolIcon, type ToolSummary } from "./tool-summary.ts"

type ToolPart = Extract<TranscriptPart, { kind: "tool" }>

export type ToolCallState = "running" | "done" | "error" | "stopped" | "failed"

/** A call's state: "stopped" or "failed" (with its turn) when the turn ended before it returned. */
export function toolCallState(part: Pick<ToolPart, "output" | "isError" | "cutShort">): ToolCallState {
  if (part.output !== null) return part.isError ? "error" : "done"
  return part.cutShort ?? "running"
}

const ICONS: Readonly<Record<ToolIcon, LucideIcon>> = {
  run: SquareTerminal,
  read: FileText,
  create: FilePlus,
  edit: FilePen,
  delete: FileX,
  search: Search,
  list: FolderOpen,
  web: Globe,
  todo: ListTodo,
  agent: Bot,
  plan: ClipboardList,
  build: Hammer,
  data: Database,
  tool: Wrench,
}

export function ToolRow({ part, paths }: { part: ToolPart; paths: PathContext }) {
  const summary = describeTool(part, paths)
  const state = toolCallState(part)
  const Icon = ICONS[summary.icon]
  const troubled = state === "error" || state === "failed"
  return (
    <details className="group min-w-0" data-testid="tool-call" data-tool-state={state}>
      <summary
        title={toolSentence(summary)}
        className="flex min-w-0 cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1 text-muted-foreground hover:bg-muted hover:text-foreground [&::-webkit-details-marker]:hidden"
      >
        {state === "running" ? (
          // The sentence says it runs ("Running …"); the spinner only shows it.
          <LoaderCircle className="size-4 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden />
        ) : (
          <Icon className={cn("size-4 shrink-0", troubled && "text-destructive")} aria-hidden />
        )}
        <span className="min-w-0 truncate">
          {summary.verb}
          {summary.subject ? (
            <>
              {" "}
              <code className="rounded bg-muted px-1 font-mono text-xs text-foreground group-hover:bg-background">{summary.subject}</code>
            </>
          ) : null}
          {summary.tail ? ` ${summary.tail}` : null}
        </span>
        <RowFacts summary={summary} />
        {troubled ? <Badge variant="destructive">failed</Badge> : state === "stopped" ? <Badge variant="outline">stopped</Badge> : null}
        <ChevronRight className="ml-auto size-4 shrink-0 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
      </summary>
      <div className="mt-1 mb-2 grid min-w-0 gap-3 pl-8">
        {summary.details.map((detail, index) => (
          <Detail key={index} detail={detail} />
        ))}
        {summary.showOutput ? <Output part={part} command={summary.icon === "run"} /> : null}
        {summary.details.length === 0 && !summary.showOutput ? <p className="text-muted-foreground">Nothing more to show.</p> : null}
      </div>
    </details>
  )
}

function RowFacts({ summary }: { summary: ToolSummary }) {
  const { stats, exitCode } = summary
  return (
    <>
      {stats ? (
        <span className="shrink-0 font-mono text-xs" title={`${stats.added} lines added, ${stats.removed} removed`}>
          {stats.added > 0 || stats.removed === 0 ? <span className="text-success">+{stats.added}</span> : null}
          {stats.added > 0 && stats.removed > 0 ? " " : null}
          {stats.removed > 0 ? <span className="text-destructive">−{stats.removed}</span> : null}
        </span>
      ) : null}
      {exitCode !== null ? <span className={cn("shrink-0 text-xs", exitCode !== 0 && "text-destructive")}>· exit {exitCode}</span> : null}
    </>
  )
}

function Section({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid min-w-0 gap-1">
      <p className="text-xs font-medium text-muted-foreground">{label}</p>
      {children}
    </div>
  )
}

const TODO_ICONS = { completed: CircleCheck, in_progress: CircleDot, pending: Circle, cancelled: Circle } as const
const TODO_WORDS = { completed: "Done", in_progress: "In progress", pending: "To do", cancelled: "Cancelled" } as const

function Detail({ detail }: { detail: ToolDetail }) {
  switch (detail.kind) {
    case "command":
      return (
        <Section label="Command">
          <HighlightedCode code={detail.command} language="sh" compact />
        </Section>
      )
    case "diff":
      return (
        <Section label={detail.path ? `Changes to ${detail.path}` : "Changes"}>
          <DiffView lines={detail.lines} />
        </Section>
      )
    case "file":
      return (
        <Section label="Content">
          <HighlightedCode code={detail.content} language={detail.path} compact />
        </Section>
      )
    case "files":
      return (
        <Section label="Files">
          <ul className="grid gap-1">
            {detail.files.map((file) => (
              <li key={file.path} className="flex min-w-0 items-center gap-2">
                <code className="min-w-0 truncate font-mono text-xs" title={file.path}>
                  {file.path}
                </code>
                <Badge variant={file.change === "created" ? "success" : file.change === "deleted" ? "destructive" : "outline"}>{file.change}</Badge>
              </li>
            ))}
          </ul>
        </Section>
      )
    case "todos":
      return (
        <Section label="To-do list">
          <ul className="grid gap-1">
            {detail.items.map((item, index) => {
              const Icon = TODO_ICONS[item.status]
              return (
                <li key={index} className={cn("flex items-start gap-2", item.status === "cancelled" && "line-through")}>
                  <Icon className={cn("mt-1 size-4 shrink-0", item.status === "completed" ? "text-success" : "text-muted-foreground")} aria-hidden />
                  <span className="sr-only">{TODO_WORDS[item.status]}:</span>
                  <span className="min-w-0 wrap-anywhere">{item.text}</span>
                </li>
              )
            })}
          </ul>
        </Section>
      )
    case "text":
      return (
        <Section label={detail.label}>
          <p className="max-h-80 overflow-auto whitespace-pre-wrap wrap-anywhere">{detail.text}</p>
        </Section>
      )
    case "input":
      return (
        <Section label="Input">
          <HighlightedCode code={detail.text} language={detail.text.startsWith("{") || detail.text.startsWith("[") ? "json" : null} compact />
        </Section>
      )
  }
}

const DIFF_LINE_CLASSES: Readonly<Record<DiffLine["kind"], string>> = {
  add: "bg-success/15",
  remove: "bg-destructive/15",
  same: "",
  meta: "text-muted-foreground",
}
const DIFF_MARKS: Readonly<Record<DiffLine["kind"], string>> = { add: "+", remove: "−", same: " ", meta: " " }

function DiffView({ lines }: { lines: readonly DiffLine[] }) {
  return (
    <pre tabIndex={0} className="max-h-96 overflow-auto rounded-lg border bg-muted py-2 text-xs leading-5" data-testid="tool-diff">
      <code className="grid w-max min-w-full">
        {lines.map((line, index) => (
          <span key={index} className={cn("min-h-5 px-3 whitespace-pre", DIFF_LINE_CLASSES[line.kind])}>
            <span className="text-muted-foreground select-none" aria-hidden>
              {DIFF_MARKS[line.kind]}{" "}
            </span>
            {line.kind === "add" ? <span className="sr-only">Added: </span> : line.kind === "remove" ? <span className="sr-only">Removed: </span> : null}
            {line.text}
          </span>
        ))}
      </code>
    </pre>
  )
}

/** A tool's answer: pretty JSON when it is JSON, else the text as it came. */
function Output({ part, command }: { part: ToolPart; command: boolean }) {
  if (part.output === null) return null
  const label = part.isError ? "Error" : command ? "Output" : "Result"
  // Claude Code wraps the errors it gives the model in <tool_use_error>; a person needs only the words.
  const output = withoutTerminalCodes(part.output.replace(/^\s*<tool_use_error>([\s\S]*)<\/tool_use_error>\s*$/, "$1"))
  if (output.trim() === "") return (
      <Section label={label}>
        <p className="text-muted-foreground">No output.</p>
      </Section>
    )
  const json = prettyJson(output)
  return (
    <Section label={label}>
      {json !== null ? (
        <HighlightedCode code={json} language="json" compact />
      ) : (
        <pre
          tabIndex={0}
          data-testid="tool-result"
          className={cn("max-h-80 overflow-auto rounded-lg border bg-muted p-3 text-xs leading-5 whitespace-pre-wrap wrap-anywhere", part.isError && "text-destructive")}
        >
          {output}
        </pre>
      )}
    </Section>
  )
}

function prettyJson(text: string): string | null {
  const trimmed = text.trim()
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return null
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2)
  } catch {
    return null
  }
}
