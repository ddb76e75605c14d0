// GET /api/w/:workspaceId/events against a real running Second over HTTP: who is refused (signed
// out 401, strangers 404 as for every workspace route), what a member hears when someone joins
// (an invitation accepted), that another workspace's stream hears none of it, and that a removed
// member's open stream ends and cannot be reopened.

import { afterEach, describe, expect, it } from "vitest"
import { useWorld } from "#tests/authorization/world.ts"
import { within } from "#tests/fixtures/eventually.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"

const given = useWorld()

const eventsPath = (workspaceId: string) => `/api/w/${workspaceId}/events`

interface OpenStream {
  readonly events: Record<string, unknown>[]
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>
  waitFor(count: number, timeoutMs?: number): Promise<void>
  close(): void
}

const open: OpenStream[] = []
afterEach(() => {
  // Open streams would hold the server's shutdown for its grace period.
  for (const stream of open.splice(0)) stream.close()
})

/** Opens the stream as this person and parses what arrives, as an EventSource would. */
async function listen(person: HttpPerson, workspaceId: string): Promise<OpenStream> {
  const aborter = new AbortController()
  const response = await person.request(eventsPath(workspaceId), { headers: { accept: "text/event-stream" }, signal: aborter.signal })
  expect(response.status, await (response.status === 200 ? "" : response.text())).toBe(200)
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
  const events: Record<string, unknown>[] = []
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  const ended = (async () => {
    let buffer = ""
    try {
      for (;;) {
        const chunk = await reader.read()
        if (chunk.done) return
        buffer += decoder.decode(chunk.value, { stream: true })
        let end: number
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = frame
            .split("\n")
            .filter((line) => line.startsWith("data: "))
            .map((line) => line.slice(6))
          if (data.length > 0) events.push(JSON.parse(data.join("\n")) as Record<string, unknown>)
        }
      }
    } catch {
      // Aborted by close().
    }
  })()
  const stream: OpenStream = {
    events,
    ended,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} events within ${timeoutMs} ms, got ${JSON.stringify(events)}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
    close: () => aborter.abort(),
  }
  open.push(stream)
  return stream
}


describe("GET /api/w/:workspaceId/events", () => {
  it("refuses the signed out with 401 and strangers with 404, as if the workspace did not exist", async () => {
    const { world, server } = given
    const nobody = await new HttpPerson(server.url).request(eventsPath(world.workspaceId))
    expect(nobody.status).toBe(401)
    expect(nobody.headers.get("content-type")).not.toMatch(/event-stream/)

    const outsider = await world.as("outsider").request(eventsPath(world.workspaceId))
    expect(outsider.status).toBe(404)
    expect(await outsider.text()).toBe("Workspace not found.")
    expect((await world.as("owner").request(eventsPath("a".repeat(24)))).status, "no such workspace").toBe(404)
    expect((await world.as("owner").request(eventsPath("not-an-id"))).status, "not an id").toBe(404)
  })

  it("tells every member, whatever their role, that someone joined, with the event's fields only", async () => {
    const { world } = given
    const streams = await Promise.all((["owner", "admin", "member"] as const).map((role) => listen(world.as(role), world.workspaceId)))
    const elsewhere = await listen(world.as("outsider"), world.outsiderWorkspaceId)

    await world.join("member") // an invitation created and accepted
    await Promise.all(streams.map((stream) => stream.waitFor(1)))
    for (const stream of streams) {
      expect(stream.events).toEqual([{ type: "member.changed", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }])
    }

    // The outsider's own workspace changes next: its stream hears that, and never heard W's.
    const newcomer = await world.person("newcomer")
    const issued = await world.as("outsider").must<{ url: string }>("mutation", "invitations.create", {
      workspaceId: world.outsiderWorkspaceId,
      email: world.emails.get(newcomer),
      role: "member",
      teamIds: [],
    })
    await newcomer.must("mutation", "invitations.accept", { token: issued.url.split("/").at(-1) })
    await elsewhere.waitFor(1)
    expect(elsewhere.events).toHaveLength(1)
    expect(streams[0]!.events, "W's streams hear nothing of another workspace").toHaveLength(1)
  })

  it("ends a removed member's open stream, and refuses to reopen it", async () => {
    const { world } = given
    const { person, userId } = await world.join("member")
    const stream = await listen(person, world.workspaceId)
    const owner = await listen(world.as("owner"), world.workspaceId)

    await world.as("owner").must("mutation", "members.remove", { workspaceId: world.workspaceId, userId })
    await within(stream.ended, 5_000, "the removed member's stream ending")
    expect(stream.events, "nothing, not even the removal itself").toEqual([])
    await owner.waitFor(1)
    expect((await person.request(eventsPath(world.workspaceId))).status).toBe(404)
  })
})
