// followRun against a scripted stream server on loopback: resuming with Last-Event-ID after a
// dropped connection, stopping at run.settled, and the typed errors a script meets (bad token,
// unknown run, nobody listening, a stream that keeps dropping). The real route is exercised by
// tests/client/example-script.integration.test.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { createSecondClient, describeSecondError, SecondClientError } from "./second-client.ts"
import { INVALID_TOKEN_MESSAGE } from "./second-client-error.ts"

const TOKEN = `sec_${"A".repeat(43)}`
const RUN_ID = "abcdefghijklmnopqrstuvwx"

type Handler = (request: IncomingMessage, response: ServerResponse) => void
let server: Server | null = null
const seen: { lastEventId: string | undefined; authorization: string | undefined; url: string | undefined }[] = []

/** Serves each request with the next handler (the last one repeats). */
async function serve(handlers: readonly Handler[]): Promise<string> {
  seen.length = 0
  server = createServer((request, response) => {
    seen.push({ lastEventId: request.headers["last-event-id"] as string | undefined, authorization: request.headers.authorization, url: request.url })
    handlers[Math.min(seen.length - 1, handlers.length - 1)]!(request, response)
  })
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = null
})

const message = (id: string, event: unknown) => `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`
const streamHead = (response: ServerResponse) => response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" })

const collect = async (iterable: AsyncIterable<{ type: string }>) => {
  const events = []
  for await (const event of iterable) events.push(event)
  return events
}

describe("followRun", () => {
  it("resumes after a dropped connection from the last event it handed out and ends at run.settled", async () => {
    const url = await serve([
      (_request, response) => {
        streamHead(response)
        response.write(`: keep-alive\n\n${message("1-0", { type: "text.delta", text: "Hel" })}${message("1-1", { type: "text.delta", text: "lo" })}id: 1-2\ndata: {"type":"tu`, () =>
          // The connection breaks mid-message: 1-2 must be read again.
          response.socket?.destroy(),
        )
      },
      (_request, response) => {
        streamHead(response)
        response.end(
          message("1-2", { type: "turn.completed", outcome: "completed" }) +
            message("1-3", { type: "hologram.shown" }) +
            message("1-4", { type: "run.settled", status: "completed" }) +
            message("1-5", { type: "text.delta", text: "never read" }),
        )
      },
    ])
    const follower = createSecondClient({ url, token: TOKEN }).followRun(RUN_ID)
    expect(await collect(follower)).toEqual([
      { type: "text.delta", text: "Hel" },
      { type: "text.delta", text: "lo" },
      { type: "turn.completed", outcome: "completed" },
      { type: "run.settled", status: "completed" },
    ])
    expect(follower.lastEventId).toBe("1-4")
    expect(seen.map((request) => request.lastEventId)).toEqual([undefined, "1-1"])
    expect(seen.every((request) => request.authorization === `Bearer ${TOKEN}` && request.url === `/api/runs/${RUN_ID}/events`)).toBe(true)
  })

  it("ends with nothing when the stream is already over (204), and at an `end` message", async () => {
    let url = await serve([(_request, response) => response.writeHead(204).end()])
    expect(await collect(createSecondClient({ url, token: TOKEN }).followRun(RUN_ID, { after: "9-0" }))).toEqual([])
    expect(seen[0]?.lastEventId).toBe("9-0")
    server?.close()
    url = await serve([(_request, response) => (streamHead(response), response.end(`event: end\ndata: {}\n\n`))])
    expect(await collect(createSecondClient({ url, token: TOKEN }).followRun(RUN_ID))).toEqual([])
  })

  it("says the token is not valid on 401, and that the run is not found on 404, without retrying", async () => {
    let url = await serve([(_request, response) => response.writeHead(401, { "content-type": "text/plain" }).end("The API token is not valid: create a new one on your Account page.")])
    const refused = await collect(createSecondClient({ url, token: TOKEN }).followRun(RUN_ID)).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(SecondClientError)
    expect(refused).toMatchObject({ kind: "unauthorized", status: 401, message: INVALID_TOKEN_MESSAGE })
    expect(seen).toHaveLength(1)
    server?.close()
    url = await serve([(_request, response) => response.writeHead(404, { "content-type": "text/plain" }).end("Run not found.")])
    const missing = await collect(createSecondClient({ url, token: TOKEN }).followRun(RUN_ID)).catch((error: unknown) => error)
    expect(missing).toMatchObject({ kind: "not-found", status: 404, message: expect.stringMatching(/another workspace than the token's/) })
  })

  it("gives up on a stream that keeps dropping without new events, saying where to resume", async () => {
    const url = await serve([
      (_request, response) => (streamHead(response), response.end(message("3-0", { type: "text.delta", text: "a" }))),
      (_request, response) => (streamHead(response), response.end()),
    ])
    const failed = await collect(createSecondClient({ url, token: TOKEN }).followRun(RUN_ID, { maxReconnects: 2 })).catch((error: unknown) => error)
    expect(failed).toMatchObject({ kind: "unreachable", message: expect.stringMatching(/kept dropping.*after: "3-0"/) })
    expect(seen.map((request) => request.lastEventId)).toEqual([undefined, "3-0", "3-0", "3-0"])
  })

  it("says Second cannot be reached when nothing listens at the URL", async () => {
    const url = await serve([(_request, response) => response.end()])
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    const failed = await collect(createSecondClient({ url, token: TOKEN }).followRun(RUN_ID)).catch((error: unknown) => error)
    expect(failed).toMatchObject({ kind: "unreachable", message: expect.stringContaining(`Could not reach Second at ${url}`) })
  })
})

describe("createSecondClient", () => {
  it("explains a tRPC call answered by something other than Second, or not answered at all", async () => {
    const url = await serve([(_request, response) => response.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>")])
    const proxied = await createSecondClient({ url, token: TOKEN }).trpc.health.query().catch((error: unknown) => error)
    expect(describeSecondError(proxied)).toMatch(/^Second answered a tRPC call with 502 \(text\/html\); check that the URL is the server's origin/)
    expect(seen[0]?.authorization).toBe(`Bearer ${TOKEN}`)
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    const down = await createSecondClient({ url, token: TOKEN }).trpc.health.query().catch((error: unknown) => error)
    expect(describeSecondError(down)).toMatch(/^Could not reach Second at http:\/\/127\.0\.0\.1:\d+ \(.+\): check that it is running/)
  })

  it("refuses a malformed token without quoting it, and a URL with a path", () => {
    const secret = `sec_${"B".repeat(42)} `
    expect(() => createSecondClient({ url: "http://127.0.0.1:1", token: secret })).toThrow(/does not look like one/)
    try {
      createSecondClient({ url: "http://127.0.0.1:1", token: secret })
    } catch (error) {
      expect(String(error)).not.toContain("BBBB")
    }
    expect(() => createSecondClient({ url: "http://127.0.0.1:1/api", token: TOKEN })).toThrow(/without a path/)
    expect(() => createSecondClient({ url: "second.example.com", token: TOKEN })).toThrow(/is not a URL/)
  })

  it("refuses a run id that is not an id before any request", () => {
    expect(() => createSecondClient({ url: "http://127.0.0.1:1", token: TOKEN }).followRun("../../etc")).toThrow(/is not a run id/)
  })
})
