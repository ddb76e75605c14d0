// Floods a real running Second the way the outside test did: one session opening far more live
// event streams than any browser needs, several people filling the process, and sockets that
// never finish their headers. Beyond each cap streams are refused with a status that says why,
// while /healthz and other people's pages keep answering; refused and abandoned sockets are freed.

import { connect, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { STREAMS_PER_SESSION, STREAMS_PER_USER } from "#app/sse/stream-slots.server.ts"
import { makeApp } from "#tests/authorization/app-fixtures.ts"
import { World } from "#tests/authorization/world.ts"
import { eventually, within } from "#tests/fixtures/eventually.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"

let server: SecondServer
let small: SecondServer
let world: World

beforeAll(async () => {
  // `small` holds 64 connections, so three quarters of them (48) may be streams.
  ;[server, small] = await Promise.all([startSecond(), startSecond({ SECOND_MAX_CONNECTIONS: "64" })])
  world = await World.build(server)
}, 120_000)

afterAll(async () => {
  await Promise.all([server?.stop(), small?.stop()])
})

interface Opened {
  readonly status: number
  readonly body: string
  readonly response: Response
}

/** Opens `count` workspace event streams at once as `person`; open ones are left open. */
async function openStreams(person: HttpPerson, workspaceId: string, count: number): Promise<Opened[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await person.request(`/api/w/${workspaceId}/events`)
      return { status: response.status, body: response.status === 200 ? "" : await response.text(), response }
    }),
  )
}

const closeAll = async (opened: readonly Opened[]) => {
  await Promise.all(opened.filter((stream) => stream.status === 200).map((stream) => stream.response.body?.cancel()))
}

const count = (opened: readonly Opened[], status: number) => opened.filter((stream) => stream.status === status).length

async function signedInMember(on: SecondServer, email: string, workspaceName = "Flooded"): Promise<{ person: HttpPerson; workspaceId: string }> {
  const person = await new HttpPerson(on.url).signIn(email)
  const { id } = await person.must<{ id: string }>("mutation", "workspaces.create", { name: workspaceName })
  return { person, workspaceId: id }
}

describe("a flood of live streams", () => {
  it("from one session is refused beyond the session's cap, while /healthz and another person's page answer", async () => {
    const owner = world.as("owner")
    const flood = await openStreams(owner, world.workspaceId, 200)
    try {
      expect(count(flood, 200)).toBe(STREAMS_PER_SESSION)
      expect(count(flood, 429)).toBe(200 - STREAMS_PER_SESSION)
      const refused = flood.find((stream) => stream.status === 429)!
      expect(refused.body).toMatch(/^Too many live streams open in this browser \(16\); close some tabs and reload\.$/)
      expect(refused.response.headers.get("retry-after")).toBe("30")

      // A run's stream counts against the same browser.
      const { runId } = await makeApp(world, owner)
      expect((await owner.request(`/api/runs/${runId}/events`)).status).toBe(429)

      // Everyone else is served as usual.
      expect((await fetch(new URL("/healthz", server.url))).status).toBe(200)
      const member = world.as("member")
      expect((await member.request(`/w/${world.workspaceId}/settings/teams`)).status).toBe(200)
      const theirs = await openStreams(member, world.workspaceId, 1)
      expect(theirs.map((stream) => stream.status)).toEqual([200])
      await closeAll(theirs)
    } finally {
      await closeAll(flood)
    }
    // Closed streams give their slots back.
    await eventually(async () => {
      const again = await openStreams(owner, world.workspaceId, STREAMS_PER_SESSION)
      await closeAll(again)
      return count(again, 200) === STREAMS_PER_SESSION
    }, 10_000)
  })

  it("from one person's several browsers is refused beyond the person's cap", async () => {
    const email = world.emails.get(world.as("admin"))!
    const browsers = [world.as("admin"), ...(await Promise.all([1, 2].map(() => new HttpPerson(server.url).signIn(email))))]
    const opened: Opened[] = []
    try {
      for (const browser of browsers) opened.push(...(await openStreams(browser, world.workspaceId, STREAMS_PER_SESSION)))
      expect(count(opened, 200)).toBe(STREAMS_PER_USER)
      const third = opened.slice(2 * STREAMS_PER_SESSION)
      expect(third.every((stream) => stream.status === 429 && /for your account \(32\)/.test(stream.body))).toBe(true)
    } finally {
      await closeAll(opened)
    }
  })

  it("filling the process is refused with 503 beyond three quarters of SECOND_MAX_CONNECTIONS, and /healthz answers", async () => {
    const people = await Promise.all([1, 2, 3, 4].map((n) => signedInMember(small, `filler-${n}@example.com`)))
    const opened: Opened[] = []
    try {
      for (const { person, workspaceId } of people.slice(0, 3)) opened.push(...(await openStreams(person, workspaceId, STREAMS_PER_SESSION)))
      expect(count(opened, 200)).toBe(48)
      const [last] = people.slice(3)
      const refused = await openStreams(last!.person, last!.workspaceId, 2)
      expect(refused.map((stream) => stream.status)).toEqual([503, 503])
      expect(refused[0]!.body).toMatch(/as many live streams open as it can hold; pages still work/)
      expect((await fetch(new URL("/healthz", small.url))).status).toBe(200)
      expect((await last!.person.request("/account")).status).toBe(200)
    } finally {
      await closeAll(opened)
    }
  })
})

describe("sockets that send nothing useful", () => {
  it("are closed by the server within its header timeout, while /healthz answers", async () => {
    const url = new URL(server.url)
    const sockets: Socket[] = await Promise.all(
      Array.from(
        { length: 300 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(url.port), url.hostname, () => {
              socket.write(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\nX-Slow: `)
              resolve(socket)
            })
            socket.on("error", () => undefined)
            // Read what the server sends (its 408), so its closing the connection is seen.
            socket.resume()
            socket.once("error", reject)
          }),
      ),
    )
    const closed = sockets.map((socket) => new Promise<void>((resolve) => socket.once("close", () => resolve())))
    try {
      expect((await fetch(new URL("/healthz", server.url))).status).toBe(200)
      expect((await world.as("member").request("/account")).status).toBe(200)
      // Node's default would hold them for a minute; the host's header timeout is 10 s.
      await within(Promise.all(closed), 30_000, "the server to close every socket that never finished its headers")
    } finally {
      for (const socket of sockets) socket.destroy()
    }
  }, 60_000)

  it("beyond SECOND_MAX_CONNECTIONS are dropped, the log says so, and the server serves again once they go", async () => {
    const url = new URL(small.url)
    const sockets = await Promise.all(
      Array.from({ length: 90 }, () => new Promise<Socket>((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => resolve(socket))
        socket.on("error", () => undefined)
        socket.resume()
      })),
    )
    try {
      const warning = "Refusing new connections: this process holds SECOND_MAX_CONNECTIONS (64) already."
      await small.process.waitFor((output) => output.includes(warning), "the warning that connections are refused", 10_000)
    } finally {
      for (const socket of sockets) socket.destroy()
    }
    await eventually(async () => (await fetch(new URL("/healthz", small.url)).catch(() => null))?.status === 200, 10_000)
  })
})
