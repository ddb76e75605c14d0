// The per-process app data hub and its SSE route, against a real SQLite file and both live
// adapters (in-process, and a real redis-server shared by two "web processes"): one live
// subscription per app however many streams, gone with the last; each stream hears its scope; a
// viewer who loses access is cut off (collaborator removed, member removed, session revoked, app
// deleted); and a change made on one process reaches a browser on another well within a second.

import { randomUUID } from "node:crypto"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { AppDataChange, AppDataScope } from "#shared/apps/app-data.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { openAppDataWorld, type AppDataWorld, type Person } from "#tests/fixtures/app-data-world.ts"
import { eventually, within } from "#tests/fixtures/eventually.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import { SseReader } from "#tests/fixtures/sse-client.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import { loader } from "../routes/api.w.$workspaceId.apps.$appId.data.events.ts"
import { apps, memberships, sessions, type AppDocument } from "../store/collections.server.ts"
import { insertDocument } from "./app-data.server.ts"
import type { AppDataHub } from "./app-data-hub.server.ts"

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await redis?.stop()
})

interface Counting {
  readonly live: LiveCoordination
  /** Subscriptions made, and still held, on app data channels. */
  readonly made: () => number
  readonly held: () => number
}

/** Counts the subscriptions the hub makes on app data channels. */
function counting(live: LiveCoordination): Counting {
  let made = 0
  let held = 0
  return {
    made: () => made,
    held: () => held,
    live: {
      ...live,
      async subscribe(channel, listener) {
        const isData = channel.endsWith(":data")
        const unsubscribe = await live.subscribe(channel, listener)
        if (isData) [made, held] = [made + 1, held + 1]
        return async () => {
          if (isData) held -= 1
          await unsubscribe()
        }
      },
    },
  }
}

const harnesses: [string, () => Promise<LiveCoordination>][] = [
  ["in-process", async () => createMemoryLive()],
  ["Redis", () => createRedisLive({ url: redis.url, prefix: `test:${randomUUID()}:` })],
]

interface Stream {
  readonly changes: AppDataChange[]
  closedByHub: boolean
  leave(): void
}

async function join(hub: AppDataHub, app: AppDocument, person: Person, scope: AppDataScope = "draft"): Promise<Stream> {
  const stream: Stream = { changes: [], closedByHub: false, leave: () => undefined }
  stream.leave = await hub.join(
    { workspaceId: app.workspaceId, appId: app.id, scope },
    { userId: person.viewer.user.id, sessionId: person.viewer.session.id },
    { send: (change) => stream.changes.push(change), close: () => (stream.closedByHub = true) },
  )
  return stream
}

describe.each(harnesses)("the app data hub (%s)", (_name, openLive) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setUp(options: { recheckMs?: number; file?: string; live?: LiveCoordination } = {}) {
    const base = options.live ?? (await openLive())
    const count = counting(base)
    const world: AppDataWorld = await openAppDataWorld({ live: count.live, ...(options.recheckMs ? { recheckMs: options.recheckMs } : {}), ...(options.file ? { file: options.file } : {}) })
    cleanups.push(async () => {
      await world.close()
      if (!options.live) await base.close()
    })
    const workspaceId = await world.workspace()
    const creator = await world.person(workspaceId, "member")
    const collaborator = await world.person(workspaceId, "member")
    const admin = await world.person(workspaceId, "admin")
    const app = await world.app(workspaceId, creator, [collaborator])
    const draft = { workspaceId, appId: app.id, scope: "draft" as const }
    return { world, base, ...count, workspaceId, creator, collaborator, admin, app, draft }
  }

  it("shares one live subscription among an app's streams, delivers each its scope, and drops it with the last", async () => {
    const { world, made, held, creator, collaborator, admin, app, draft } = await setUp()
    const first = await join(world.hub, app, creator)
    const second = await join(world.hub, app, collaborator)
    const publishedStream = await join(world.hub, app, admin, "published")
    expect(made()).toBe(1)
    expect(world.hub.subscriptionCount()).toBe(1)
    expect(world.hub.watchCount()).toBe(1)
    expect(world.hub.connectionCount()).toBe(3)

    const document = await insertDocument(world.services, draft, "todos", { title: "Milk" })
    await eventually(() => first.changes.length === 1 && second.changes.length === 1)
    expect(first.changes[0]).toEqual({ appId: app.id, scope: "draft", collection: "todos", op: "insert", documentId: document.id, document })
    expect(second.changes).toEqual(first.changes)
    await insertDocument(world.services, { ...draft, scope: "published" }, "todos", { title: "Eggs" })
    await eventually(() => publishedStream.changes.length === 1)
    expect(first.changes, "a draft stream hears nothing of the published scope").toHaveLength(1)

    first.leave()
    second.leave()
    expect(held()).toBe(1)
    publishedStream.leave()
    await eventually(() => held() === 0)
    expect(world.hub.subscriptionCount()).toBe(0)
    expect(world.hub.watchCount()).toBe(0)
    // Streams opened again subscribe afresh.
    const again = await join(world.hub, app, creator)
    expect(made()).toBe(2)
    await insertDocument(world.services, draft, "todos", { title: "Bread" })
    await eventually(() => again.changes.length === 1)
  })

  it("cuts off a collaborator who was removed, and a member who left, as soon as it is announced", async () => {
    const { world, base, workspaceId, creator, collaborator, admin, app, draft } = await setUp()
    const [creatorStream, collaboratorStream, adminStream] = [await join(world.hub, app, creator), await join(world.hub, app, collaborator), await join(world.hub, app, admin)]

    await world.store.collection(apps).updateOne({ id: app.id }, { collaboratorUserIds: [] })
    await publishWorkspaceEvent(base, workspaceId, { type: "app.updated", appId: app.id }, { kind: "app", userIds: [creator.viewer.user.id] })
    await eventually(() => collaboratorStream.closedByHub)

    await world.store.collection(memberships).deleteMany({ workspaceId, userId: admin.viewer.user.id })
    await publishWorkspaceEvent(base, workspaceId, { type: "member.changed" }, { kind: "workspace" })
    await eventually(() => adminStream.closedByHub)

    await insertDocument(world.services, draft, "todos", { title: "after" })
    await eventually(() => creatorStream.changes.length === 1)
    expect(collaboratorStream.changes).toEqual([])
    expect(adminStream.changes).toEqual([])
    expect(creatorStream.closedByHub).toBe(false)
    expect(world.hub.connectionCount()).toBe(1)
  })

  it("cuts off, on its periodic recheck, a revoked session and everyone once the app is deleted", async () => {
    const { world, base, workspaceId, creator, collaborator, app } = await setUp({ recheckMs: 50 })
    const creatorStream = await join(world.hub, app, creator)
    const collaboratorStream = await join(world.hub, app, collaborator)
    await world.store.collection(sessions).deleteMany({ id: collaborator.viewer.session.id })
    await eventually(() => collaboratorStream.closedByHub)
    expect(creatorStream.closedByHub).toBe(false)

    await world.store.collection(apps).deleteMany({ id: app.id })
    await publishWorkspaceEvent(base, workspaceId, { type: "app.deleted", appId: app.id }, { kind: "app", userIds: [] })
    await eventually(() => creatorStream.closedByHub)
    expect(world.hub.connectionCount()).toBe(0)
    expect(world.hub.subscriptionCount()).toBe(0)
  })

  it("closes at once a stream whose viewer lost access between the route's check and the subscription", async () => {
    const { world, collaborator, app } = await setUp()
    await world.store.collection(apps).updateOne({ id: app.id }, { collaboratorUserIds: [] })
    const stream = await join(world.hub, app, collaborator)
    await eventually(() => stream.closedByHub)
  })

  it("ends every stream when closed, and refuses new ones", async () => {
    const { world, creator, app } = await setUp()
    const stream = await join(world.hub, app, creator)
    await world.hub.close()
    expect(stream.closedByHub).toBe(true)
    await expect(join(world.hub, app, creator)).rejects.toThrow(/closed/)
  })
})

