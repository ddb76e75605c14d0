import { renderToStaticMarkup } from "react-dom/server"
import { beforeAll, describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import type { Transcript } from "#shared/runs/transcript.ts"
import { loadRichText } from "../builder/rich-text.tsx"
import { AgentRunsList } from "./agent-runs-list.tsx"
import { AgentRunTranscript, agentRunTranscriptHref, type AgentRunTranscriptData } from "./agent-run-transcript.tsx"
import type { AgentRunView } from "./agents-view.ts"

// Markdown is a chunk of its own; the server has it before it renders.
beforeAll(async () => {
  expect(await loadRichText()).not.toBeNull()
})

const ACTION = "/w/w/apps/a/agents"

const weather = (output: string | null) =>
  ({ kind: "tool", callId: "c1", name: "app_tools.get_weather", input: { city: "Oslo" }, inputText: "", output, isError: false }) as const

const mockAnswer = JSON.stringify({ mock: true, mockReason: "approved for mock data only", status: null, body: { temp: 20 } })

const render = (data: AgentRunTranscriptData | undefined) => renderToStaticMarkup(<AgentRunTranscript data={data} loading={data === undefined} />)

/** Each tool call's one line, as a person reads it. */
const toolLines = (html: string) => [...html.matchAll(/data-testid="tool-call"[^>]*><summary[^>]*>(.*?)<\/summary>/g)].map(([, line]) => textOf(line ?? ""))

describe("what an agent run did", () => {
  it("shows the tools it called, mock answers marked, its answer as Markdown, and its error", () => {
    const transcript: Transcript = [
      weather(mockAnswer),
      { kind: "text", text: "It is **20 °C** in Oslo." },
      { kind: "error", message: "The model stopped answering.", code: "runtime_failed", retryable: true },
    ]
    const html = render({ run: { status: "failed", transcript } })
    expect(toolLines(html)).toEqual(["Called get_weather · mock"])
    expect(html).toMatch(/<strong[^>]*>20 °C<\/strong>/)
    expect(html).toMatch(/data-testid="run-error" data-code="runtime_failed"/)
    expect(textOf(html)).toContain("The agent stopped with an error The model stopped answering.")
    expect(html).not.toContain("agent-run-transcript-active")
  })

  it("says a run is still going, and one that has not started yet", () => {
    const running = render({ run: { status: "running", transcript: [weather(null)] } })
    expect(toolLines(running)).toEqual(["Calling get_weather"])
    expect(textOf(running)).toContain("Still running — close and open again to see more.")
    expect(textOf(render({ run: { status: "queued", transcript: [] } }))).toBe("It has not started yet. Waiting to start — close and open again to see more.")
    expect(textOf(render({ run: { status: "completed", transcript: [] } }))).toBe("It left nothing to show.")
  })

  it("says while it loads, and when the run could not be read", () => {
    expect(textOf(render(undefined))).toBe("Loading what it did…")
    const failed = render({ run: null })
    expect(failed).toContain('role="alert"')
    expect(textOf(failed)).toContain("What this run did could not be loaded.")
  })

  it("is read from the Agents route, that run only", () => {
    expect(agentRunTranscriptHref(ACTION, "r/1")).toBe(`${ACTION}?view=run&runId=r%2F1`)
  })
})

describe("a run's row", () => {
  const run: AgentRunView = {
    id: "r1",
    agentId: "weather",
    agentName: "Weather",
    status: "completed",
    mode: "mock",
    scope: "draft",
    triggeredBy: "Bea",
    prompt: "Weather in Oslo?",
    createdAt: "2026-03-05T14:03:00Z",
    endedAt: "2026-03-05T14:04:00Z",
    error: null,
    canCancel: false,
  }

  it("offers what the run did behind a closed disclosure named for the run", async () => {
    const html = await renderInRouter(<AgentRunsList runs={[run]} action={ACTION} />, `http://localhost${ACTION}`)
    const details = html.match(/<details [^>]*data-testid="agent-run-details"[^>]*>(.*?)<\/details>/)
    expect(details?.[0]).not.toMatch(/<details [^>]*\bopen\b/)
    const summary = details?.[1]?.match(/<summary[^>]*>(.*?)<\/summary>/)?.[1] ?? ""
    expect(textOf(summary)).toBe("Show what it did in the run of Weather")
  })
})
