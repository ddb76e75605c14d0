// Files browsers and crawlers ask for on their own (robots.txt, touch icons, a stale
// asset chunk) that this server does not have: a short plain 404 each, and a quiet log, since
// every visitor's browser sends them.

import { afterAll, beforeAll, expect, it } from "vitest"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"

let server: SecondServer

beforeAll(async () => {
  server = await startSecond()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

const MISSING = ["/favicon-32x32.png", "/robots.txt", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png", "/assets/entry.client-gone1234.js"]

it("answers a missing static file with a plain 404 and logs no stack, at most a line", async () => {
  const before = server.process.output().length
  const answers: { path: string; status: number; type: string | null; body: string; headStatus: number }[] = []
  for (const path of MISSING) {
    const answer = await fetch(new URL(path, server.url), { headers: { accept: "image/avif,image/webp,image/*,*/*;q=0.8" } })
    const head = await fetch(new URL(path, server.url), { method: "HEAD" })
    answers.push({ path, status: answer.status, type: answer.headers.get("content-type"), body: await answer.text(), headStatus: head.status })
  }
  // One more round trip, so whatever the server wrote while answering the others has been read.
  expect((await fetch(new URL("/healthz", server.url))).status).toBe(200)
  const logged = server.process.output().slice(before)
  expect(logged).not.toMatch(/\n\s+at /)
  expect(logged.split("\n").filter((line) => line.trim() !== "").length, logged).toBeLessThanOrEqual(MISSING.length * 2)
  for (const answer of answers) {
    expect(answer, answer.path).toEqual({ path: answer.path, status: 404, type: "text/plain; charset=utf-8", body: "Not found.", headStatus: 404 })
  }
})

it("still serves the files it has, and pages for paths that are not files", async () => {
  const page = await fetch(new URL("/onboarding", server.url))
  expect(page.status).toBe(200)
  const asset = /\/assets\/[^"]+\.js/.exec(await page.text())?.[0]
  expect(asset).toBeDefined()
  expect((await fetch(new URL(asset!, server.url))).status).toBe(200)
  // The logo mark for what asks for /favicon.ico by habit (pages link the SVG).
  const icon = await fetch(new URL("/favicon.ico", server.url))
  expect([icon.status, icon.headers.get("content-type")]).toEqual([200, "image/x-icon"])
  const missingPage = await fetch(new URL("/no-such-page", server.url))
  expect(missingPage.status).toBe(404)
  expect(await missingPage.text()).toContain("There is no page at this address.")
})
