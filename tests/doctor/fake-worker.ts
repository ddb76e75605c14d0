// A stand-in for the worker's internal HTTP API on loopback, answering only GET /runtimes the way
// worker/src/http/SessionRoutes.ts does (encoded with the same shared schema), behind the same rule
// as worker/src/http/InternalAuth.ts: the right bearer or 401; no token configured = anyone.

import { createServer, type Server } from "node:http"
import { Schema } from "effect"
import { RuntimesReport } from "#shared/runs/internal-api.ts"
import { freePort } from "#tests/fixtures/free-port.ts"

type RuntimeEntry = RuntimesReport["runtimes"][number]

export const runtime = (id: RuntimeEntry["id"], overrides: Partial<RuntimeEntry> = {}): RuntimeEntry => ({
  id,
  usable: true,
  reason: null,
  version: `${id} 1.0.0`,
  credentialsConfigured: true,
  models: [],
  defaultModel: null,
  ...overrides,
})

export const HEALTHY_REPORT: RuntimesReport = {
  runtimes: [runtime("claude"), runtime("codex"), runtime("opencode")],
  sandbox: { mode: "bubblewrap", missingProtections: [] },
}

export interface FakeWorker {
  readonly url: string
  /** Authorization headers received, to prove the doctor sent the token (tests never print them). */
  readonly authorizations: readonly (string | undefined)[]
  stop(): Promise<void>
}

/** `id`: answer GET /health (behind the same token check, as the real worker) with this worker id. */
export async function startFakeWorker(options: { readonly token: string | null; readonly report?: RuntimesReport; readonly id?: string }): Promise<FakeWorker> {
  const port = await freePort()
  const authorizations: (string | undefined)[] = []
  const encoded = Schema.encodeSync(RuntimesReport)(options.report ?? HEALTHY_REPORT)
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization)
    if (options.token !== null && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: { code: "unauthorized", message: "Send Authorization: Bearer <INTERNAL_API_TOKEN>." } }))
      return
    }
    if (options.id !== undefined && req.method === "GET" && req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ status: "ok", uptimeSeconds: 1, id: options.id, activeTurns: 0, capacity: 2, draining: false }))
      return
    }
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/runtimes") {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(encoded))
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()))
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
