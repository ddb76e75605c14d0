import { describe, expect, it } from "vitest"
import type { Transcript, TranscriptPart } from "./transcript.ts"
import { endingApprovalStop } from "./approval-stop.ts"

const tool = (name: string, output: string | null = "ok", isError = false): TranscriptPart => ({ kind: "tool", callId: name, name, inputText: "", output, isError })

describe("the approval stop a turn ended at", () => {
  it("is the last approval call that returned, with only builder calls after it", () => {
    const transcript: Transcript = [tool("Write"), tool("second.present_plan"), { kind: "text", text: "Here it is" }, tool("second.set_app_metadata")]
    expect(endingApprovalStop(transcript)).toBe(1)
    expect(endingApprovalStop([tool("second.present_suggestions")])).toBe(0)
  })

  it("is none when the turn went on after it, or the call failed or never returned", () => {
    expect(endingApprovalStop([tool("second.present_plan"), tool("Bash")])).toBe(-1)
    expect(endingApprovalStop([tool("second.present_plan"), { kind: "file", path: "a.html", change: "created" }])).toBe(-1)
    expect(endingApprovalStop([tool("second.present_plan", "bad plan", true)])).toBe(-1)
    expect(endingApprovalStop([tool("second.present_plan", null)])).toBe(-1)
    expect(endingApprovalStop([tool("Write"), tool("second.done_building")])).toBe(-1)
    expect(endingApprovalStop([])).toBe(-1)
  })
})
