// appData.* through the real router (createCaller with the context an HTTP request gets, a real
// SQLite file): who may call it (signed out 401, another workspace's or a hidden app 404 as if it
// did not exist, its builders and admins 200), the scope parameter, and refusals as typed 4xx.

import { TRPCError } from "@trpc/server"
import { getHTTPStatusCodeFromError } from "@trpc/server/http"
import { afterEach, describe, expect, it } from "vitest"
import { ZodError } from "zod"
import { openAppDataWorld, type AppDataWorld, type Person } from "#tests/fixtures/app-data-world.ts"
import { apps } from "../../store/collections.server.ts"
import { issuesMessage } from "../issue-messages.server.ts"

const worlds: AppDataWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close()
})

async function setUp() {
  const world = await openAppDataWorld()
  worlds.push(world)
  const workspaceId = await world.workspace()
  const otherWorkspaceId = await world.workspace()
  const creator = await world.person(workspaceId, "member")
  const collaborator = await world.person(workspaceId, "member")
  const bystander = await world.person(workspaceId, "member")
  const admin = await world.person(workspaceId, "admin")
  const outsider = await world.person(otherWorkspaceId, "owner")
  const app = await world.app(workspaceId, creator, [collaborator])
  return { world, workspaceId, otherWorkspaceId, creator, collaborator, bystander, admin, outsider, app }
}

/** The HTTP status a call is refused with, and its message as an HTTP caller reads it. */
async function refused(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error = await call.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof TRPCError)) throw new Error(`expected a refusal, got ${JSON.stringify(error)}`)
  const message = error.cause instanceof ZodError ? issuesMessage(error.cause.issues) : error.message
  return { status: getHTTPStatusCodeFromError(error), message }
}

describe("appData procedures", () => {
  it("answers every procedure by the app's visibility: 401 signed out, 404 for another workspace or a hidden app, 200 for builders", async () => {
    const { world, workspaceId, otherWorkspaceId, creator, collaborator, bystander, admin, outsider, app } = await setUp()
    const { id } = await world.caller(creator).appData.insert({ workspaceId, appId: app.id, collection: "todos", data: { title: "Milk" } })
    const calls = (person: Person | null, inWorkspace = workspaceId) => {
      const api = world.caller(person).appData
      const base = { workspaceId: inWorkspace, appId: app.id }
      return {
        collections: () => api.collections(base),
        list: () => api.list({ ...base, collection: "todos" }),
        get: () => api.get({ ...base, collection: "todos", id }),
        insert: () => api.insert({ ...base, collection: "todos", data: { title: "Eggs" } }),
        update: () => api.update({ ...base, collection: "todos", id, data: { done: true } }),
        remove: () => api.remove({ ...base, collection: "todos", id: app.id }),
      }
    }
    const before = await world.caller(creator).appData.list({ workspaceId, appId: app.id, collection: "todos" })
    for (const [name, call] of Object.entries(calls(null))) expect((await refused(call())).status, `${name} signed out`).toBe(401)
    for (const [name, call] of Object.entries(calls(outsider))) {
      expect(await refused(call()), `${name} as a member of another workspace`).toEqual({ status: 404, message: "Workspace not found." })
    }
    for (const [name, call] of Object.entries(calls(outsider, otherWorkspaceId))) {
      expect(await refused(call()), `${name} naming the app through another workspace`).toEqual({ status: 404, message: "App not found." })
    }
    for (const [name, call] of Object.entries(calls(bystander))) {
      expect(await refused(call()), `${name} as a member who is not one of its builders`).toEqual({ status: 404, message: "App not found." })
    }
    // Nothing changed for all those refusals.
    expect(await world.caller(creator).appData.list({ workspaceId, appId: app.id, collection: "todos" })).toEqual(before)

    for (const person of [creator, collaborator, admin]) {
      const api = calls(person)
      expect(await api.collections()).toMatchObject({ canEdit: true, collections: [{ name: "todos" }] })
      expect((await api.list()).documents.length).toBeGreaterThan(0)
      expect(await api.get()).toMatchObject({ id, collection: "todos" })
      expect(await api.insert()).toMatchObject({ collection: "todos", data: { title: "Eggs" } })
      expect(await api.update()).toMatchObject({ id, data: { title: "Milk", done: true } })
      // The case removes nothing real: an id of no document is a 404 after access was granted.
      expect(await refused(api.remove())).toEqual({ status: 404, message: "Document not found." })
    }
    expect(await world.caller(admin).appData.remove({ workspaceId, appId: app.id, collection: "todos", id })).toEqual({ deleted: true, id })
  })

  it("reads and writes the draft unless told the published scope, and keeps them apart", async () => {
    const { world, workspaceId, creator, app } = await setUp()
    const api = world.caller(creator).appData
    await api.insert({ workspaceId, appId: app.id, collection: "todos", data: { where: "draft" } })
    await api.insert({ workspaceId, appId: app.id, scope: "published", collection: "todos", data: { where: "published" } })
    const data = async (scope?: "draft" | "published") =>
      (await api.list({ workspaceId, appId: app.id, collection: "todos", ...(scope ? { scope } : {}) })).documents.map((document) => document.data)
    expect(await data()).toEqual([{ where: "draft" }])
    expect(await data("draft")).toEqual([{ where: "draft" }])
    expect(await data("published")).toEqual([{ where: "published" }])
    expect(await refused(api.list({ workspaceId, appId: app.id, collection: "todos", scope: "live" as never }))).toEqual({
      status: 400,
      message: 'scope must be "draft" or "published"',
    })
  })

  it("refuses bad input with 400 and too much with 413, each naming what to fix", async () => {
    const { world, workspaceId, creator, app } = await setUp()
    const api = world.caller(creator).appData
    const base = { workspaceId, appId: app.id }
    expect(await refused(api.insert({ ...base, collection: "9lives", data: {} }))).toMatchObject({ status: 400, message: expect.stringMatching(/collection name is 1–64 letters/) })
    expect(await refused(api.insert({ ...base, collection: "todos", data: [] as never }))).toMatchObject({ status: 400, message: expect.stringMatching(/data must be a JSON object/) })
    expect(await refused(api.insert({ ...base, collection: "todos", data: { text: "x".repeat(70_000) } }))).toMatchObject({
      status: 413,
      message: expect.stringMatching(/at most 64 KiB/),
    })
    expect(await refused(api.list({ ...base, collection: "todos", cursor: "bm90LWEtY3Vyc29y" }))).toMatchObject({ status: 400, message: expect.stringMatching(/cursor/) })
    expect(await refused(api.list({ ...base, collection: "todos", limit: 101 }))).toMatchObject({ status: 400, message: expect.stringMatching(/at most 100/) })
    expect(await refused(api.get({ ...base, collection: "todos", id: "nope" }))).toMatchObject({ status: 400 })
  })

  it("answers 404 for an app being deleted, and for one that is gone", async () => {
    const { world, workspaceId, creator, app } = await setUp()
    const api = world.caller(creator).appData
    await world.store.collection(apps).updateOne({ id: app.id }, { deleting: true })
    expect(await refused(api.insert({ workspaceId, appId: app.id, collection: "todos", data: {} }))).toEqual({ status: 404, message: "App not found." })
    await world.store.collection(apps).deleteMany({ id: app.id })
    expect(await refused(api.collections({ workspaceId, appId: app.id }))).toEqual({ status: 404, message: "App not found." })
  })
})
