// The behaviour every durable store adapter must have. Each adapter's test file calls
// `durableStoreContract` with a harness that opens a fresh, isolated store per test.

import { randomUUID } from "node:crypto"
import { afterEach, describe, expect, it } from "vitest"
import { allCollections, memberships, users, workspaces, type UserDocument } from "#app/store/collections.server.ts"
import {
  defineCollection,
  StoreDuplicateError,
  type AnyCollectionDefinition,
  type DurableStore,
  type StoredDocument,
} from "#app/store/store.server.ts"

interface Thing extends StoredDocument {
  readonly kind: string
  readonly rank: number
  readonly active: boolean
  readonly owner?: string
  readonly tags?: readonly string[]
  readonly details?: { readonly color: string; readonly size?: number } | null
}

export const things = defineCollection<Thing>({
  name: "contract_things",
  indexes: [
    { name: "kind_rank", fields: ["kind", "rank"] },
    { name: "owner_unique", fields: ["owner"], unique: true },
    // The id last: an index that also serves the id tie-break of a sort (app data pages use one).
    { name: "kind_owner_id", fields: ["kind", "owner", "id"] },
  ],
})

export const contractCollections: readonly AnyCollectionDefinition[] = [...allCollections, things]

export interface StoreHandle {
  readonly store: DurableStore
  /** Closes this store and opens the same data again, as a restarted process would. */
  reopen(): Promise<DurableStore>
  /** Removes the data (temp file, test database). */
  cleanup(): Promise<void>
}

export interface DurableStoreHarness {
  fresh(): Promise<StoreHandle>
}

const now = () => new Date().toISOString()
const id = () => randomUUID()

const user = (email: string, overrides: Partial<UserDocument> = {}): UserDocument => ({
  id: id(),
  email,
  emailNormalized: email.toLowerCase(),
  displayName: email.split("@")[0] ?? email,
  createdAt: now(),
  updatedAt: now(),
  ...overrides,
})

