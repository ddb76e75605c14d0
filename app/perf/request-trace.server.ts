// SECOND_PERF_TRACE=1 on the web: one line per request when its response is over (sent, refused or
// cut off), with the route's name, a request id of its own, the method, status, elapsed time,
// bytes sent, the tRPC batch size, and the process's CPU and memory. See shared/perf/perf-line.ts
// for what a line may hold. Off, the server never calls this (no cost at all).

import { randomUUID } from "node:crypto"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { ServerBuild } from "@remix-run/node"
import { perfLine, processFields, type ProcessSample } from "#shared/perf/perf-line.ts"
import { routeOfRequest } from "./request-route.server.ts"

export type TraceRequest = (req: IncomingMessage, res: ServerResponse) => void

export interface RequestTraceOptions {
  /** The Remix build's route manifest (in development, the current build's). */
  readonly routes: () => Promise<ServerBuild["routes"]>
  readonly write?: (line: string) => void
}

export const sampleProcess = (): ProcessSample => {
  const memory = process.memoryUsage()
  return { cpu: process.cpuUsage(), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }
}

const writeStdout = (line: string) => void process.stdout.write(`${line}\n`)

export interface FinishedRequest {
  readonly requestId: string
  readonly method: string | undefined
  readonly url: string | undefined
  readonly status: number
  readonly elapsedMs: number
  readonly bytesOut: number
  readonly aborted: boolean
  readonly cpuBefore: NodeJS.CpuUsage
  readonly now: ProcessSample
}

/** The request's line (the raw URL only serves to find the route's name; it is not written). */
export function requestLine(finished: FinishedRequest, routes: ServerBuild["routes"]): string {
  const { route, procedures } = routeOfRequest(finished.method, finished.url, routes)
  return perfLine("request", {
    requestId: finished.requestId,
    method: finished.method,
    route,
    ...(procedures ? { procedures, batchSize: procedures.length } : {}),
    status: finished.status,
    elapsedMs: finished.elapsedMs,
    bytesOut: finished.bytesOut,
    aborted: finished.aborted,
    ...processFields(finished.cpuBefore, finished.now),
  })
}

export function createRequestTrace(options: RequestTraceOptions): TraceRequest {
  const write = options.write ?? writeStdout
  return (req, res) => {
    const requestId = randomUUID()
    // Only while tracing: the person who saw a slow or failed request can quote its line's id.
    if (!res.headersSent) res.setHeader("x-request-id", requestId)
    const startedAt = performance.now()
    const cpuBefore = process.cpuUsage()
    // One socket serves a kept-alive connection's requests one after another: the difference is this response's.
    const socket = req.socket
    const writtenBefore = socket.bytesWritten
    res.once("close", () => {
      const finished: FinishedRequest = {
        requestId,
        method: req.method,
        url: req.url,
        status: res.statusCode,
        elapsedMs: performance.now() - startedAt,
        bytesOut: socket.bytesWritten - writtenBefore,
        aborted: !res.writableFinished,
        cpuBefore,
        now: sampleProcess(),
      }
      // A line that cannot be made is left out: the trace must never fail a request or the process.
      options
        .routes()
        .then((routes) => write(requestLine(finished, routes)))
        .catch(() => undefined)
    })
  }
}
