// The per-process hub against a real store (SQLite) and the in-process live adapter: one live
// subscription per workspace however many streams, gone with the last one; each stream hears only
// its audience, without the audience; and a stream stops the moment its owner may no longer hear:
// removed (closed on member.changed), demoted (role re-read), session revoked (periodic recheck).

import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import type { Role } from "#shared/auth/permissions.ts"
import { newId } from "#shared/ids.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { createLog } from "../log.server.ts"
import { allCollections, memberships, sessions } from "../store/collections.server.ts"
import { openSqliteStore } from "../store/sqlite-store.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { createWorkspaceEventHub, type WorkspaceEventHub } from "./workspace-event-hub.server.ts"
import { publishWorkspaceEvent, type WorkspaceEvent } from "./workspace-events.server.ts"

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Counted {
  readonly live: LiveCoordination
  readonly subscribed: () => number
  readonly active: () => number
}

/** The in-process adapter, counting subscriptions made and still held. */
function countingLive(): Counted {
  const live = createMemoryLive()
  let subscribed = 0
  let active = 0
  const counted: LiveCoordination = {
    ...live,
    async subscribe(channel, listener) {
      subscribed += 1
      active += 1
      const unsubscribe = await live.subscribe(channel, listener)
      return async () => {
        active -= 1
        await unsubscribe()
      }
    },
  }
  return { live: counted, subscribed: () => subscribed, active: () => active }
}

