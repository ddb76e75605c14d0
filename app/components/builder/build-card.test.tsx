import { renderToStaticMarkup } from "react-dom/server"
import { describe, expect, it } from "vitest"
import { foldEvents } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { parseRunEventData } from "../../runs/live-run.ts"
import { TranscriptView } from "./transcript-view.tsx"

const ENTITIES: Readonly<Record<string, string>> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'" }
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, " ")
    .trim()

const started: RunEvent = { type: "build.started", buildId: "b1" }
const output: RunEvent = { type: "build.output", buildId: "b1", step: "build", text: "vite v6 building for production...\n" }
const render = (events: RunEvent[], ended = false) => renderToStaticMarkup(<TranscriptView parts={foldEvents(events)} ended={ended} />)

describe("a build in the chat", () => {
  it("says it is building, with a progress bar, and keeps the output folded", () => {
    const html = render([started, output])
    expect(html).toContain('data-build-state="running"')
    expect(html).toMatch(/<progress[^>]*aria-label="Building the app"/)
    expect(textOf(html)).toMatch(/^Building… Output vite v6 building for production/)
    // Folded: a closed <details> whose summary says what is inside.
    expect(html).toMatch(/<details class="[^"]*"><summary[^>]*>.*?Output<\/summary><pre[^>]*data-testid="build-output"/)
  })

  it("says how long it took and which version it made", () => {
    const html = render([
      started,
      output,
      { type: "build.finished", buildId: "b1", ok: true, durationMs: 2_340, message: "Built in 2.3 s", problems: [], versionNumber: 4 },
    ])
    expect(html).toContain('data-build-state="succeeded"')
    expect(html).not.toContain("<progress")
    expect(textOf(html)).toMatch(/^Built in 2\.3 s · version 4 Output/)
  })

  it("lists what a failed build found, where it found it", () => {
    const html = render([
      started,
      {
        type: "build.finished",
        buildId: "b1",
        ok: false,
        durationMs: 900,
        message: "The typecheck failed.",
        problems: [
          { step: "typecheck", file: "src/App.tsx", line: 3, column: 7, message: "Cannot find name 'foo'." },
          { step: "build", file: "src/main.tsx", line: null, column: null, message: "Could not resolve './missing'." },
          { step: "dependencies", file: null, line: null, column: null, message: "npm install failed." },
        ],
        versionNumber: null,
      },
    ])
    const problems = [...html.matchAll(/<li[^>]*data-testid="build-problem">(.*?)<\/li>/g)].map(([, item]) => textOf(item ?? ""))
    expect(textOf(html)).toMatch(/^Build failed The typecheck failed\./)
    expect(problems).toEqual(["src/App.tsx:3:7 Cannot find name 'foo'.", "src/main.tsx Could not resolve './missing'.", "npm install failed."])
  })

  it("does not say 'Building…' for a build its ended run never finished", () => {
    const html = render([started], true)
    expect(html).toContain('data-build-state="unfinished"')
    expect(textOf(html)).toBe("The build did not finish")
  })

  it("is folded live: the browser's stream reader takes build events", () => {
    for (const event of [started, output]) expect(parseRunEventData(JSON.stringify(event))).toEqual(event)
  })
})
