// Run events through a real node:http server, both ways the web serves them: written straight to
// the response (the host's path, writeRunEventStream) and as a Fetch Response copied by
// sendFetchResponse (Remix's route): resuming with the Last-Event-ID header, a browser going away,
// and a client whose socket stops reading, which must push back onto its stream (so the cap cuts
// it off) instead of making the process buffer everything written since.

import { randomUUID } from "node:crypto"
import { Agent, createServer, get, type IncomingMessage, type Server } from "node:http"
import { connect, type AddressInfo } from "node:net"
import { Readable } from "node:stream"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { encodeRunStreamRecord, runStreamKey, type RunStreamEvent } from "#shared/runs/run-stream.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { SseReader, type SseMessage } from "#tests/fixtures/sse-client.ts"
import { sendFetchResponse, toFetchRequest } from "../server/node-fetch.server.ts"
import { SSE_HEADERS } from "../sse/sse.server.ts"
import { createRunEventHub, type RunEventHub } from "./run-event-hub.server.ts"
import { writeRunEventStream } from "./run-event-sse-node.server.ts"
import { openRunEventStream } from "./run-event-sse.server.ts"

const MAX_QUEUED_BYTES = 256 * 1024

let live: LiveCoordination
let hub: RunEventHub
let server: Server
let base: string
let responsesFinished: number

function runWriter(runId: string) {
  let prev: string | null = null
  const ids: string[] = []
  const append = async (event: RunStreamEvent) => {
    prev = await live.append(runStreamKey(runId), encodeRunStreamRecord({ prev, event }), { maxLength: 100_000 })
    ids.push(prev)
  }
  return {
    ids,
    text: (index: number, padding = "") => append({ type: "text.delta", text: `e${index}${padding}` }),
    /** The turn's end, then the web's settle, as a run ends. */
    complete: async () => {
      await append({ type: "turn.completed", outcome: "completed" })
      await append({ type: "run.settled", status: "completed" })
    },
  }
}

const label = (message: SseMessage) => {
  const event = JSON.parse(message.data) as RunStreamEvent
  return event.type === "text.delta" ? event.text.replace(/x+$/, "") : event.type
}

