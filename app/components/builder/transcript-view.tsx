// The assistant's side of one run, part by part: text (newlines kept), reasoning (muted, folded),
// tool calls with their input and result, file changes, usage and errors. The same component
// renders the live fold and the persisted transcript, so a run looks the same before and after.
// The builder's own tools (second.*) get their own cards (builder-tool-cards.tsx).

import { Link } from "@remix-run/react"
import { builderToolOf } from "#shared/mcp/tool-names.ts"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"
import { BuildCard } from "./build-card.tsx"
import type { RunAnswer } from "./builder-run.ts"
import { builderCardsContext, builderToolCard, type BuilderCardsContext } from "./builder-tool-cards.tsx"
import { doneBuildingInput, toolInputFields } from "./tool-input.ts"

type ToolPart = Extract<TranscriptPart, { kind: "tool" }>
type UsagePart = Extract<TranscriptPart, { kind: "usage" }>

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
  return (
    <div className="transcript">
      {/* Parts are only appended or updated in place, so their position is a stable key. */}
      {parts.map((part, index) =>
        part.kind === "tool" && told.has(part) ? null : part.kind === "build" ? (
          <BuildCard key={index} part={part} ended={ended} summary={summaryOf(calls.get(index))} />
        ) : (
          <PartView key={index} part={part} index={index} cards={cards} fileHref={fileHref} ended={ended} />
        ),
      )}
    </div>
  )
}

interface PartViewProps {
  readonly part: TranscriptPart
  readonly index: number
  readonly cards: BuilderCardsContext
  readonly fileHref: TranscriptViewProps["fileHref"]
  readonly ended: boolean
}

function PartView({ part, index, cards, fileHref, ended }: PartViewProps) {
  switch (part.kind) {
    case "text":
      return (
        <div className="assistant-text" data-testid="assistant-text">
          {part.text}
        </div>
      )
    case "reasoning":
      return (
        <details className="reasoning" data-testid="reasoning">
          <summary>Reasoning</summary>
          <div className="reasoning-text">{part.text}</div>
        </details>
      )
    case "tool":
      return builderToolCard(part, index, cards) ?? <ToolCall part={part} />
    case "file":
      return (
        <div className="file-change" data-testid="file-change" data-change={part.change}>
          <span className={`pill change-${part.change}`}>{part.change}</span>{" "}
          {fileHref && part.change !== "deleted" ? <Link to={fileHref(part.path)}>{part.path}</Link> : <code>{part.path}</code>}
        </div>
      )
    case "usage":
      return (
        <p className="usage" data-testid="usage">
          {describeUsage(part)}
        </p>
      )
    case "error":
      return <RunErrorMessage message={part.message} code={part.code} />
    case "build":
      return <BuildCard part={part} ended={ended} />
  }
}

/** A tool card's state: "stopped" or "failed" (with its turn) when the turn ended before it returned. */
function toolCallState(part: Pick<ToolPart, "output" | "isError" | "cutShort">): ToolCallState {
  if (part.output !== null) return part.isError ? "error" : "done"
  return part.cutShort ?? "running"
}

type ToolCallState = "running" | "done" | "error" | "stopped" | "failed"

const TOOL_CALL_LABELS: Readonly<Record<ToolCallState, string>> = {
  running: "running…",
  done: "done",
  error: "failed",
  stopped: "stopped",
  failed: "failed",
}

function ToolCall({ part }: { part: ToolPart }) {
  const input = toolInputText(part)
  const state = toolCallState(part)
  return (
    <div className={`tool-call tool-${state}`} data-testid="tool-call" data-tool-state={state}>
      <div className="tool-head">
        <span className="tool-name">{part.name}</span> <span className="muted">{TOOL_CALL_LABELS[state]}</span>
      </div>
      {input ? <pre className="tool-input">{input}</pre> : null}
      {part.output !== null ? (
        <details className="tool-result" open={part.isError}>
          <summary>{part.isError ? "Error output" : "Result"}</summary>
          <pre data-testid="tool-result">{part.output || "(no output)"}</pre>
        </details>
      ) : null}
    </div>
  )
}

export function RunErrorMessage({ message, code }: { message: string; code: string }) {
  return (
    <p className="run-error" role="alert" data-testid="run-error" data-code={code}>
      {message} <span className="muted">({code})</span>
    </p>
  )
}

/** The input as the runtime sent it: streamed input text (pretty when it is JSON), else the input object. */
export function toolInputText(part: Pick<ToolPart, "input" | "inputText">): string {
  if (part.inputText.length > 0) {
    try {
      return JSON.stringify(JSON.parse(part.inputText), null, 2)
    } catch {
      return part.inputText
    }
  }
  if (part.input === null || part.input === undefined) return ""
  return typeof part.input === "string" ? part.input : JSON.stringify(part.input, null, 2)
}

// A fixed locale, so the server's rendering and the browser's agree (no hydration mismatch).
const count = (n: number) => n.toLocaleString("en-US")

export function describeUsage(usage: Omit<UsagePart, "kind">): string {
  const pieces = [`${count(usage.inputTokens)} input tokens`, `${count(usage.outputTokens)} output tokens`]
  if (usage.cachedInputTokens !== null) pieces.push(`${count(usage.cachedInputTokens)} cached`)
  if (usage.costUsd !== null) pieces.push(`$${usage.costUsd.toFixed(4)}`)
  return pieces.join(" · ")
}
