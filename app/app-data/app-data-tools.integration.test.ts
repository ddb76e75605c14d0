// The builder's app_data tools as the worker's broker calls them (POST /api/internal/tool-execute,
// the route's action called in-process with a real SQLite file): the run's claims re-checked
// first, collections the app does not declare refused with what to add to second.json, the draft
// scope only, answers that are the stored documents, refusals in words, and live changes for the
// previews. Running runs are stored directly; driving an agent is the worker's tests' business.

import { randomBytes } from "node:crypto"
import { afterEach, describe, expect, it } from "vitest"
import type { AppDataChange, AppDataDocument, AppDataPage } from "#shared/apps/app-data.ts"
import { Secret } from "#shared/config/secret.ts"
import { newId } from "#shared/ids.ts"
import { openAppDataWorld, type AppDataWorld } from "#tests/fixtures/app-data-world.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { action } from "../routes/api.internal.tool-execute.ts"
import { runs, type AppDocument, type RunDocument } from "../store/collections.server.ts"
import { appData } from "./app-data-collections.server.ts"
import { appDataChannel } from "./app-data-changes.server.ts"
import { listDocuments } from "./app-data.server.ts"

const token = randomBytes(32).toString("hex")
const worlds: AppDataWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close()
})

async function setUp() {
  const world = await openAppDataWorld()
  worlds.push(world)
  Object.assign(world.services.config, { internalApiToken: new Secret(token), production: false })
  const workspaceId = await world.workspace()
  const creator = await world.person(workspaceId, "member")
  const app = await world.app(workspaceId, creator)
  const run = await runningRun(world, app)
  const claims = { workspaceId, appId: app.id, runId: run.id, runtime: "claude" }
  return { world, app, run, claims }
}

async function runningRun(world: AppDataWorld, app: AppDocument): Promise<RunDocument> {
  const run: RunDocument = {
    id: newId(),
    workspaceId: app.workspaceId,
    appId: app.id,
    createdByUserId: app.createdByUserId,
    prompt: "Add sample todos",
    runtime: "claude",
    model: null,
    status: "running",
    error: null,
    transcript: [],
    retryOf: null,
    createdAt: new Date().toISOString(),
    endedAt: null,
  }
  await world.store.collection(runs).insert(run)
  return run
}

interface Reply {
  readonly status: number
  readonly body: { result?: unknown; error?: { code: string; message: string } }
}

async function call(world: AppDataWorld, body: unknown): Promise<Reply> {
  const request = new Request("http://second.test/api/internal/tool-execute", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  })
  const response = await action({ request, params: {}, context: { services: world.services, cspNonce: "" } } as never)
  return { status: response.status, body: (await response.json()) as Reply["body"] }
}

const tool = (claims: object, name: string, input: object, declaredCollections: readonly string[] = ["todos"]) => ({
  claims,
  toolSet: "app_data",
  tool: name,
  declaredCollections,
  input,
})

