// GET /healthz for load balancers: 200 "ok" while this process can serve, 503 while it drains
// or cannot reach its store. Nothing else, by design.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { onlyMethod } from "../server/method-not-allowed.server.ts"

const plain = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } })

export async function loader({ context }: LoaderFunctionArgs) {
  const { store, lifecycle } = context.services
  if (lifecycle.draining) return plain("unavailable", 503)
  try {
    await store.ping()
    return plain("ok", 200)
  } catch {
    return plain("unavailable", 503)
  }
}

export const action = onlyMethod("GET")