export function durableStoreContract(name: string, harness: DurableStoreHarness) {
  describe(`durable store contract: ${name}`, () => {
    const handles: StoreHandle[] = []
    afterEach(async () => {
      for (const handle of handles.splice(0)) {
        await handle.store.close().catch(() => undefined)
        await handle.cleanup()
      }
    })
    const fresh = async () => {
      const handle = await harness.fresh()
      handles.push(handle)
      return handle
    }

    it("returns a stored document exactly as it was written", async () => {
      const { store } = await fresh()
      const thing: Thing = {
        id: id(),
        kind: "widget",
        rank: 2.5,
        active: false,
        tags: ["a", "b"],
        details: { color: "blue", size: 3 },
      }
      await store.collection(things).insert(thing)
      expect(await store.collection(things).findOne({ id: thing.id })).toEqual(thing)
      expect(await store.collection(things).findOne({ kind: "widget", active: false })).toEqual(thing)
      expect(await store.collection(things).findOne({ kind: "gadget" })).toBeNull()
    })

    it("rejects a second user with the same normalized email and keeps only the first", async () => {
      const { store } = await fresh()
      const first = user("Ada@Example.com")
      await store.collection(users).insert(first)
      const second = user("ada@example.com")
      const attempt = store.collection(users).insert(second)
      await expect(attempt).rejects.toBeInstanceOf(StoreDuplicateError)
      await expect(attempt).rejects.toMatchObject({ collection: "users", index: "email_unique" })
      expect(await store.collection(users).findOne({ id: second.id })).toBeNull()
      expect(await store.collection(users).count({})).toBe(1)
    })

    it("enforces unique workspace slugs and one membership per person and workspace", async () => {
      const { store } = await fresh()
      const at = now()
      const workspace = { id: id(), name: "Acme", slug: "acme", createdByUserId: "u1", defaultTeamId: "t1", createdAt: at, updatedAt: at }
      await store.collection(workspaces).insert(workspace)
      await expect(store.collection(workspaces).insert({ ...workspace, id: id() })).rejects.toMatchObject({
        index: "slug_unique",
      })

      const membership = { workspaceId: workspace.id, userId: "u1", role: "owner" as const, source: "local" as const, createdAt: at, updatedAt: at }
      await store.collection(memberships).insert({ id: id(), ...membership })
      await expect(
        store.collection(memberships).insert({ id: id(), ...membership, role: "member" }),
      ).rejects.toMatchObject({ collection: "workspace_memberships", index: "workspace_user_unique" })
      // The same person may belong to another workspace.
      await store.collection(memberships).insert({ id: id(), ...membership, workspaceId: "other" })
      expect(await store.collection(memberships).count({ userId: "u1" })).toBe(2)
    })

    it("rejects a duplicate id", async () => {
      const { store } = await fresh()
      const thing: Thing = { id: id(), kind: "k", rank: 1, active: true }
      await store.collection(things).insert(thing)
      await expect(store.collection(things).insert({ ...thing, kind: "other" })).rejects.toMatchObject({ index: "id" })
      expect((await store.collection(things).findOne({ id: thing.id }))?.kind).toBe("k")
    })

    it("enforces a compound unique index only on documents that have all its fields", async () => {
      const { store } = await fresh()
      const collection = store.collection(users)
      await collection.insert(user("a@example.com", { externalIssuer: "https://idp", externalSubject: "s1" }))
      await expect(
        collection.insert(user("b@example.com", { externalIssuer: "https://idp", externalSubject: "s1" })),
      ).rejects.toMatchObject({ index: "external_identity_unique" })
      // People without an external identity are not constrained by it, however many there are.
      await collection.insert(user("c@example.com"))
      await collection.insert(user("d@example.com"))
      expect(await collection.count({})).toBe(3)
    })

    it("does not constrain documents that lack a unique field", async () => {
      const { store } = await fresh()
      await store.collection(things).insert({ id: id(), kind: "k", rank: 1, active: true })
      await store.collection(things).insert({ id: id(), kind: "k", rank: 2, active: true })
      expect(await store.collection(things).count({ kind: "k" })).toBe(2)
    })

    it("filters by several fields, by a set of values and by a missing field", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      await collection.insert({ id: "a", kind: "x", rank: 1, active: true, owner: "o1" })
      await collection.insert({ id: "b", kind: "x", rank: 2, active: false })
      await collection.insert({ id: "c", kind: "y", rank: 3, active: true, owner: "o3" })
      const ids = (list: Thing[]) => list.map((thing) => thing.id)
      expect(ids(await collection.findMany({ kind: "x", active: true }))).toEqual(["a"])
      expect(ids(await collection.findMany({ rank: { in: [1, 3] } }))).toEqual(["a", "c"])
      expect(ids(await collection.findMany({ id: { in: ["c", "b", "zz"] } }))).toEqual(["b", "c"])
      expect(ids(await collection.findMany({ kind: { in: [] } }))).toEqual([])
      expect(ids(await collection.findMany({ owner: null }))).toEqual(["b"])
      expect(await collection.count({ kind: "x" })).toBe(2)
    })

    it("filters on values below a bound, for numbers and for strings (ids, ISO timestamps) alike", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      for (const [thingId, rank] of [["2026-01-02", 2], ["2026-01-10", 10], ["2026-01-01", 1], ["2025-12-31", 0]] as const) {
        await collection.insert({ id: thingId, kind: "lt", rank, active: true })
      }
      const ids = (list: Thing[]) => list.map((thing) => thing.id)
      expect(ids(await collection.findMany({ kind: "lt", rank: { lt: 2 } }, { sort: [["rank", 1]] }))).toEqual(["2025-12-31", "2026-01-01"])
      // Strings compare byte by byte: "2026-01-10" is not below "2026-01-02", "2025-12-31" is.
      expect(ids(await collection.findMany({ kind: "lt", id: { lt: "2026-01-02" } }))).toEqual(["2025-12-31", "2026-01-01"])
      expect(await collection.count({ kind: "lt", rank: { lt: 0 } })).toBe(0)
    })

    it("filters on values above a bound, for numbers and for strings alike, and combines bounds", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      for (const [thingId, rank] of [["2026-01-02", 2], ["2026-01-10", 10], ["2026-01-01", 1], ["2025-12-31", 0]] as const) {
        await collection.insert({ id: thingId, kind: "gt", rank, active: true })
      }
      const ids = (list: Thing[]) => list.map((thing) => thing.id)
      expect(ids(await collection.findMany({ kind: "gt", rank: { gt: 1 } }, { sort: [["rank", 1]] }))).toEqual(["2026-01-02", "2026-01-10"])
      // Byte order: "2026-01-10" is above "2026-01-02"; the bound itself is excluded.
      expect(ids(await collection.findMany({ kind: "gt", id: { gt: "2026-01-02" } }))).toEqual(["2026-01-10"])
      expect(ids(await collection.findMany({ kind: "gt", id: { gt: "2026-01-01" }, rank: { lt: 10 } }))).toEqual(["2026-01-02"])
      expect(await collection.count({ kind: "gt", rank: { gt: 10 } })).toBe(0)
      expect(await collection.deleteMany({ kind: "gt", rank: { gt: 1 } })).toBe(2)
      expect(ids(await collection.findMany({ kind: "gt" }))).toEqual(["2025-12-31", "2026-01-01"])
    })

    it("filters on a range: inclusive and exclusive bounds in any combination on one field", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      for (const rank of [0, 1, 2, 3, 4, 5]) await collection.insert({ id: `r${rank}`, kind: "range", rank, active: rank % 2 === 0 })
      const ids = async (filter: Parameters<typeof collection.findMany>[0]) => (await collection.findMany(filter, { sort: [["rank", 1]] })).map((thing) => thing.id)
      expect(await ids({ kind: "range", rank: { gte: 2 } })).toEqual(["r2", "r3", "r4", "r5"])
      expect(await ids({ kind: "range", rank: { lte: 2 } })).toEqual(["r0", "r1", "r2"])
      expect(await ids({ kind: "range", rank: { gte: 1, lt: 4 } })).toEqual(["r1", "r2", "r3"])
      expect(await ids({ kind: "range", rank: { gt: 1, lte: 4 } })).toEqual(["r2", "r3", "r4"])
      // Two bounds on the same side both hold: the tighter one wins, whichever it is.
      expect(await ids({ kind: "range", rank: { gt: 1, gte: 3, lt: 5, lte: 3 } })).toEqual(["r3"])
      expect(await ids({ kind: "range", rank: { gte: 3, lte: 3 } })).toEqual(["r3"])
      expect(await ids({ kind: "range", rank: { gt: 3, lt: 3 } })).toEqual([])
      // A range with other filters, on the id itself, and a bound left undefined (not given) ignored.
      expect(await ids({ kind: "range", active: true, rank: { gte: 1, lte: 4 } })).toEqual(["r2", "r4"])
      expect(await ids({ kind: "range", id: { gte: "r1", lt: "r3" } })).toEqual(["r1", "r2"])
      expect(await ids({ kind: "range", rank: { gte: undefined, lt: 2 } })).toEqual(["r0", "r1"])
      expect(await collection.count({ kind: "range", rank: { gt: 0, lt: 5 } })).toBe(4)
      expect(await collection.updateMany({ kind: "range", rank: { gte: 4 } }, { owner: undefined, active: false })).toBe(2)
      expect(await collection.deleteMany({ kind: "range", rank: { gt: 0, lte: 2 } })).toBe(2)
      expect(await ids({ kind: "range" })).toEqual(["r0", "r3", "r4", "r5"])
    })

    it("selects a string prefix with a range, ISO timestamps by day, byte order throughout", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      const kinds = ["app.", "app.created", "app.published", "app/", "apps.x", "ap", "review.approved", "App.created"]
      for (const [rank, kind] of kinds.entries()) await collection.insert({ id: id(), kind, rank, active: true })
      const kindsOf = async (filter: Parameters<typeof collection.findMany>[0]) => (await collection.findMany(filter, { sort: [["kind", 1]] })).map((thing) => thing.kind)
      // "/" is the byte after ".": every kind that starts with "app." and nothing else.
      expect(await kindsOf({ kind: { gte: "app.", lt: "app/" } })).toEqual(["app.", "app.created", "app.published"])
      for (const [rank, at] of ["2026-03-01T00:00:00.000Z", "2026-03-01T23:59:59.999Z", "2026-03-02T00:00:00.000Z", "2026-02-28T23:59:59.999Z"].entries()) {
        await collection.insert({ id: id(), kind: "day", rank, active: true, owner: at })
      }
      const day = await collection.findMany({ kind: "day", owner: { gte: "2026-03-01T00:00:00.000Z", lte: "2026-03-01T23:59:59.999Z" } }, { sort: [["owner", -1]] })
      expect(day.map((thing) => thing.owner)).toEqual(["2026-03-01T23:59:59.999Z", "2026-03-01T00:00:00.000Z"])
    })

    it("pages with `gt` on an increasing key: every document once, in order, while others are inserted", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      const key = (n: number) => `key-${String(n).padStart(4, "0")}`
      let inserted = 0
      const insertNext = async () => {
        await collection.insert({ id: id(), kind: "page", rank: inserted, active: true, owner: key(inserted) })
        inserted += 1
      }
      for (let n = 0; n < 25; n += 1) await insertNext()
      const seen: string[] = []
      let cursor: string | null = null
      for (;;) {
        const filter: { kind: string; owner?: { gt: string } } = { kind: "page", ...(cursor === null ? {} : { owner: { gt: cursor } }) }
        const page = await collection.findMany(filter, { sort: [["owner", 1]], limit: 10 })
        seen.push(...page.map((thing) => thing.owner!))
        if (page.length < 10) break
        cursor = page.at(-1)!.owner!
        // Inserts between pages land after the cursor and are read on a later page.
        if (inserted < 40) for (let n = 0; n < 5; n += 1) await insertNext()
      }
      expect(seen).toEqual(Array.from({ length: inserted }, (_, n) => key(n)))
    })

    it("sorts by fields in priority order, breaks ties by id, and limits", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      for (const [thingId, rank] of [["d", 2], ["a", 1], ["c", 2], ["b", 3]] as const) {
        await collection.insert({ id: thingId, kind: "s", rank, active: true })
      }
      const ascending = await collection.findMany({ kind: "s" }, { sort: [["rank", 1]] })
      expect(ascending.map((thing) => thing.id)).toEqual(["a", "c", "d", "b"])
      const descending = await collection.findMany({ kind: "s" }, { sort: [["rank", -1]], limit: 3 })
      expect(descending.map((thing) => thing.id)).toEqual(["b", "c", "d"])
      // The id may be sorted on too, either way, instead of the ascending tie-break.
      const idDescending = await collection.findMany({ kind: "s" }, { sort: [["rank", -1], ["id", -1]] })
      expect(idDescending.map((thing) => thing.id)).toEqual(["b", "d", "c", "a"])
      expect(await collection.findMany({}, { limit: 0 })).toEqual([])
    })

    it("updates one document atomically: of two concurrent claims exactly one wins", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      await collection.insert({ id: "run", kind: "pending", rank: 0, active: true, details: { color: "red", size: 1 } })
      const claims = await Promise.all([
        collection.updateOne({ id: "run", kind: "pending" }, { kind: "claimed", rank: 1 }),
        collection.updateOne({ id: "run", kind: "pending" }, { kind: "claimed", rank: 2 }),
      ])
      const winners = claims.filter((claim) => claim !== null)
      expect(winners).toHaveLength(1)
      expect(await collection.findOne({ id: "run" })).toEqual(winners[0])
      // Fields not named are untouched; an object value replaces the stored one rather than merging.
      const replaced = await collection.updateOne({ id: "run" }, { details: { color: "green" } })
      expect(replaced).toMatchObject({ kind: "claimed", active: true, details: { color: "green" } })
      expect(replaced?.details).toEqual({ color: "green" })
      expect(await collection.updateOne({ id: "missing" }, { rank: 9 })).toBeNull()
    })

    it("refuses an update that would break a unique index and leaves the document as it was", async () => {
      const { store } = await fresh()
      const collection = store.collection(users)
      const ada = user("ada@example.com")
      const bob = user("bob@example.com")
      await collection.insert(ada)
      await collection.insert(bob)
      await expect(
        collection.updateOne({ id: bob.id }, { email: "ada@example.com", emailNormalized: "ada@example.com", displayName: "B" }),
      ).rejects.toMatchObject({ index: "email_unique" })
      expect(await collection.findOne({ id: bob.id })).toEqual(bob)
    })

    it("updates and deletes many, reporting how many matched", async () => {
      const { store } = await fresh()
      const collection = store.collection(things)
      for (const thingId of ["1", "2", "3"]) await collection.insert({ id: thingId, kind: "m", rank: 0, active: true })
      expect(await collection.updateMany({ kind: "m", rank: 0 }, { active: false })).toBe(3)
      expect(await collection.count({ active: false })).toBe(3)
      expect(await collection.deleteMany({ id: { in: ["1", "2"] } })).toBe(2)
      expect((await collection.findMany({})).map((thing) => thing.id)).toEqual(["3"])
    })

    it("keeps its data when the store is closed and opened again", async () => {
      const handle = await fresh()
      const ada = user("ada@example.com")
      await handle.store.collection(users).insert(ada)
      await handle.store.close()
      const reopened = await handle.reopen()
      handles.push({ ...handle, store: reopened })
      expect(await reopened.collection(users).findOne({ emailNormalized: "ada@example.com" })).toEqual(ada)
      // Indexes are still enforced after reopening (creating them again is harmless).
      await expect(reopened.collection(users).insert(user("ADA@example.com"))).rejects.toBeInstanceOf(StoreDuplicateError)
    })

    it("refuses collections that were not registered at open and field names that are not identifiers", async () => {
      const { store } = await fresh()
      const stray = defineCollection<Thing>({ name: "never_registered", indexes: [] })
      expect(() => store.collection(stray)).toThrow(/not registered/)
      const collection = store.collection(things)
      await expect(collection.findMany({ ["kind') OR 1=1 --"]: "x" } as never)).rejects.toThrow(/Invalid field name/)
    })

    it("answers a ping", async () => {
      const { store } = await fresh()
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}