async function setUp(recheckMs?: number) {
  const dir = mkdtempSync(join(tmpdir(), "second-events-"))
  const store = openSqliteStore({ file: join(dir, "second.db"), collections: allCollections })
  const counted = countingLive()
  const quiet = createLog({ json: false, write: () => undefined })
  // The hub's view of the store can be broken on demand, to see what it does when reads fail.
  let storeDown = false
  const hubStore: DurableStore = {
    kind: store.kind,
    ping: () => store.ping(),
    close: () => store.close(),
    collection: (definition) => {
      const collection = store.collection(definition)
      if (!storeDown) return collection
      const fail = () => Promise.reject(new Error("store down"))
      return { ...collection, insert: fail, findOne: fail, findMany: fail, count: fail, updateOne: fail, updateMany: fail, deleteMany: fail }
    },
  }
  const hub = createWorkspaceEventHub({ live: counted.live, store: hubStore, log: quiet, ...(recheckMs ? { recheckMs } : {}) })
  cleanups.push(async () => {
    await hub.close()
    await counted.live.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { store, hub, ...counted, setStoreDown: (down: boolean) => (storeDown = down) }
}

async function member(store: DurableStore, workspaceId: string, role: Role) {
  const at = new Date().toISOString()
  const userId = newId()
  const sessionId = newId()
  await store.collection(memberships).insert({ id: newId(), workspaceId, userId, role, source: "local", createdAt: at, updatedAt: at })
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString()
  await store.collection(sessions).insert({ id: sessionId, userId, authMode: "none", createdAt: at, expiresAt, lastSeenAt: at, userAgent: "test" })
  return { userId, role, sessionId }
}

interface Stream {
  readonly events: WorkspaceEvent[]
  closedByHub: boolean
  leave(): void
}

async function open(hub: WorkspaceEventHub, workspaceId: string, owner: { userId: string; role: Role; sessionId: string }): Promise<Stream> {
  const stream: Stream = { events: [], closedByHub: false, leave: () => undefined }
  stream.leave = await hub.join(workspaceId, owner, {
    send: (event) => stream.events.push(event),
    close: () => (stream.closedByHub = true),
  })
  return stream
}

const types = (stream: Stream) => stream.events.map((event) => (event.appId ? `${event.type} ${event.appId}` : event.type))

describe("the workspace event hub", () => {
  it("holds one live subscription per workspace for any number of streams, and drops it when the last leaves", async () => {
    const { store, hub, live, subscribed, active } = await setUp()
    const w1 = newId()
    const w2 = newId()
    const streams = await Promise.all([
      open(hub, w1, await member(store, w1, "owner")),
      open(hub, w1, await member(store, w1, "member")),
      open(hub, w1, await member(store, w1, "member")),
      open(hub, w2, await member(store, w2, "owner")),
    ])
    expect(subscribed()).toBe(2)
    expect(hub.subscriptionCount()).toBe(2)
    expect(hub.connectionCount()).toBe(4)

    await publishWorkspaceEvent(live, w1, { type: "member.changed" }, { kind: "workspace" })
    await eventually(() => streams.slice(0, 3).every((stream) => stream.events.length === 1))
    expect(streams[3]!.events, "another workspace's stream").toEqual([])

    for (const stream of streams.slice(0, 2)) stream.leave()
    expect(active()).toBe(2)
    streams[2]!.leave()
    await eventually(() => active() === 1)
    expect(hub.subscriptionCount()).toBe(1)
    expect(hub.connectionCount()).toBe(1)

    // A workspace whose streams all left subscribes afresh when someone opens one again.
    const again = await open(hub, w1, await member(store, w1, "member"))
    expect(subscribed()).toBe(3)
    await publishWorkspaceEvent(live, w1, { type: "member.changed" }, { kind: "workspace" })
    await eventually(() => again.events.length === 1)
  })

  it("delivers an app's events to its people and to owners and admins only, without the audience", async () => {
    const { store, hub, live } = await setUp()
    const w = newId()
    const owner = await member(store, w, "owner")
    const admin = await member(store, w, "admin")
    const creator = await member(store, w, "member")
    const bystander = await member(store, w, "member")
    const [ownerStream, adminStream, creatorStream, bystanderStream] = await Promise.all([owner, admin, creator, bystander].map((who) => open(hub, w, who)))
    const all = [ownerStream!, adminStream!, creatorStream!, bystanderStream!]

    await publishWorkspaceEvent(live, w, { type: "app.created", appId: "private" }, { kind: "app", userIds: [creator.userId] })
    await publishWorkspaceEvent(live, w, { type: "member.changed", at: "2025-01-01T00:00:00.000Z" }, { kind: "workspace" })
    await eventually(() => all.every((stream) => stream.events.some((event) => event.type === "member.changed")))

    expect(types(ownerStream!)).toEqual(["app.created private", "member.changed"])
    expect(types(adminStream!)).toEqual(["app.created private", "member.changed"])
    expect(types(creatorStream!)).toEqual(["app.created private", "member.changed"])
    expect(types(bystanderStream!), "a member who cannot see the app hears nothing of it").toEqual(["member.changed"])
    expect(creatorStream!.events[0]).toEqual({ type: "app.created", appId: "private", at: expect.any(String) })
    expect(bystanderStream!.events[0]).toEqual({ type: "member.changed", at: "2025-01-01T00:00:00.000Z" })
  })

  it("closes a removed member's stream on member.changed, before that event or any later one reaches it", async () => {
    const { store, hub, live } = await setUp()
    const w = newId()
    const stays = await open(hub, w, await member(store, w, "owner"))
    const leaving = await member(store, w, "admin")
    const leavingStream = await open(hub, w, leaving)

    await store.collection(memberships).deleteMany({ workspaceId: w, userId: leaving.userId })
    await publishWorkspaceEvent(live, w, { type: "member.changed" }, { kind: "workspace" })
    await publishWorkspaceEvent(live, w, { type: "app.created", appId: "after" }, { kind: "app", userIds: [] })
    await eventually(() => stays.events.length === 2)

    expect(leavingStream.closedByHub).toBe(true)
    expect(leavingStream.events).toEqual([])
    expect(hub.connectionCount()).toBe(1)
  })

  it("re-reads roles on member.changed: a member promoted to admin starts hearing every app, demoted stops", async () => {
    const { store, hub, live } = await setUp()
    const w = newId()
    const promoted = await member(store, w, "member")
    const stream = await open(hub, w, promoted)
    const appEvent = () => publishWorkspaceEvent(live, w, { type: "app.updated", appId: "theirs" }, { kind: "app", userIds: [] })
    const setRole = async (role: Role) => {
      await store.collection(memberships).updateMany({ workspaceId: w, userId: promoted.userId }, { role })
      await publishWorkspaceEvent(live, w, { type: "member.changed" }, { kind: "workspace" })
    }

    await appEvent()
    await setRole("admin")
    await appEvent()
    await setRole("member")
    await appEvent()
    await publishWorkspaceEvent(live, w, { type: "member.changed" }, { kind: "workspace" })
    await eventually(() => stream.events.filter((event) => event.type === "member.changed").length === 3)
    expect(types(stream)).toEqual(["member.changed", "app.updated theirs", "member.changed", "member.changed"])
    expect(stream.closedByHub).toBe(false)
  })

  it("closes, on its periodic recheck, streams whose session was revoked or whose membership went unannounced", async () => {
    const { store, hub } = await setUp(50)
    const w = newId()
    const revoked = await member(store, w, "member")
    const removedQuietly = await member(store, w, "member")
    const fine = await member(store, w, "owner")
    const [revokedStream, removedStream, fineStream] = await Promise.all([revoked, removedQuietly, fine].map((who) => open(hub, w, who)))

    await store.collection(sessions).deleteMany({ id: revoked.sessionId })
    await store.collection(memberships).deleteMany({ workspaceId: w, userId: removedQuietly.userId })
    await eventually(() => revokedStream!.closedByHub && removedStream!.closedByHub)
    expect(fineStream!.closedByHub).toBe(false)
    expect(hub.connectionCount()).toBe(1)
  })

  it("closes at once a stream whose owner left between the route's check and the subscription", async () => {
    const { store, hub } = await setUp()
    const w = newId()
    const gone = await member(store, w, "member")
    await store.collection(memberships).deleteMany({ workspaceId: w, userId: gone.userId })
    const stream = await open(hub, w, gone)
    await eventually(() => stream.closedByHub)
    expect(hub.connectionCount()).toBe(0)
  })

  it("fails closed: when memberships cannot be read, the workspace's streams end instead of hearing on", async () => {
    const { store, hub, live, setStoreDown } = await setUp()
    const w = newId()
    const streams = await Promise.all([open(hub, w, await member(store, w, "owner")), open(hub, w, await member(store, w, "member"))])
    await new Promise((resolve) => setTimeout(resolve, 50)) // the joins' own membership checks
    setStoreDown(true)
    await publishWorkspaceEvent(live, w, { type: "member.changed" }, { kind: "workspace" })
    await eventually(() => streams.every((stream) => stream.closedByHub))
    expect(streams.flatMap((stream) => stream.events)).toEqual([])
    expect(hub.connectionCount()).toBe(0)
  })

  it("ends every stream and subscription when closed, and refuses new ones", async () => {
    const { store, hub, active } = await setUp()
    const w = newId()
    const other = newId()
    const streams = await Promise.all([open(hub, w, await member(store, w, "owner")), open(hub, other, await member(store, other, "owner"))])
    await hub.close()
    expect(streams.every((stream) => stream.closedByHub)).toBe(true)
    expect(active()).toBe(0)
    await expect(hub.join(w, await member(store, w, "owner"), { send: () => undefined, close: () => undefined })).rejects.toThrow(/closed/)
  })
})
