// The app data module against a real SQLite file: what a stored document reads back as, a shallow
// merge, the limits (each refusal typed and naming its limit, nothing written), pages that neither
// repeat nor skip while others insert, a tampered cursor, draft and published kept apart, and the
// per-scope cap under concurrent writers on two connections, as two web processes would race.

import { afterEach, describe, expect, it } from "vitest"
import { APP_DATA_LIMITS, type AppDataChange } from "#shared/apps/app-data.ts"
import { newId } from "#shared/ids.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { openAppDataWorld, type AppDataWorld } from "#tests/fixtures/app-data-world.ts"
import { AppError } from "../errors.server.ts"
import { appData, appDataUsage } from "./app-data-collections.server.ts"
import { appDataChannel } from "./app-data-changes.server.ts"
import {
  deleteAppData,
  describeAppData,
  getDocument,
  insertDocument,
  listDocuments,
  removeDocument,
  updateDocument,
  type AppDataTarget,
} from "./app-data.server.ts"
import { usageId } from "./app-data-usage.server.ts"
import { encodeCursor } from "./app-data-values.server.ts"

const worlds: AppDataWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0).reverse()) await world.close()
})

async function setUp(options: Parameters<typeof openAppDataWorld>[0] = {}) {
  const world = await openAppDataWorld(options)
  worlds.push(world)
  const target: AppDataTarget = { workspaceId: newId(), appId: newId(), scope: "draft" }
  return { world, services: world.services, target }
}

/** Rejects with an AppError of this code whose message matches. */
async function refusal(promise: Promise<unknown>, code: AppError["code"], message: RegExp) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error, "expected a refusal").toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe(code)
  expect((error as AppError).message).toMatch(message)
}

const smallLimits = { ...APP_DATA_LIMITS, maxScopeBytes: 10_000, maxCollections: 3 }

