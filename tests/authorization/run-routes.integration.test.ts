// The two run routes that are APIs rather than pages, so the enumeration's page kinds cannot
// express them: a run's event stream (authorized like its app, 401 signed out, never a redirect)
// and the worker's end-of-turn report (authorized by the internal bearer token, never a session).

import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { SseReader } from "#tests/fixtures/sse-client.ts"
import { makeApp } from "./app-fixtures.ts"
import { useWorld } from "./world.ts"

const internalToken = randomBytes(32).toString("hex")
const given = useWorld({ INTERNAL_API_TOKEN: internalToken })

describe("GET /api/runs/:runId/events", () => {
  const events = (runId: string) => `/api/runs/${runId}/events`

  it("refuses the signed out, other workspaces and people who cannot see the app", async () => {
    const { runId } = await makeApp(given.world, given.world.as("member"))
    const anotherMember = (await given.world.join("member")).person
    expect((await new HttpPerson(given.server.url).request(events(runId))).status, "signed out").toBe(401)
    expect((await given.world.as("outsider").request(events(runId))).status, "member of another workspace").toBe(404)
    expect((await anotherMember.request(events(runId))).status, "a member who is not the app's creator").toBe(404)
    expect((await given.world.as("member").request(events("a".repeat(24)))).status, "no such run").toBe(404)
  })

  for (const who of ["member", "admin"] as const) {
    it(`streams the run to ${who === "member" ? "the app's creator" : "an admin (who sees every app)"}`, async () => {
      const { runId } = await makeApp(given.world, given.world.as("member"))
      const response = await given.world.as(who).request(events(runId))
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
      const reader = new SseReader(response)
      try {
        // The run failed at start-up: its stream holds the error and the terminal event.
        const messages = await reader.collect((message) => message.event === "end" || JSON.parse(message.data).type === "turn.completed")
        const types = messages.filter((message) => message.event === "message").map((message) => JSON.parse(message.data).type)
        expect(types).toContain("error")
        expect(types.at(-1)).toBe("turn.completed")
      } finally {
        await reader.close()
      }
    })
  }
})

describe("GET /api/runs/:runId/events with a Last-Event-ID", () => {
  const events = (runId: string) => `/api/runs/${runId}/events`

  it("refuses ids it never sent with 400 and what an id looks like, in the header or the query", async () => {
    const member = given.world.as("member")
    const { runId } = await makeApp(given.world, member)
    for (const id of ["99999999999999999999999", "1-99999999999999999999999", "9007199254740993-0", "1e5", "-1", "abc", "1-2-3"]) {
      for (const response of [
        await member.request(events(runId), { headers: { "last-event-id": id } }),
        await member.request(`${events(runId)}?lastEventId=${encodeURIComponent(id)}`),
      ]) {
        expect(response.status, id).toBe(400)
        expect(await response.text()).toMatch(/^Last-Event-ID must be the id of an event this stream sent, like \d+-0/)
      }
    }
  })

  it("resumes from a real id, and ends at once for a client past the end", async () => {
    const member = given.world.as("member")
    const { runId } = await makeApp(given.world, member)
    const first = new SseReader(await member.request(events(runId)))
    const messages = await first.collect((message) => message.event === "end")
    await first.close()
    const lastId = messages.filter((message) => message.id !== null).at(-1)!.id!
    expect((await member.request(events(runId), { headers: { "last-event-id": lastId } })).status).toBe(204)
    const fromTheStart = await member.request(events(runId), { headers: { "last-event-id": " 0 " } })
    expect(fromTheStart.status).toBe(200)
    await fromTheStart.body?.cancel()
  })
})

describe("POST /api/internal/runs/:runId/complete", () => {
  const report = (appId: string) => ({ appId, outcome: "completed", error: null, runtime: "claude", nativeSessionId: null, transcript: [] })
  const post = (runId: string, appId: string, headers: Record<string, string>) =>
    given.world.as("owner").request(`/api/internal/runs/${runId}/complete`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(report(appId)),
    })

  it("refuses a caller without the internal token, even a signed-in owner", async () => {
    const { appId, runId } = await makeApp(given.world, given.world.as("owner"))
    expect((await post(runId, appId, {})).status, "no token, only the owner's session").toBe(401)
    expect((await post(runId, appId, { authorization: `Bearer ${"0".repeat(64)}` })).status, "a wrong token").toBe(401)
  })

  it("lets the worker's token through to the report itself", async () => {
    const { appId, runId } = await makeApp(given.world, given.world.as("owner"))
    const authorization = `Bearer ${internalToken}`
    // The run already ended at start-up, so the report is heard and answered "already settled".
    expect((await post(runId, appId, { authorization })).status).toBe(409)
    expect((await post("a".repeat(24), appId, { authorization })).status, "no such run").toBe(404)
  })

  it("refuses a report that does not match the shared contract with 400, and settles nothing", async () => {
    const { appId, runId } = await makeApp(given.world, given.world.as("owner"))
    const authorization = `Bearer ${internalToken}`
    const malformed = [
      "not json",
      JSON.stringify({ ...report(appId), outcome: "done" }),
      JSON.stringify({ ...report(appId), transcript: "all of it" }),
      JSON.stringify({ ...report(appId), runtime: "gpt" }),
      JSON.stringify({ ...report(appId), source: { files: { "a.txt": 1 }, binaryFiles: {}, skipped: [] } }),
      JSON.stringify({ appId }),
    ]
    for (const body of malformed) {
      const response = await given.world.as("owner").request(`/api/internal/runs/${runId}/complete`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body,
      })
      expect(response.status, body).toBe(400)
      expect(await response.json(), body).toMatchObject({ error: { code: "invalid_completion" } })
    }
  })
})