describe("the builder's app_data tools", () => {
  it("insert, list, update and delete the app's draft data, answering the stored documents, and tell open previews", async () => {
    const { world, app, claims } = await setUp()
    const heard: AppDataChange[] = []
    await world.live.subscribe(appDataChannel(app.workspaceId, app.id), (message) => heard.push(JSON.parse(message) as AppDataChange))

    const inserted = await call(world, tool(claims, "insert_document", { collection: "todos", data: { title: "Milk", done: false } }))
    expect(inserted.status).toBe(200)
    const document = inserted.body.result as AppDataDocument
    expect(document).toMatchObject({ collection: "todos", data: { title: "Milk", done: false }, id: expect.stringMatching(/^[a-z2-7]{24}$/) })
    await call(world, tool(claims, "insert_document", { collection: "todos", data: { title: "Eggs", done: false } }))

    const listed = await call(world, tool(claims, "list_documents", { collection: "todos", limit: 1 }))
    expect(listed.status).toBe(200)
    const page = listed.body.result as AppDataPage
    expect(page.documents).toEqual([document])
    const rest = await call(world, tool(claims, "list_documents", { collection: "todos", cursor: page.nextCursor }))
    expect((rest.body.result as AppDataPage).documents.map((d) => d.data["title"])).toEqual(["Eggs"])

    const updated = await call(world, tool(claims, "update_document", { collection: "todos", id: document.id, data: { done: true } }))
    expect(updated.body.result).toMatchObject({ id: document.id, data: { title: "Milk", done: true } })
    const deleted = await call(world, tool(claims, "delete_document", { collection: "todos", id: document.id }))
    expect(deleted.body.result).toEqual({ deleted: true, id: document.id })

    // The draft scope, never the published one.
    const draft = { workspaceId: app.workspaceId, appId: app.id }
    expect((await listDocuments(world.services, { ...draft, scope: "draft" }, { collection: "todos" })).documents).toHaveLength(1)
    expect((await listDocuments(world.services, { ...draft, scope: "published" }, { collection: "todos" })).documents).toEqual([])
    await eventually(() => heard.length === 4)
    expect(heard.map((change) => `${change.op} ${change.scope}`)).toEqual(["insert draft", "insert draft", "update draft", "delete draft"])
  })

  it("refuses a collection the app does not declare, saying what to add to second.json, and writes nothing", async () => {
    const { world, app, claims } = await setUp()
    for (const [name, input] of [
      ["insert_document", { collection: "notes", data: { a: 1 } }],
      ["list_documents", { collection: "notes" }],
      ["update_document", { collection: "notes", id: newId(), data: { a: 1 } }],
      ["delete_document", { collection: "notes", id: newId() }],
    ] as const) {
      const reply = await call(world, tool(claims, name, input, ["todos", "people"]))
      expect(reply.status, name).toBe(400)
      expect(reply.body.error?.code).toBe("collection_not_declared")
      expect(reply.body.error?.message).toMatch(/"notes".*It declares "todos", "people"\. Add "notes" to the dataCollections list in second\.json/)
    }
    const none = await call(world, tool(claims, "insert_document", { collection: "notes", data: {} }, []))
    expect(none.body.error?.message).toMatch(/It declares none yet/)
    expect(await world.store.collection(appData).count({ appId: app.id })).toBe(0)
  })

  it("re-checks the run's claims before anything: an ended run, another app's or another runtime's is refused alike", async () => {
    const { world, app, run, claims } = await setUp()
    const otherApp = await world.app(app.workspaceId, await world.person(app.workspaceId, "member"))
    for (const forged of [
      { ...claims, appId: otherApp.id },
      { ...claims, runtime: "codex" },
      { ...claims, workspaceId: newId() },
      { ...claims, runId: newId() },
    ]) {
      const reply = await call(world, tool(forged, "insert_document", { collection: "notes", data: { a: 1 } }))
      expect(reply).toEqual({ status: 403, body: { error: { code: "claims_rejected", message: "This run cannot call tools now." } } })
    }
    await world.store.collection(runs).updateOne({ id: run.id }, { status: "stopped" })
    expect((await call(world, tool(claims, "insert_document", { collection: "todos", data: { a: 1 } }))).status).toBe(403)
    expect(await world.store.collection(appData).count({})).toBe(0)
  })

  it("answers refusals the agent can act on: unknown document 404, too big 413, bad cursor or data 400", async () => {
    const { world, claims } = await setUp()
    const missing = await call(world, tool(claims, "update_document", { collection: "todos", id: "no-such-document", data: { a: 1 } }))
    expect(missing).toEqual({ status: 404, body: { error: { code: "not_found", message: "Document not found." } } })
    const big = await call(world, tool(claims, "insert_document", { collection: "todos", data: { text: "x".repeat(70_000) } }))
    expect(big.status).toBe(413)
    expect(big.body.error).toMatchObject({ code: "too_large", message: expect.stringMatching(/at most 64 KiB/) })
    const cursor = await call(world, tool(claims, "list_documents", { collection: "todos", cursor: "not-a-cursor" }))
    expect(cursor.status).toBe(400)
    expect(cursor.body.error?.message).toMatch(/cursor is not one this API gave out/)
    const deep = await call(world, tool(claims, "insert_document", { collection: "todos", data: JSON.parse(`${'{"a":'.repeat(40)}1${"}".repeat(40)}`) as object }))
    expect(deep.status).toBe(400)
    expect(deep.body.error?.message).toMatch(/nests deeper than 32 levels/)
    // A call without its declared collections does not match the contract.
    const { declaredCollections: _, ...undeclared } = tool(claims, "list_documents", { collection: "todos" })
    expect((await call(world, undeclared)).body.error?.code).toBe("invalid_tool_call")
  })
})