describe("app data documents", () => {
  it("stores JSON objects exactly, merges updates shallowly, deletes, and announces each change", async () => {
    const { world, services, target } = await setUp()
    const heard: AppDataChange[] = []
    await world.live.subscribe(appDataChannel(target.workspaceId, target.appId), (message) => heard.push(JSON.parse(message) as AppDataChange))

    // As JSON arrives: "__proto__" is an own field there, and must stay one (never a prototype).
    const json = '{"title":"Buy milk","done":false,"tags":["home","é😀"],"meta":{"priority":2,"note":null},"__proto__":{"polluted":true}}'
    const data = JSON.parse(json) as Record<string, unknown>
    const inserted = await insertDocument(services, target, "todos", data)
    expect(JSON.stringify(inserted.data)).toBe(json)
    expect(Object.getPrototypeOf(inserted.data)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
    expect(await getDocument(services, target, "todos", inserted.id)).toEqual(inserted)

    const updated = await updateDocument(services, target, "todos", inserted.id, { done: true, meta: { priority: 1 } })
    // Fields given replace theirs (objects whole); the others are kept.
    expect(JSON.stringify(updated.data)).toBe(json.replace('"done":false', '"done":true').replace('{"priority":2,"note":null}', '{"priority":1}'))
    expect(Object.getPrototypeOf(updated.data)).toBe(Object.prototype)
    expect(updated.createdAt).toBe(inserted.createdAt)

    expect(await removeDocument(services, target, "todos", inserted.id)).toEqual({ id: inserted.id })
    await refusal(getDocument(services, target, "todos", inserted.id), "NOT_FOUND", /Document not found/)
    await refusal(removeDocument(services, target, "todos", inserted.id), "NOT_FOUND", /Document not found/)
    await refusal(updateDocument(services, target, "todos", "not-an-id", { a: 1 }), "NOT_FOUND", /Document not found/)

    await eventually(() => heard.length === 3)
    expect(heard.map((change) => [change.op, change.documentId, change.scope, change.collection])).toEqual([
      ["insert", inserted.id, "draft", "todos"],
      ["update", inserted.id, "draft", "todos"],
      ["delete", inserted.id, "draft", "todos"],
    ])
    expect(heard[1]!.document).toEqual(updated)
    expect(heard[2]!.document).toBeNull()
  })

  it("refuses what cannot be stored with a typed error naming the rule or limit, and writes nothing", async () => {
    const { world, services, target } = await setUp()
    const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) })
    const deep = (depth: number): unknown => {
      let value: unknown = []
      for (let level = 0; level < depth; level += 1) value = [value]
      return value
    }
    await refusal(insertDocument(services, target, "1todos", {}), "BAD_REQUEST", /collection name is 1–64 letters/)
    await refusal(insertDocument(services, target, "a".repeat(65), {}), "BAD_REQUEST", /collection name/)
    for (const notAnObject of [[], "x", null, 3, undefined, new Date()]) {
      await refusal(insertDocument(services, target, "todos", notAnObject), "BAD_REQUEST", /must be a JSON object of fields/)
    }
    await refusal(insertDocument(services, target, "todos", { when: new Date() }), "BAD_REQUEST", /data\.when is not a plain JSON object/)
    await refusal(insertDocument(services, target, "todos", { n: Number.NaN }), "BAD_REQUEST", /data\.n is not a finite number/)
    await refusal(insertDocument(services, target, "todos", { f: undefined }), "BAD_REQUEST", /data\.f is undefined/)
    // 32 levels are fine; 33 are not; 20,000 are refused without a stack overflow.
    await insertDocument(services, target, "todos", nested(31) as Record<string, unknown>)
    await refusal(insertDocument(services, target, "todos", nested(33)), "BAD_REQUEST", /nests deeper than 32 levels/)
    await refusal(insertDocument(services, target, "todos", { a: deep(20_000) }), "BAD_REQUEST", /nests deeper than 32 levels/)
    // 64 KiB of JSON fits; a byte more does not (multi-byte characters count as their UTF-8 bytes).
    const overhead = JSON.stringify({ text: "" }).length
    await insertDocument(services, target, "todos", { text: "x".repeat(64 * 1024 - overhead) })
    await refusal(insertDocument(services, target, "todos", { text: "x".repeat(64 * 1024 - overhead + 1) }), "PAYLOAD_TOO_LARGE", /at most 64 KiB/)
    await refusal(insertDocument(services, target, "todos", { text: "é".repeat(40_000) }), "PAYLOAD_TOO_LARGE", /at most 64 KiB/)

    const stored = await world.store.collection(appData).findMany({ appId: target.appId })
    expect(stored).toHaveLength(2)
    const usage = await world.store.collection(appDataUsage).findOne({ id: usageId(target) })
    expect(usage).toMatchObject({ documents: 2, bytes: stored.reduce((sum, record) => sum + record.sizeBytes, 0) })

    // An update that would grow a document past the limit leaves it as it was.
    const [small] = await listDocuments(services, target, { collection: "todos", limit: 1 }).then((page) => page.documents)
    await refusal(updateDocument(services, target, "todos", small!.id, { text: "x".repeat(70_000) }), "PAYLOAD_TOO_LARGE", /64 KiB/)
    expect(await getDocument(services, target, "todos", small!.id)).toEqual(small)
  })

  it("pages oldest first with an opaque cursor: every document once, in order, while others are inserted", async () => {
    const { services, target } = await setUp()
    let inserted = 0
    const insertNext = async () => insertDocument(services, target, "todos", { n: inserted++ })
    for (let n = 0; n < 25; n += 1) await insertNext()
    // Another collection's documents never appear.
    await insertDocument(services, { ...target }, "notes", { n: -1 })

    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await listDocuments(services, target, { collection: "todos", cursor, limit: 10 })
      seen.push(...page.documents.map((document) => document.data["n"] as number))
      cursor = page.nextCursor
      pages += 1
      if (inserted < 40) for (let n = 0; n < 5; n += 1) await insertNext()
    } while (cursor !== null)
    expect(seen).toEqual(Array.from({ length: inserted }, (_, n) => n))
    expect(pages).toBe(4)
    const firstPage = await listDocuments(services, target, { collection: "todos" })
    expect(firstPage.documents).toHaveLength(Math.min(inserted, APP_DATA_LIMITS.defaultPageSize))
    expect(firstPage.nextCursor).toBeNull()
    expect((await listDocuments(services, target, { collection: "empty" })).documents).toEqual([])
  })

  it("answers a cursor it did not give out, or a limit out of range, with a 400 that says what to do", async () => {
    const { services, target } = await setUp()
    await insertDocument(services, target, "todos", { n: 1 })
    await insertDocument(services, target, "todos", { n: 2 })
    const { nextCursor } = await listDocuments(services, target, { collection: "todos", limit: 1 })
    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/)
    const tampered = [
      "x",
      `${nextCursor}=`,
      nextCursor!.slice(0, -2),
      `${nextCursor}AA`,
      encodeCursor("2026-01-01T00:00:00.000Z_' OR 1=1 --"),
      encodeCursor("anything"),
      Buffer.from(JSON.stringify({ gt: "" })).toString("base64url"),
      "a".repeat(201),
    ]
    for (const cursor of tampered) {
      await refusal(listDocuments(services, target, { collection: "todos", cursor }), "BAD_REQUEST", /cursor is not one this API gave out/)
    }
    for (const limit of [0, 101, 1.5]) {
      await refusal(listDocuments(services, target, { collection: "todos", limit }), "BAD_REQUEST", /limit must be a whole number from 1 to 100/)
    }
    expect((await listDocuments(services, target, { collection: "todos", cursor: nextCursor })).documents.map((d) => d.data)).toEqual([{ n: 2 }])
  })

  it("keeps draft and published data apart: documents, lookups and totals", async () => {
    const { services, target } = await setUp()
    const published: AppDataTarget = { ...target, scope: "published" }
    const draftDocument = await insertDocument(services, target, "todos", { scope: "draft" })
    await insertDocument(services, published, "todos", { scope: "published" })
    await insertDocument(services, published, "notes", { scope: "published" })

    expect((await listDocuments(services, target, { collection: "todos" })).documents.map((d) => d.data)).toEqual([{ scope: "draft" }])
    expect((await listDocuments(services, published, { collection: "todos" })).documents.map((d) => d.data)).toEqual([{ scope: "published" }])
    await refusal(getDocument(services, published, "todos", draftDocument.id), "NOT_FOUND", /not found/)
    await refusal(updateDocument(services, published, "todos", draftDocument.id, { x: 1 }), "NOT_FOUND", /not found/)
    await refusal(removeDocument(services, published, "todos", draftDocument.id), "NOT_FOUND", /not found/)
    // Another app's identical scope sees nothing either.
    expect((await listDocuments(services, { ...target, appId: newId() }, { collection: "todos" })).documents).toEqual([])

    expect(await describeAppData(services, target)).toMatchObject({ documents: 1, collections: [{ name: "todos", count: 1 }] })
    expect(await describeAppData(services, published)).toMatchObject({
      documents: 2,
      collections: [
        { name: "notes", count: 1 },
        { name: "todos", count: 1 },
      ],
    })
  })

  it("never lets concurrent writers on two connections pass a scope's size cap, and gives back what deletes free", async () => {
    const { world, services, target } = await setUp()
    // A second connection to the same file, as a second web process has.
    const other = await openAppDataWorld({ file: world.file, live: world.live })
    worlds.push(other)
    const document = { text: "x".repeat(990) } // 1,001 bytes of JSON
    const size = JSON.stringify(document).length
    const fits = Math.floor(smallLimits.maxScopeBytes / size)
    // The scope's totals exist already, so every writer below reads the same version at once.
    await insertDocument(services, target, "todos", document, { limits: smallLimits })
    const attempts = Array.from({ length: 40 }, (_, index) =>
      insertDocument(index % 2 === 0 ? services : other.services, target, "todos", document, { limits: smallLimits }),
    )
    const outcomes = await Promise.allSettled(attempts)
    const accepted = outcomes.filter((outcome) => outcome.status === "fulfilled")
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as AppError] : []))
    expect(accepted).toHaveLength(fits - 1)
    expect(refused.every((error) => error instanceof AppError && error.code === "PAYLOAD_TOO_LARGE")).toBe(true)
    expect(refused[0]!.message).toMatch(/This app's data is full/)

    const stored = await world.store.collection(appData).findMany({ appId: target.appId, scope: "draft" })
    const bytes = stored.reduce((sum, record) => sum + record.sizeBytes, 0)
    expect(bytes).toBeLessThanOrEqual(smallLimits.maxScopeBytes)
    expect(await describeAppData(services, target)).toMatchObject({ bytes, documents: fits })
    // The published scope has its own allowance.
    await insertDocument(services, { ...target, scope: "published" }, "todos", document, { limits: smallLimits })

    // Growing an existing document past the cap is refused too; deleting one makes room again.
    const first = stored[0]!
    await refusal(updateDocument(services, target, "todos", first.id, { more: "y".repeat(size) }, { limits: smallLimits }), "PAYLOAD_TOO_LARGE", /full/)
    await removeDocument(services, target, "todos", first.id, { limits: smallLimits })
    expect(await describeAppData(services, target)).toMatchObject({ bytes: bytes - size, documents: fits - 1 })
    await insertDocument(other.services, target, "todos", document, { limits: smallLimits })
  })

  it("keeps both of two concurrent updates to different fields of one document", async () => {
    const { world, services, target } = await setUp()
    const other = await openAppDataWorld({ file: world.file, live: world.live })
    worlds.push(other)
    const { id } = await insertDocument(services, target, "todos", { title: "x" })
    await Promise.all(
      Array.from({ length: 10 }, (_, index) => updateDocument(index % 2 ? services : other.services, target, "todos", id, { [`field${index}`]: index })),
    )
    const merged = await getDocument(services, target, "todos", id)
    expect(merged.data).toEqual({ title: "x", ...Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`field${index}`, index])) })
    const record = await world.store.collection(appData).findOne({ id })
    expect((await describeAppData(services, target)).bytes).toBe(record!.sizeBytes)
  })

  it("limits the collections of a scope, and forgets a collection once its last document is gone", async () => {
    const { services, target } = await setUp()
    const options = { limits: smallLimits }
    const kept = await insertDocument(services, target, "a", {}, options)
    await insertDocument(services, target, "b", {}, options)
    await insertDocument(services, target, "c", {}, options)
    await refusal(insertDocument(services, target, "d", {}, options), "PAYLOAD_TOO_LARGE", /already has 3 data collections/)
    await insertDocument(services, target, "a", {}, options)
    await removeDocument(services, target, "a", kept.id, options)
    expect((await describeAppData(services, target)).collections.map((entry) => [entry.name, entry.count])).toEqual([["a", 1], ["b", 1], ["c", 1]])
    const [onlyB] = (await listDocuments(services, target, { collection: "b" })).documents
    await removeDocument(services, target, "b", onlyB!.id, options)
    await insertDocument(services, target, "d", {}, options)
    expect((await describeAppData(services, target)).collections.map((entry) => entry.name)).toEqual(["a", "c", "d"])
  })

  it("deletes every document and total of an app, and nothing of another", async () => {
    const { world, services, target } = await setUp()
    const otherApp: AppDataTarget = { ...target, appId: newId() }
    await insertDocument(services, target, "todos", { n: 1 })
    await insertDocument(services, { ...target, scope: "published" }, "todos", { n: 2 })
    await insertDocument(services, otherApp, "todos", { n: 3 })
    expect(await deleteAppData(world.store, target.workspaceId, target.appId)).toBe(2)
    expect(await world.store.collection(appDataUsage).count({ appId: target.appId })).toBe(0)
    expect((await listDocuments(services, otherApp, { collection: "todos" })).documents).toHaveLength(1)
  })
})
