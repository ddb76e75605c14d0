// Workspace events in real Chromium: two tabs of one browser profile share ONE event stream (the
// tab holding the Web Lock opens it and rebroadcasts to the other over a BroadcastChannel), both
// refresh their member list when someone joins, and closing the leading tab hands the stream to
// the other. The streams reaching the server are counted by a recording proxy in front of it
// (the browser talks only to the proxy, which is the public URL), so nothing in the app exposes
// a count.

import { createServer, request as forward, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { freePort } from "#tests/fixtures/free-port.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { STEP_TIMEOUT_MS, useChromium } from "./browser.ts"

const chromium = useChromium()

/** A pass-through proxy that counts the workspace event streams going through it. */
interface RecordingProxy {
  readonly url: string
  /** Event streams open right now. */
  open(): number
  /** Event streams ever requested. */
  requested(): number
  close(): Promise<void>
}

const EVENTS_PATH = /^\/api\/w\/[^/]+\/events(?:\?|$)/

async function startRecordingProxy(port: number, backendPort: number): Promise<RecordingProxy> {
  let open = 0
  let requested = 0
  const server: Server = createServer((req, res) => {
    const isEventStream = EVENTS_PATH.test(req.url ?? "")
    if (isEventStream) {
      requested += 1
      open += 1
      res.once("close", () => (open -= 1))
    }
    const upstream = forward(
      { host: "127.0.0.1", port: backendPort, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.rawHeaders)
        reply.pipe(res)
      },
    )
    upstream.once("error", () => res.destroy())
    res.once("close", () => upstream.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((ready) => server.listen(port, "127.0.0.1", ready))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    open: () => open,
    requested: () => requested,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}

let proxy: RecordingProxy
let second: SecondServer

beforeAll(async () => {
  const [proxyPort, backendPort] = [await freePort(), await freePort()]
  // Browsers reach Second only through the proxy: it is the public URL (cookies, allowed origins).
  second = await startSecond({ PORT: String(backendPort), SECOND_PUBLIC_URL: `http://127.0.0.1:${proxyPort}` })
  proxy = await startRecordingProxy(proxyPort, backendPort)
}, 60_000)

afterAll(async () => {
  await proxy?.close()
  await second?.stop()
})

const membersShown = (page: Page) => page.getByTestId("member-row").count()

/** The owner invites a new person, who accepts: one member.changed event. */
async function someoneJoins(owner: HttpPerson, workspaceId: string, label: string): Promise<void> {
  const email = `${label}@example.com`
  const newcomer = await new HttpPerson(proxy.url).signIn(email, label)
  const issued = await owner.must<{ url: string }>("mutation", "invitations.create", { workspaceId, email, role: "member", teamIds: [] })
  await newcomer.must("mutation", "invitations.accept", { token: issued.url.split("/").at(-1) })
}

it("shares one event stream between two tabs, refreshes both on events, and hands the stream over when the leading tab closes", { timeout: 90_000 }, async () => {
  const owner = await new HttpPerson(proxy.url).signIn("owner@example.com", "Owner")
  const workspaceId = (await owner.must<{ id: string }>("mutation", "workspaces.create", { name: "Tabs" })).id
  const membersPath = `/w/${workspaceId}/settings/members`

  // One browser profile signed in as the owner, with two tabs on the workspace.
  const person = await chromium.person("owner", proxy.url)
  const [name, value] = owner.cookieHeader().split("; ").find((cookie) => cookie.startsWith("second_session="))!.split("=") as [string, string]
  await person.context.addCookies([{ name, value, url: proxy.url, httpOnly: true, sameSite: "Lax" }])
  const first = person.page
  await first.goto(membersPath)
  await expect.poll(() => proxy.open(), { timeout: STEP_TIMEOUT_MS, message: "the first tab opens the stream" }).toBe(1)

  const second = await person.context.newPage()
  await second.goto(membersPath)
  await second.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: STEP_TIMEOUT_MS })
  expect(await membersShown(second)).toBe(1)
  // Long enough for a second tab's own stream to show up, had it opened one.
  await second.waitForTimeout(1_000)
  expect(proxy.open(), "two tabs, one stream").toBe(1)
  expect(proxy.requested()).toBe(1)
  // How: one tab holds the profile's lock for this workspace, the other waits for it.
  const locks = await second.evaluate(async (lockName) => {
    const state = await navigator.locks.query()
    const named = (list: LockInfo[] | undefined) => (list ?? []).filter((lock) => lock.name === lockName).length
    return { held: named(state.held), waiting: named(state.pending) }
  }, `second-workspace-events:${workspaceId}`)
  expect(locks).toEqual({ held: 1, waiting: 1 })

  // An event reaches both: the leader from its stream, the other tab over the BroadcastChannel.
  await someoneJoins(owner, workspaceId, "joiner-one")
  await expect.poll(() => membersShown(first), { timeout: STEP_TIMEOUT_MS, message: "the leading tab refreshes" }).toBe(2)
  await expect.poll(() => membersShown(second), { timeout: STEP_TIMEOUT_MS, message: "the other tab refreshes without a stream of its own" }).toBe(2)
  expect(proxy.requested()).toBe(1)

  // The leading tab closes: its lock is released, the other tab takes it and opens the stream.
  await first.close()
  await expect.poll(() => proxy.requested(), { timeout: STEP_TIMEOUT_MS, message: "the remaining tab opens its own stream" }).toBe(2)
  await expect.poll(() => proxy.open(), { timeout: STEP_TIMEOUT_MS, message: "the closed tab's stream is gone" }).toBe(1)

  await someoneJoins(owner, workspaceId, "joiner-two")
  await expect.poll(() => membersShown(second), { timeout: STEP_TIMEOUT_MS, message: "the new leader hears events" }).toBe(3)
  expect(proxy.open()).toBe(1)

  expect(person.cspViolations, "Content-Security-Policy violations").toEqual([])
  expect(person.errors.filter((error) => error.startsWith("uncaught")), "uncaught script errors").toEqual([])
  await second.close()
  await expect.poll(() => proxy.open(), { timeout: STEP_TIMEOUT_MS, message: "no tab, no stream" }).toBe(0)
})
