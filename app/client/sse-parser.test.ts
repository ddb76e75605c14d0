import { describe, expect, it } from "vitest"
import { decodeGap, decodeRunStreamEvent } from "./run-event-decoding.ts"
import { SecondClientError } from "./second-client-error.ts"
import { SseParser } from "./sse-parser.ts"

describe("the SSE parser", () => {
  it("reads messages split anywhere across chunks, with any line ending, skipping heartbeats", () => {
    const stream = ': keep-alive\n\nid: 1-0\ndata: {"a":1}\n\r\nid: 1-1\r\nevent: gap\r\ndata: one\rdata: two\r\r\n'
    const parser = new SseParser()
    const messages = [...stream].flatMap((character) => parser.push(character))
    expect(messages).toEqual([
      { event: "message", data: '{"a":1}', lastEventId: "1-0" },
      { event: "gap", data: "one\ntwo", lastEventId: "1-1" },
    ])
  })

  it("keeps the cursor of the last complete message: a message cut off mid-way does not move it", () => {
    const parser = new SseParser("0-5")
    expect(parser.push("id: 1-0\ndata: x\n\nid: 1-1\ndata: half")).toEqual([{ event: "message", data: "x", lastEventId: "1-0" }])
    expect(parser.lastEventId).toBe("1-0")
  })

  it("moves the cursor for a complete message without data, and starts from the id it resumed after", () => {
    const parser = new SseParser("0-5")
    expect(parser.push("data: a\n\n")).toEqual([{ event: "message", data: "a", lastEventId: "0-5" }])
    expect(parser.push("id: 2-0\n\n")).toEqual([])
    expect(parser.lastEventId).toBe("2-0")
  })
})

describe("run event decoding", () => {
  it("decodes the stream's events with their schema", () => {
    expect(decodeRunStreamEvent('{"type":"text.delta","text":"Hi"}')).toEqual({ type: "text.delta", text: "Hi" })
    expect(decodeRunStreamEvent('{"type":"run.settled","status":"completed"}')).toEqual({ type: "run.settled", status: "completed" })
  })

  it("skips a type this client does not know, as the browser does", () => {
    expect(decodeRunStreamEvent('{"type":"hologram.shown","x":1}')).toBeNull()
  })

  it("refuses a known type that does not match the schema, and data that is not JSON", () => {
    expect(() => decodeRunStreamEvent('{"type":"turn.completed","outcome":"maybe"}')).toThrow(SecondClientError)
    expect(() => decodeRunStreamEvent("not json")).toThrow(/cannot read \(it is not JSON\)/)
  })

  it("reads a gap's cursors and tolerates a malformed one", () => {
    expect(decodeGap('{"from":"1-0","resumeAt":"5-0","transcript":[]}')).toEqual({ from: "1-0", resumeAt: "5-0" })
    expect(decodeGap("{")).toEqual({ from: null, resumeAt: null })
  })
})
