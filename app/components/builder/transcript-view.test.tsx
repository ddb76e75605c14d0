import { renderToStaticMarkup } from "react-dom/server"
import { describe, expect, it } from "vitest"
import { foldEvents } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { TranscriptView } from "./transcript-view.tsx"

const bash: RunEvent = { type: "tool.started", callId: "c1", name: "Bash", input: { command: "npm test" } }

/** What each tool card says, as a person reads it. */
const toolCards = (events: RunEvent[]) => {
  const html = renderToStaticMarkup(<TranscriptView parts={foldEvents(events)} />)
  return [...html.matchAll(/data-tool-state="([^"]+)"><div class="tool-head"><span class="tool-name">([^<]+)<\/span> <span class="muted">([^<]+)<\/span>/g)].map(
    ([, state, name, label]) => `${name}: ${label} (${state})`,
  )
}

describe("a tool card", () => {
  it("says running while its tool runs, and stopped once the run was stopped", () => {
    expect(toolCards([bash])).toEqual(["Bash: running… (running)"])
    expect(toolCards([bash, { type: "turn.completed", outcome: "cancelled" }])).toEqual(["Bash: stopped (stopped)"])
  })

  it("says failed when the run failed under it, and keeps what a finished tool said", () => {
    const finished: RunEvent = { type: "tool.result", callId: "c1", output: "ok", isError: false }
    expect(toolCards([bash, { type: "turn.completed", outcome: "failed" }])).toEqual(["Bash: failed (failed)"])
    expect(toolCards([bash, finished, { type: "turn.completed", outcome: "cancelled" }])).toEqual(["Bash: done (done)"])
  })
})