describe.each(["the node:http response", "a Fetch Response"] as const)("run events over HTTP, written to %s", (transport) => {
  beforeEach(async () => {
    live = createMemoryLive()
    hub = createRunEventHub(live)
    responsesFinished = 0
    server = createServer((req, res) => {
      const request = toFetchRequest(req, res, { url: new URL(`http://second.test${req.url ?? "/"}`), host: "second.test" })
      const options = {
        live,
        hub,
        runId: new URL(request.url).searchParams.get("run")!,
        lastEventId: request.headers.get("last-event-id"),
        loadTranscript: async () => null,
        runEnded: async () => false,
        maxQueuedBytes: MAX_QUEUED_BYTES,
      }
      if (transport === "the node:http response") {
        res.once("close", () => (responsesFinished += 1))
        return writeRunEventStream(res, options)
      }
      const body = openRunEventStream({ ...options, signal: request.signal })
      void sendFetchResponse(res, new Response(body, { headers: SSE_HEADERS })).finally(() => (responsesFinished += 1))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterEach(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await hub.close()
    await live.close()
  })

  it("streams over HTTP and resumes from the Last-Event-ID header", async () => {
    const runId = randomUUID()
    const writer = runWriter(runId)
    for (let index = 0; index < 5; index += 1) await writer.text(index)

    const abort = new AbortController()
    const first = await fetch(`${base}/?run=${runId}`, { signal: abort.signal })
    expect(first.status).toBe(200)
    expect(first.headers.get("content-type")).toBe(SSE_HEADERS["content-type"])
    const reader = new SseReader(first)
    const seen = (await reader.collect((message) => label(message) === "e2")).map(label)
    abort.abort()
    await reader.close()
    // The browser went away: its subscription is released.
    await eventually(() => hub.stats().subscribers === 0 && responsesFinished === 1)

    for (let index = 5; index < 8; index += 1) await writer.text(index)
    await writer.complete()
    const resumed = await fetch(`${base}/?run=${runId}`, { headers: { "last-event-id": reader.lastEventId! } })
    seen.push(...(await new SseReader(resumed).collect()).map(label))
    expect(seen).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "turn.completed", "run.settled"])
  })

  it("pushes a stalled socket's backlog back onto its stream, which the cap then cuts off", async () => {
    const runId = randomUUID()
    const writer = runWriter(runId)
    // node:http's client reads nothing more from the socket while its response is paused.
    const response = await new Promise<IncomingMessage>((resolve) => get(`${base}/?run=${runId}`, resolve))
    response.pause()
    await eventually(() => hub.stats().subscribers === 1)

    const padding = "x".repeat(16 * 1024)
    let written = 0
    // Kernel socket buffers absorb a few MB first; past them, only the stream's queue grows.
    while (hub.stats().subscribers === 1) {
      await writer.text(written, padding)
      written += 1
      await new Promise((resolve) => setImmediate(resolve))
      expect(written * padding.length).toBeLessThan(64 * 1024 * 1024)
    }
    // The stream ended cleanly: what reached the socket is a whole prefix of the run, in order.
    const reader = new SseReader(Readable.toWeb(response) as ReadableStream<Uint8Array>)
    const received = (await reader.collect()).map(label)
    expect(received.length).toBeGreaterThan(0)
    expect(received).toEqual(Array.from({ length: received.length }, (_, index) => `e${index}`))
    expect(received.length).toBeLessThan(written)

    // Resuming from the last event it got, the client receives the rest exactly once.
    for (let index = written; index < written + 3; index += 1) await writer.text(index, padding)
    await writer.complete()
    const resumed = await fetch(`${base}/?run=${runId}`, { headers: { "last-event-id": reader.lastEventId! } })
    const rest = (await new SseReader(resumed).collect()).map(label)
    expect([...received, ...rest]).toEqual([...Array.from({ length: written + 3 }, (_, index) => `e${index}`), "turn.completed", "run.settled"])
  })
  it("frames every stream as chunks and leaves a kept-alive connection usable once it ends; HTTP/1.0 gets it unframed", async () => {
    const runId = randomUUID()
    const writer = runWriter(runId)
    await writer.text(0)
    await writer.complete()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const read = () =>
      new Promise<{ body: string; reused: boolean; chunked: boolean }>((resolve, reject) => {
        const request = get(`${base}/?run=${runId}`, { agent }, (response) => {
          let body = ""
          response.setEncoding("utf8")
          response.on("data", (chunk: string) => (body += chunk))
          response.on("end", () => resolve({ body, reused: request.reusedSocket, chunked: response.headers["transfer-encoding"] === "chunked" }))
        })
        request.on("error", reject)
      })
    try {
      const first = await read()
      const second = await read()
      expect(second.reused, "the second stream came over the same connection").toBe(true)
      for (const { body, chunked } of [first, second]) {
        expect(chunked).toBe(true)
        expect(body).toContain('"text":"e0"')
        expect(body.trimEnd().endsWith('"type":"run.settled","status":"completed"}')).toBe(true)
      }
    } finally {
      agent.destroy()
    }

    // No chunks in HTTP/1.0: the body runs until the connection closes, written as it came.
    const socket = connect({ host: "127.0.0.1", port: Number(new URL(base).port) })
    socket.write(`GET /?run=${runId} HTTP/1.0\r\n\r\n`)
    let raw = ""
    socket.setEncoding("utf8").on("data", (chunk: string) => (raw += chunk))
    await new Promise((resolve) => socket.once("close", resolve))
    const body = raw.slice(raw.indexOf("\r\n\r\n") + 4)
    expect(body.startsWith(": keep-alive\n\n")).toBe(true)
    expect(body.trimEnd().endsWith('"type":"run.settled","status":"completed"}')).toBe(true)
  })
})
