// The "only the web is public" line against two loopback stand-ins for the public URL: the web,
// which answers the worker's paths with 404, and a worker exposed directly, which answers 401.

import { createServer, type Server } from "node:http"
import { afterEach, describe, expect, it } from "vitest"
import { freePort } from "#tests/fixtures/free-port.ts"
import { DEAD_URL, doctor, STRONG_TOKEN } from "./doctor-lines.ts"
import { startFakeWorker, type FakeWorker } from "./fake-worker.ts"

const ITEM = "The public URL does not serve the worker's API"
const stops: (() => Promise<void>)[] = []

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

async function webAnswering404(): Promise<string> {
  const port = await freePort()
  const server: Server = createServer((_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("<h1>Not found</h1>"))
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()))
  stops.push(() => new Promise((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${port}`
}

const run = (publicUrl: string) => doctor({ SECOND_PUBLIC_URL: publicUrl, WORKER_URL: DEAD_URL, INTERNAL_API_TOKEN: STRONG_TOKEN })

describe("worker reachable from the public side", () => {
  it("passes a public URL that answers the worker's paths with the web's 404", async () => {
    const result = await run(await webAnswering404())
    expect(result.line(ITEM)).toMatchObject({ status: "pass" })
    expect(result.progress.some((what) => what.startsWith("the public URL"))).toBe(true)
  })

  it("fails a public URL that is the worker itself (401 on /runtimes)", async () => {
    const worker: FakeWorker = await startFakeWorker({ token: STRONG_TOKEN })
    stops.push(() => worker.stop())
    const line = (await run(worker.url)).line(ITEM)
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("/runtimes → 401")
  })

  it("skips when the public URL cannot be reached from here", async () => {
    expect((await run(DEAD_URL)).line(ITEM)).toMatchObject({ status: "skip" })
  })
})
