import { describe, expect, it } from "vitest"
import { MAX_QUEUED_BYTES, openHubStream, type HubSink } from "./hub-stream.server.ts"

async function readAll(response: Response): Promise<string> {
  return new Response(response.body).text()
}

describe("a hub stream", () => {
  it("ends a reader that falls too far behind instead of buffering without end, and leaves the hub", async () => {
    let sink: HubSink<{ text: string }> | null = null
    let left = 0
    const response = (await openHubStream<{ text: string }>({
      join: async (given) => {
        sink = given
        return () => (left += 1)
      },
      signal: new AbortController().signal,
      reconnectAfterMs: 1_000,
    }))!
    const big = { text: "x".repeat(64 * 1024) }
    // Nobody reads while the changes come.
    for (let sent = 0; sent <= (2 * MAX_QUEUED_BYTES) / big.text.length; sent += 1) sink!.send(big)
    expect(left, "cut off and gone from the hub").toBe(1)
    const text = await readAll(response)
    expect(text.length, "what it held is bounded").toBeLessThan(MAX_QUEUED_BYTES + 2 * big.text.length)
    expect(text.startsWith("retry: 1000\n")).toBe(true)
  })
})
