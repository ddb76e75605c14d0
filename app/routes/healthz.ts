// GET /healthz for load balancers: 200 "ok" while this process can serve, 503 while it drains
// or cannot reach its store. Nothing else, by design.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { plainText } from "../server/plain-text.server.ts"

export async function loader({ context }: LoaderFunctionArgs) {
  const { store, lifecycle } = context.services
  if (lifecycle.draining) return plainText("unavailable", 503)
  try {
    await store.ping()
    return plainText("ok", 200)
  } catch {
    return plainText("unavailable", 503)
  }
}

export const action = onlyMethod("GET")
