// POST /api/internal/tool-execute against a real running Second: the two builder tools the web
// answers (set_app_metadata, list_app_integration_keys), the claims it re-checks against its own
// state (a run that ended, or that is not that app's, workspace's or runtime's, is refused alike and
// nothing is written), the internal token, and bodies that do not match shared/mcp/tool-execute.ts.
// Running runs are stored directly: a turn that calls a tool needs an agent, the worker's tests' business.

import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { apps, auditEvents, runs, type AppDocument, type RunDocument } from "#app/store/collections.server.ts"
import type { DurableStore } from "#app/store/store.server.ts"
import { makeApp } from "#tests/authorization/app-fixtures.ts"
import { useWorld } from "#tests/authorization/world.ts"
import { SseReader } from "#tests/fixtures/sse-client.ts"

const internalToken = randomBytes(32).toString("hex")
// A long lease: the stored running runs have no worker heartbeating, and the reaper must leave them be.
const given = useWorld({ INTERNAL_API_TOKEN: internalToken, SECOND_RUN_LEASE_SECONDS: "600" })

let store: DurableStore
beforeAll(async () => {
  store = await given.server.openStore()
})
afterAll(async () => {
  await store?.close()
})

interface Claims {
  workspaceId: string
  appId: string
  runId: string
  runtime: RuntimeId
}

/** An app of W's owner with a turn in progress, as the web stores one while the worker drives it. */
async function appInTurn(options: { name?: string } = {}) {
  const owner = given.world.as("owner")
  const appId = options.name
    ? (
        await owner.must<{ app: { id: string } }>("mutation", "apps.create", {
          workspaceId: given.world.workspaceId,
          prompt: "A page for lunch orders",
          runtime: "claude",
          name: options.name,
        })
      ).app.id
    : (await makeApp(given.world, owner)).appId
  const app = (await store.collection(apps).findOne({ id: appId }))!
  const run: RunDocument = {
    id: newId(),
    workspaceId: app.workspaceId,
    appId: app.id,
    createdByUserId: app.createdByUserId,
    prompt: "Build it",
    runtime: "claude",
    model: null,
    status: "running",
    error: null,
    transcript: [],
    retryOf: null,
    createdAt: new Date().toISOString(),
    endedAt: null,
  }
  await store.collection(runs).insert(run)
  const claims: Claims = { workspaceId: app.workspaceId, appId: app.id, runId: run.id, runtime: "claude" }
  return { app, run, claims }
}

const post = (body: unknown, authorization: string | null = `Bearer ${internalToken}`) =>
  fetch(new URL("/api/internal/tool-execute", given.server.url), {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  })

const setMetadata = (claims: Claims, input: unknown) => post({ claims, toolSet: "second", tool: "set_app_metadata", input })
const listKeys = (claims: Claims, input: unknown = {}) => post({ claims, toolSet: "second", tool: "list_app_integration_keys", input })

const appNow = async (app: AppDocument) => (await store.collection(apps).findOne({ id: app.id }))!
const auditOf = (app: AppDocument) => store.collection(auditEvents).findMany({ workspaceId: app.workspaceId, targetId: app.id })
const summaryOf = (app: AppDocument) =>
  given.world.as("owner").must<{ name: string; description: string | null }>("query", "apps.get", { workspaceId: app.workspaceId, appId: app.id })

describe("set_app_metadata", () => {
  it("names and describes the app, cleaned like every name, and tells the pages open on it", async () => {
    const { app, run, claims } = await appInTurn()
    const events = new SseReader(await given.world.as("owner").request(`/api/w/${app.workspaceId}/events`))
    try {
      const response = await setMetadata(claims, { name: "  Lunch\u0007 orders\u202e ", description: "Log the team's lunch orders." })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ result: { nameApplied: true, name: "Lunch orders", description: "Log the team's lunch orders." } })
      const updated = await events.collect((message) => {
        const event = JSON.parse(message.data || "{}") as { type?: string; appId?: string }
        return event.type === "app.updated" && event.appId === app.id
      })
      expect(updated.length).toBeGreaterThan(0)
    } finally {
      await events.close()
    }
    expect(await summaryOf(app)).toMatchObject({ name: "Lunch orders", description: "Log the team's lunch orders." })
    const listed = await given.world.as("owner").must<{ id: string; description: string | null }[]>("query", "apps.list", { workspaceId: app.workspaceId })
    expect(listed.find((summary) => summary.id === app.id)?.description).toBe("Log the team's lunch orders.")
    expect((await appNow(app)).nameSetBy).toBe("agent")
    // The rename is audited in the turn of the person who sent the message.
    const renamed = (await auditOf(app)).filter((event) => event.action === "app.renamed")
    expect(renamed).toHaveLength(1)
    expect(renamed[0]).toMatchObject({ actorUserId: run.createdByUserId, before: { name: app.name }, after: { name: "Lunch orders", runId: run.id } })

    // The agent may rename its own name later.
    const again = await setMetadata(claims, { name: "Lunch board", description: "Everyone's lunch, one page." })
    expect(await again.json()).toEqual({ result: { nameApplied: true, name: "Lunch board", description: "Everyone's lunch, one page." } })
  })

  it("keeps a name the person gave, at creation or by renaming, and still stores the description", async () => {
    const named = await appInTurn({ name: "Team lunches" })
    const renamedByPerson = await appInTurn()
    await given.world.as("owner").must("mutation", "apps.rename", { workspaceId: renamedByPerson.app.workspaceId, appId: renamedByPerson.app.id, name: "My lunch app" })
    for (const [{ app, claims }, name] of [
      [named, "Team lunches"],
      [renamedByPerson, "My lunch app"],
    ] as const) {
      const auditBefore = (await auditOf(app)).length
      const response = await setMetadata(claims, { name: "Lunch orders", description: "Log the team's lunch orders." })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ result: { nameApplied: false, name, description: "Log the team's lunch orders." } })
      expect(await summaryOf(app)).toMatchObject({ name, description: "Log the team's lunch orders." })
      expect((await auditOf(app)).length, "no rename happened").toBe(auditBefore)
    }
  })

  it("refuses a name or description with nothing that can be shown, and writes nothing", async () => {
    const { app, claims } = await appInTurn()
    const before = await appNow(app)
    for (const input of [
      { name: "\u0000\u202e", description: "Orders" },
      { name: "Lunch", description: "\u200b" },
    ]) {
      const response = await setMetadata(claims, input)
      expect(response.status, JSON.stringify(input)).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringMatching(/no characters that can be shown/) } })
    }
    expect(await appNow(app)).toEqual(before)
  })
})

