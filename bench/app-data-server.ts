// One web process for bench/app-data.bench.test.ts, run as its own child so its CPU and event loop
// are not the clients'.
//
//   node --import tsx bench/app-data-server.ts <ours|baseline> <redis url> <key prefix> <viewers>
//
// - "ours": the real route, GET /api/w/:workspaceId/apps/:appId/data/events (its loader, with
//   session cookies, authorization, stream slots, this process's one app data hub on the Redis
//   live adapter) on node:http via toFetchRequest / sendFetchResponse. It makes its own SQLite
//   file, a workspace, an app, and one person (and session) per viewer, each a collaborator of
//   the app, and reports them so the benchmark can connect and write as another web process.
// - "baseline": the least a server could do: plain node:http and one ioredis subscription on the
//   app's channel, each message written as SSE to every open client.
// Driven over IPC (fork): reports { type: "ready", port, ... } and answers { id, cmd: "stats" }.

import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Redis } from "ioredis"
import { appDataChannel } from "#app/app-data/app-data-changes.server.ts"
import { sendFetchResponse, toFetchRequest } from "#app/server/node-fetch.server.ts"
import { SSE_HEADERS } from "#app/sse/sse.server.ts"
import { apps } from "#app/store/collections.server.ts"
import { newId } from "#shared/ids.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { openAppDataWorld } from "#tests/fixtures/app-data-world.ts"
import { loader } from "../app/routes/api.w.$workspaceId.apps.$appId.data.events.ts"

export type ServerMode = "ours" | "baseline"

export interface ServerStats {
  /** Responses open right now. */
  readonly open: number
  /** Streams following the app (the hub's connections, or the baseline's client set). */
  readonly followers: number
  /** Live subscriptions held for app data (the hub's; the baseline holds one). */
  readonly subscriptions: number
}

const ROUTE = /^\/api\/w\/([^/]+)\/apps\/([^/]+)\/data\/events$/

async function main() {
  const [mode, url, prefix, viewersArg] = process.argv.slice(2) as [ServerMode, string, string, string]
  const viewers = Number(viewersArg)
  let open = 0
  let stats: () => Omit<ServerStats, "open">
  let handle: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, params: { workspaceId: string; appId: string }) => void
  let ready: Record<string, unknown>
  let cleanup = async () => {}

  if (mode === "ours") {
    const live = await createRedisLive({ url, prefix, connectionName: "bench-app-data-ours" })
    const world = await openAppDataWorld({ live })
    const workspaceId = await world.workspace()
    const creator = await world.person(workspaceId, "member")
    const people = [creator, ...(await Promise.all(Array.from({ length: viewers - 1 }, () => world.person(workspaceId, "member"))))]
    const app = await world.app(workspaceId, creator)
    await world.store.collection(apps).updateOne({ id: app.id }, { collaboratorUserIds: people.slice(1).map((person) => person.viewer.user.id) })
    stats = () => ({ followers: world.hub.connectionCount(), subscriptions: world.hub.subscriptionCount() })
    handle = (req, res, params) => {
      const request = toFetchRequest(req, res, { url: new URL(`http://bench.test${req.url ?? "/"}`), host: "bench.test" })
      void (loader({ request, params, context: { services: world.services, cspNonce: "" } } as never) as Promise<Response>)
        .then((response) => sendFetchResponse(res, response))
        .catch((error: unknown) => res.destroy(error as Error))
    }
    ready = { file: world.file, workspaceId, appId: app.id, cookies: people.map((person) => person.cookie) }
    cleanup = async () => {
      await world.close()
      await live.close()
    }
  } else {
    const subscriber = new Redis(url, { connectionName: "bench-app-data-baseline" })
    const clients = new Set<import("node:http").ServerResponse>()
    const workspaceId = newId()
    const appId = newId()
    await subscriber.subscribe(`${prefix}${appDataChannel(workspaceId, appId)}`)
    subscriber.on("message", (_channel: string, message: string) => {
      const frame = `data: ${message}\n\n`
      for (const client of clients) client.write(frame)
    })
    stats = () => ({ followers: clients.size, subscriptions: 1 })
    handle = (_req, res) => {
      res.writeHead(200, SSE_HEADERS)
      res.write(": ok\n\n")
      clients.add(res)
      res.once("close", () => clients.delete(res))
    }
    ready = { workspaceId, appId, cookies: Array.from({ length: viewers }, () => "") }
  }

  const server = createServer((req, res) => {
    const match = ROUTE.exec(new URL(req.url ?? "/", "http://bench.test").pathname)
    if (!match) return void res.writeHead(404).end()
    open += 1
    res.once("close", () => (open -= 1))
    handle(req, res, { workspaceId: match[1]!, appId: match[2]! })
  })
  server.listen({ port: 0, host: "127.0.0.1", backlog: 1024 })
  await new Promise((resolve) => server.once("listening", resolve))

  process.on("message", (message: { id: number; cmd: string }) => {
    if (message.cmd === "stats") process.send!({ id: message.id, result: { open, ...stats() } satisfies ServerStats })
  })
  // Exits with the parent, removing its database file.
  const exit = () => void cleanup().finally(() => process.exit(0))
  process.on("disconnect", exit)
  process.on("SIGTERM", exit)
  process.send!({ type: "ready", port: (server.address() as AddressInfo).port, ...ready })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
