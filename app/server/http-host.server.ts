// The web tier's HTTP server: static browser assets, then Remix (pages, resource routes, tRPC),
// with the services handed to every loader and action as load context. In development the Vite
// dev server supplies the Remix build with hot reload; in production the built one is used.

import { randomBytes } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { createRequestHandler, type ServerBuild } from "@remix-run/node"
import { createRequestTrace } from "../perf/request-trace.server.ts"
import { authorizeRunEvents } from "../runs/run-event-sse-access.server.ts"
import { writeRunEventStream } from "../runs/run-event-sse-node.server.ts"
import type { WebServices } from "../services.server.ts"
import { discardUnreadBody, sendFetchResponse, toFetchRequest } from "./node-fetch.server.ts"
import { checkRequest, pathnameOf } from "./request-checks.server.ts"
import { allowedOrigins, contentSecurityPolicy, DEFAULT_CACHE_CONTROL, redactPath, SECURITY_HEADERS } from "./security.server.ts"
import { asksForStaticFile, serveStaticFile } from "./static-files.server.ts"

export interface HttpHostOptions {
  readonly services: WebServices
  readonly mode: "production" | "development"
  /** Where `npm run build` wrote build/client and build/server. */
  readonly buildDir: string
}

export interface HttpHost {
  readonly url: URL
  close(): Promise<void>
}

/**
 * A run's event stream, as browsers and scripts spell it: served here, straight to the response.
 * Any other spelling Remix routes there too (it matches case-insensitively and decodes segments)
 * goes to Remix's route, which runs the same authorization and session.
 */
const RUN_EVENTS_PATH = /^\/api\/runs\/([a-z0-9]+)\/events$/

const GRACEFUL_CLOSE_MS = 5_000
const DROP_WARNING_INTERVAL_MS = 60_000

/**
 * Connection timeouts. Node's defaults let a client hold a socket for a minute without finishing
 * its headers, and forever while idle mid-response; these bound what a flood of sockets can hold.
 * Live streams send a heartbeat every 15 s, so the idle timeout never cuts a healthy one.
 */
const CONNECTION_TIMEOUTS = {
  /** Until the request's headers are complete. */
  headersTimeout: 10_000,
  /** Until the whole request (body included) is received. */
  requestTimeout: 60_000,
  /** Between requests on a kept-alive connection. */
  keepAliveTimeout: 5_000,
  /** Without any traffic on the socket, in either direction. */
  idleSocketTimeout: 120_000,
  /** How often Node looks for connections past the first two. */
  connectionsCheckingInterval: 2_000,
} as const

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void

interface RemixHandler {
  readonly handle: ReturnType<typeof createRequestHandler>
  readonly before: Middleware | null
  readonly close: () => Promise<void>
  /** The build's routes, for the perf trace's route names. */
  readonly routes: () => Promise<ServerBuild["routes"]>
}