describe("GET /api/w/:workspaceId/apps/:appId/data/events", () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  const get = (world: AppDataWorld, app: Pick<AppDocument, "id" | "workspaceId">, person: Person | null, query = "", signal?: AbortSignal) =>
    loader({
      request: new Request(`http://second.test/api/w/${app.workspaceId}/apps/${app.id}/data/events${query}`, {
        headers: person ? { cookie: person.cookie } : {},
        ...(signal ? { signal } : {}),
      }),
      params: { workspaceId: app.workspaceId, appId: app.id },
      context: { services: world.services, cspNonce: "" },
    } as never) as Promise<Response>

  it("refuses the signed out (401), strangers and members who cannot see the app (404), and an unknown scope (400)", async () => {
    const world = await openAppDataWorld()
    cleanups.push(() => world.close())
    const workspaceId = await world.workspace()
    const creator = await world.person(workspaceId, "member")
    const bystander = await world.person(workspaceId, "member")
    const outsider = await world.person(await world.workspace(), "owner")
    const app = await world.app(workspaceId, creator)
    expect((await get(world, app, null)).status).toBe(401)
    expect((await get(world, app, outsider)).status).toBe(404)
    expect((await get(world, app, bystander)).status).toBe(404)
    expect((await get(world, { ...app, id: "a".repeat(24) }, creator)).status).toBe(404)
    expect((await get(world, { ...app, id: "../x" }, creator)).status).toBe(404)
    const badScope = await get(world, app, creator, "?scope=live")
    expect(badScope.status).toBe(400)
    expect(await badScope.text()).toMatch(/scope must be "draft" or "published"/)
    expect(world.hub.connectionCount()).toBe(0)
  })

  it("streams the changes of the asked scope from two web processes' writes, within a second, and leaves when the browser does", async () => {
    // Two web processes: one database file, one Redis (a connection each), a hub each.
    const prefix = `test:${randomUUID()}:`
    const [viewerLive, writerLive] = [await createRedisLive({ url: redis.url, prefix }), await createRedisLive({ url: redis.url, prefix })]
    const viewing = await openAppDataWorld({ live: viewerLive })
    const writing = await openAppDataWorld({ file: viewing.file, live: writerLive })
    cleanups.push(async () => {
      await writing.close()
      await viewing.close()
      await Promise.all([viewerLive.close(), writerLive.close()])
    })
    const workspaceId = await viewing.workspace()
    const creator = await viewing.person(workspaceId, "member")
    const app = await viewing.app(workspaceId, creator)
    const aborter = new AbortController()
    const response = await get(viewing, app, creator, "?scope=published", aborter.signal)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const reader = new SseReader(response)
    expect(viewing.hub.connectionCount()).toBe(1)

    await insertDocument(writing.services, { workspaceId, appId: app.id, scope: "draft" }, "todos", { skipped: true })
    const started = performance.now()
    const document = await insertDocument(writing.services, { workspaceId, appId: app.id, scope: "published" }, "todos", { title: "Milk" })
    const message = await within(reader.next(), 1_000, "the change to arrive")
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(JSON.parse(message!.data)).toEqual({ appId: app.id, scope: "published", collection: "todos", op: "insert", documentId: document.id, document })

    aborter.abort()
    await reader.close()
    await eventually(() => viewing.hub.connectionCount() === 0 && viewing.hub.subscriptionCount() === 0)
  })
})
