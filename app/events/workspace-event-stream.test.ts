// One stream's SSE framing and lifecycle, with a stand-in hub: opens with a reconnect hint at
// once, frames events as `data:` JSON, sends heartbeats while idle, and leaves the hub whichever
// side ends it; a hub that cannot subscribe means no stream (the route answers 503).

import { describe, expect, it } from "vitest"
import { SSE_HEADERS } from "../sse/sse.server.ts"
import type { EventSink, StreamOwner, WorkspaceEventHub } from "./workspace-event-hub.server.ts"
import { openWorkspaceEventStream, RECONNECT_AFTER_MS } from "./workspace-event-stream.server.ts"

function fakeHub(options: { failJoin?: boolean } = {}) {
  const state = { sink: null as EventSink | null, left: 0 }
  const hub: WorkspaceEventHub = {
    async join(_workspaceId: string, _owner: StreamOwner, sink: EventSink) {
      if (options.failJoin) throw new Error("live is down")
      state.sink = sink
      return () => (state.left += 1)
    },
    connectionCount: () => (state.sink && state.left === 0 ? 1 : 0),
    subscriptionCount: () => 0,
    close: async () => undefined,
  }
  return { hub, state }
}

const owner: StreamOwner = { userId: "u", role: "member", sessionId: "s" }

/** Reads the body until `done` says enough has arrived (or the stream ends). */
async function readUntil(response: Response, done: (text: string) => boolean): Promise<{ text: string; ended: boolean }> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ""
  while (!done(text)) {
    const chunk = await reader.read()
    if (chunk.done) return { text, ended: true }
    text += decoder.decode(chunk.value, { stream: true })
  }
  reader.releaseLock()
  return { text, ended: false }
}

describe("openWorkspaceEventStream", () => {
  it("answers with SSE headers, a reconnect hint at once, events as data lines and heartbeats while idle", async () => {
    const { hub, state } = fakeHub()
    const aborter = new AbortController()
    const response = (await openWorkspaceEventStream({ hub, workspaceId: "w", owner, signal: aborter.signal, heartbeatMs: 20 }))!
    expect(response.status).toBe(200)
    for (const [name, value] of Object.entries(SSE_HEADERS)) expect(response.headers.get(name)).toBe(value)

    state.sink!.send({ type: "member.changed", at: "2025-01-01T00:00:00.000Z" })
    const { text } = await readUntil(response, (seen) => seen.split(": keep-alive").length >= 3)
    expect(text.startsWith(`retry: ${RECONNECT_AFTER_MS}\n: keep-alive\n\n`)).toBe(true)
    expect(text).toContain(`data: {"type":"member.changed","at":"2025-01-01T00:00:00.000Z"}\n\n`)
    aborter.abort()
  })

  it("leaves the hub and ends the body when the browser disconnects", async () => {
    const { hub, state } = fakeHub()
    const aborter = new AbortController()
    const response = (await openWorkspaceEventStream({ hub, workspaceId: "w", owner, signal: aborter.signal }))!
    aborter.abort()
    expect(state.left).toBe(1)
    expect((await readUntil(response, () => false)).ended).toBe(true)
  })

  it("ends the body when the hub cuts the stream, and leaves only once", async () => {
    const { hub, state } = fakeHub()
    const aborter = new AbortController()
    const response = (await openWorkspaceEventStream({ hub, workspaceId: "w", owner, signal: aborter.signal }))!
    state.sink!.close()
    expect((await readUntil(response, () => false)).ended).toBe(true)
    aborter.abort()
    expect(state.left).toBe(1)
  })

  it("gives no stream when the hub cannot subscribe", async () => {
    const { hub } = fakeHub({ failJoin: true })
    expect(await openWorkspaceEventStream({ hub, workspaceId: "w", owner, signal: new AbortController().signal })).toBeNull()
  })
})
