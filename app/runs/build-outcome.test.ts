import { describe, expect, it } from "vitest"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"
import { buildOutcome } from "./build-outcome.ts"

type Tool = Extract<TranscriptPart, { kind: "tool" }>
let calls = 0
const tool = (name: string, input: unknown, result: Partial<Pick<Tool, "output" | "isError" | "cutShort">> = {}): Tool => ({
  kind: "tool",
  callId: `c${(calls += 1)}`,
  name,
  input,
  inputText: "",
  output: "ok",
  isError: false,
  ...result,
})
const write = tool("Write", { file_path: "index.html", content: "<h1>Hi</h1>" })
const done = (summary: string) => tool("second.done_building", { summary })
const plan = tool("second.present_plan", { title: "Lunch", overview: "o", features: [{ name: "a", description: "b" }], dataFlow: "d" })
const text = (value: string): TranscriptPart => ({ kind: "text", text: value })

describe("a turn's build outcome", () => {
  it("is built, with the last summary, when done_building returned", () => {
    const transcript: Transcript = [write, done("First pass"), text("more"), done("Added totals")]
    expect(buildOutcome("completed", transcript)).toEqual({ state: "built", summary: "Added totals" })
  })

  it("reads the summary from streamed input text when the runtime reported no input object", () => {
    const streamed = { ...done("unused"), input: null, inputText: JSON.stringify({ summary: "Streamed summary" }) }
    expect(buildOutcome("completed", [write, streamed])).toEqual({ state: "built", summary: "Streamed summary" })
  })

  it("does not count a done_building that failed, was cut short, or had no summary", () => {
    const failed = tool("second.done_building", { summary: "x" }, { isError: true, output: "the build failed" })
    const cut = tool("second.done_building", { summary: "x" }, { output: null, cutShort: "stopped" })
    const empty = tool("second.done_building", {})
    for (const call of [failed, cut, empty]) expect(buildOutcome("completed", [write, call])).toEqual({ state: "incomplete" })
  })

  it("is incomplete when a completed turn changed files without done_building", () => {
    expect(buildOutcome("completed", [write, text("Done!")])).toEqual({ state: "incomplete" })
    expect(buildOutcome("completed", [{ kind: "file", path: "a.ts", change: "modified" }])).toEqual({ state: "incomplete" })
    for (const name of ["Edit", "MultiEdit", "write", "edit", "apply_patch"]) {
      expect(buildOutcome("completed", [tool(name, {})]), name).toEqual({ state: "incomplete" })
    }
  })

  it("says nothing for a turn that changed no files, or whose writes all failed", () => {
    expect(buildOutcome("completed", [text("Here is an idea")])).toBeNull()
    expect(buildOutcome("completed", [tool("Write", {}, { isError: true, output: "denied" }), tool("Read", {})])).toBeNull()
  })

  it("says nothing for a turn that stopped at a plan after writing, but suggestions excuse no missing done_building", () => {
    expect(buildOutcome("completed", [write, plan, text("Shall I build it?")])).toBeNull()
    const suggestions = tool("second.present_suggestions", { suggestions: [{ title: "a" }, { title: "b" }] })
    expect(buildOutcome("completed", [write, suggestions])).toEqual({ state: "incomplete" })
    expect(buildOutcome("completed", [write, done("Built"), suggestions])).toEqual({ state: "built", summary: "Built" })
  })

  it("is incomplete when files changed after the last done_building", () => {
    expect(buildOutcome("completed", [write, done("First pass"), tool("Edit", {})])).toEqual({ state: "incomplete" })
  })

  it("is incomplete when the approval stop is not the last call, or failed", () => {
    expect(buildOutcome("completed", [plan, write])).toEqual({ state: "incomplete" })
    const failedPlan = tool("second.present_plan", {}, { isError: true, output: "invalid input" })
    expect(buildOutcome("completed", [write, failedPlan])).toEqual({ state: "incomplete" })
  })

  it("leaves failed and stopped turns to their own status, unless done_building returned", () => {
    expect(buildOutcome("failed", [write])).toBeNull()
    expect(buildOutcome("stopped", [write])).toBeNull()
    expect(buildOutcome("stopped", [write, done("Built it")])).toEqual({ state: "built", summary: "Built it" })
  })

  it("does not take another tool set's done_building for ours", () => {
    expect(buildOutcome("completed", [write, tool("other.done_building", { summary: "x" }), tool("done_building", { summary: "x" })])).toEqual({
      state: "incomplete",
    })
  })
})