async function remixRequestHandler(options: HttpHostOptions): Promise<RemixHandler> {
  if (options.mode === "development") {
    // Only development needs Vite; production images do not ship it.
    const vite = await import("vite")
    const devServer = await vite.createServer({ server: { middlewareMode: true }, appType: "custom" })
    const build = () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
    const routes = async () => (await build()).routes
    return { handle: createRequestHandler(build, "development"), before: devServer.middlewares, close: () => devServer.close(), routes }
  }
  const serverEntry = join(options.buildDir, "server", "index.js")
  const build = (await import(pathToFileURL(serverEntry).href)) as ServerBuild
  return { handle: createRequestHandler(build, "production"), before: null, close: async () => undefined, routes: async () => build.routes }
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { services } = options
  const { config, log } = services
  const remix = await remixRequestHandler(options)
  const clientDir = resolve(options.buildDir, "client")
  const origin = config.publicUrl.origin

  const writableFrom = allowedOrigins(config)
  // SECOND_PERF_TRACE=1: one line per request; off, nothing at all is done per request.
  const traceRequest = config.perfTrace ? createRequestTrace({ routes: remix.routes }) : null

  const handleWithRemix = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (options.mode === "production" && (await serveStaticFile(req, res, clientDir))) return
    // A file we do not have is not news: answered here, Remix would log it and render a page.
    if (asksForStaticFile(req.method, pathnameOf(path))) return refuse(res, 404, "Not found.")
    const cspNonce = randomBytes(16).toString("base64")
    res.setHeader("content-security-policy", contentSecurityPolicy(cspNonce, options.mode))
    const request = toFetchRequest(req, res, { url: new URL(`${origin}${path}`), host: hostForRemix(req) })
    const response = await remix.handle(request, { services, cspNonce })
    if (!response.headers.has("cache-control")) res.setHeader("cache-control", DEFAULT_CACHE_CONTROL)
    try {
      await sendFetchResponse(res, response)
    } finally {
      discardUnreadBody(req)
    }
  }

  /**
   * GET /api/runs/:runId/events without Remix: a process holds thousands of these streams, and
   * Remix's Request, Response and ReadableStream per subscriber were most of each one's memory
   * and of the CPU per delivered event (bench/run-fanout.bench.test.ts). Everything else is as
   * Remix's path: the checks, security headers and perf trace above, the CSP header, the same
   * authorization (app/runs/run-event-sse-access.server.ts), refusals sent as Remix would.
   */
  const serveRunEvents = async (req: IncomingMessage, res: ServerResponse, path: string, runId: string) => {
    // A GET's body (if one was sent) is never read: drop it, so the connection can serve the next request.
    discardUnreadBody(req)
    res.setHeader("content-security-policy", contentSecurityPolicy(randomBytes(16).toString("base64"), options.mode))
    // As toFetchRequest builds it, minus the abort signal: the response itself tells when it closed.
    const requestOf = () => new Request(new URL(`${origin}${path}`), { method: "GET", headers: fetchHeaders(req) })
    const answer = await authorizeRunEvents(services, { request: requestOf(), runId, again: requestOf, released: res })
    if (!(answer instanceof Response)) return writeRunEventStream(res, answer, (error) => failed(req, res, error))
    if (!answer.headers.has("cache-control")) res.setHeader("cache-control", DEFAULT_CACHE_CONTROL)
    await sendFetchResponse(res, answer)
  }

  const fetchHeaders = (req: IncomingMessage) => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) value.forEach((item) => headers.append(name, item))
      else if (value !== undefined) headers.set(name, value)
    }
    headers.set("host", hostForRemix(req))
    headers.delete("x-forwarded-host")
    return headers
  }

  const failed = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    log.error("request failed", { method: req.method, path: redactPath(req.url?.split("?")[0] ?? ""), error })
    if (!res.headersSent) {
      res.statusCode = 500
      res.setHeader("content-type", "text/plain; charset=utf-8")
      res.end("Internal Server Error")
    } else {
      res.destroy()
    }
  }

  /**
   * Remix repeats the CSRF check made below, comparing Origin with Host (or X-Forwarded-Host), and
   * throws (a 500) when a proxy rewrote Host. The check here is the one that decides: a write
   * reaching Remix came from an allowed origin, so Remix is shown that origin's host; anything
   * else is shown the public URL's.
   */
  const hostForRemix = (req: IncomingMessage) => {
    const sentOrigin = req.headers.origin
    return sentOrigin && writableFrom.has(sentOrigin) ? new URL(sentOrigin).host : config.publicUrl.host
  }

  const refuse = (res: ServerResponse, status: number, message: string, closeConnection = false) => {
    res.statusCode = status
    res.setHeader("content-type", "text/plain; charset=utf-8")
    res.setHeader("cache-control", DEFAULT_CACHE_CONTROL)
    if (closeConnection) res.setHeader("connection", "close")
    res.end(message)
  }

  const server = createServer(CONNECTION_TIMEOUTS, (req, res) => {
    traceRequest?.(req, res)
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    const checked = checkRequest(req, config, writableFrom)
    if ("refusal" in checked) {
      const { status, message, closeConnection } = checked.refusal
      refuse(res, status, message, closeConnection)
      // The body (if any) is not wanted: let it drain rather than stall the socket.
      req.resume()
      return
    }
    const { path } = checked
    const fail = (error: unknown) => failed(req, res, error)
    const runEvents = req.method === "GET" ? RUN_EVENTS_PATH.exec(pathnameOf(path)) : null
    if (runEvents) return void serveRunEvents(req, res, path, runEvents[1]!).catch(fail)
    const run = () => handleWithRemix(req, res, path).catch(fail)
    if (remix.before) remix.before(req, res, (error) => (error ? fail(error) : void run()))
    else void run()
  })

  server.maxConnections = config.maxConnections
  server.setTimeout(CONNECTION_TIMEOUTS.idleSocketTimeout)
  // Past the cap Node drops new sockets silently: say so, at most once a minute.
  let lastDropWarning = 0
  server.on("drop", () => {
    if (Date.now() - lastDropWarning < DROP_WARNING_INTERVAL_MS) return
    lastDropWarning = Date.now()
    log.warn(`Refusing new connections: this process holds SECOND_MAX_CONNECTIONS (${config.maxConnections}) already.`)
  })

  await new Promise<void>((ready, fail) => {
    server.once("error", fail)
    server.listen(config.port, config.host, () => {
      server.off("error", fail)
      ready()
    })
  })
  const address = server.address() as AddressInfo
  const listeningHost = address.family === "IPv6" ? `[${address.address}]` : address.address

  return {
    url: new URL(`http://${listeningHost}:${address.port}`),
    async close() {
      services.lifecycle.draining = true
      const closed = new Promise<void>((done) => server.close(() => done()))
      server.closeIdleConnections()
      // Streams (run events, later) would hold the close forever: cut them after a grace period.
      const force = setTimeout(() => server.closeAllConnections(), GRACEFUL_CLOSE_MS)
      await closed
      clearTimeout(force)
      await remix.close()
    },
  }
}