describe("list_app_integration_keys", () => {
  it("lists no keys until grants exist, with or without a domain", async () => {
    const { claims } = await appInTurn()
    for (const input of [{}, { domain: "api.github.com" }, { domain: null }]) {
      const response = await listKeys(claims, input)
      expect(response.status, JSON.stringify(input)).toBe(200)
      expect(await response.json()).toEqual({ result: { keys: [] } })
    }
  })
})

describe("the claims a call carries", () => {
  const rejected = { error: { code: "claims_rejected", message: "This run cannot call tools now." } }

  it("are refused alike for a run that ended, another app's, another workspace's, another runtime's, or none, and nothing is written", async () => {
    const { app, run, claims } = await appInTurn()
    const other = await appInTurn()
    const ended = await appInTurn()
    await store.collection(runs).updateOne({ id: ended.run.id }, { status: "completed", endedAt: new Date().toISOString() })
    const cases: [string, Claims][] = [
      ["a run that ended", ended.claims],
      ["another app", { ...claims, appId: other.app.id }],
      ["another app's run", { ...claims, runId: other.run.id }],
      ["another workspace", { ...claims, workspaceId: given.world.outsiderWorkspaceId }],
      ["another runtime", { ...claims, runtime: "codex" as const }],
      ["an unknown run", { ...claims, runId: newId() }],
    ]
    const watched = [app, other.app, ended.app]
    const before = await Promise.all(watched.map(appNow))
    const auditBefore = await Promise.all(watched.map(auditOf))
    for (const [label, claimed] of cases) {
      for (const response of [await setMetadata(claimed, { name: "Stolen", description: "Not yours." }), await listKeys(claimed)]) {
        expect(response.status, label).toBe(403)
        expect(await response.json(), label).toEqual(rejected)
      }
    }
    expect(await Promise.all(watched.map(appNow))).toEqual(before)
    expect(await Promise.all(watched.map(auditOf))).toEqual(auditBefore)
    expect((await store.collection(runs).findOne({ id: run.id }))?.status).toBe("running")
  })

  it("are refused once the app is being deleted", async () => {
    const { app, claims } = await appInTurn()
    await store.collection(apps).updateOne({ id: app.id }, { deleting: true })
    const response = await setMetadata(claims, { name: "Late", description: "Too late." })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual(rejected)
    expect((await appNow(app)).name).toBe(app.name)
  })
})

describe("the route", () => {
  it("answers only the internal token: none, a wrong one, or a person's session is 401", async () => {
    const { app, claims } = await appInTurn()
    const body = { claims, toolSet: "second", tool: "set_app_metadata", input: { name: "Lunch", description: "Orders" } }
    expect((await post(body, null)).status, "no token").toBe(401)
    expect((await post(body, `Bearer ${"0".repeat(64)}`)).status, "a wrong token").toBe(401)
    const asOwner = await given.world.as("owner").request("/api/internal/tool-execute", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
    expect(asOwner.status, "the owner's session").toBe(401)
    expect(await appNow(app)).toMatchObject({ name: app.name })
    expect((await fetch(new URL("/api/internal/tool-execute", given.server.url))).status, "GET").toBe(405)
  })

  it("refuses a body that does not match the contract with 400 and what is wrong, and writes nothing", async () => {
    const { app, claims } = await appInTurn()
    const call = (fields: Record<string, unknown>) => ({ claims, toolSet: "second", tool: "set_app_metadata", input: { name: "Lunch", description: "Orders" }, ...fields })
    const before = await appNow(app)
    const malformed: [unknown, RegExp | null][] = [
      ["not json", null],
      [null, null],
      [[], null],
      [call({ tool: "done_building", input: { summary: "Built" } }), null],
      [call({ toolSet: "other" }), null],
      [call({ input: { name: "", description: "Orders" } }), /at least 1[\s\S]*name/],
      [call({ input: { name: "x".repeat(61), description: "Orders" } }), /at most 60[\s\S]*name/],
      [call({ input: { name: "Lunch" } }), /description/],
      [call({ claims: { ...claims, runId: "../../etc" } }), /runId/],
      [call({ claims: { ...claims, runtime: "gpt" } }), /runtime/],
      [call({ claims: undefined }), /claims/],
    ]
    for (const [body, why] of malformed) {
      const response = await post(body)
      const label = JSON.stringify(body)?.slice(0, 80) ?? "undefined"
      expect(response.status, label).toBe(400)
      const answer = (await response.json()) as { error: { code: string; message: string } }
      expect(answer.error.code, label).toBe("invalid_tool_call")
      expect(answer.error.message, label).toMatch(/^The tool call does not match shared\/mcp\/tool-execute\.ts\./)
      if (why) expect(answer.error.message, label).toMatch(why)
    }
    expect(await appNow(app)).toEqual(before)
  })
})
