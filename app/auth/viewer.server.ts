// Who is making a request: the person behind a valid, unexpired, server-side session of the
// current auth mode. Resolved once per request (tRPC context, page loaders).

import type { WebConfig } from "../config/config.server.ts"
import type { WebServices } from "../services.server.ts"
import { users, type SessionDocument, type UserDocument } from "../store/collections.server.ts"
import { readCookie, SESSION_COOKIE, verifySessionCookie } from "./session-cookie.server.ts"
import { findSession } from "./sessions.server.ts"

export interface Viewer {
  readonly user: UserDocument
  readonly session: SessionDocument
}

export async function getViewer(request: Request, services: WebServices): Promise<Viewer | null> {
  const cookie = readCookie(request, SESSION_COOKIE)
  if (!cookie) return null
  const token = verifySessionCookie(cookie, services.auth.sessionKey)
  if (!token) return null
  const session = await findSession(services.store, token)
  // A session from the other auth mode (say, a self-declared none-mode identity after the
  // operator switched to external) is not honoured.
  if (!session || session.authMode !== services.config.authMode) return null
  const user = await services.store.collection(users).findOne({ id: session.userId })
  return user ? { user, session } : null
}

/** Whether the browser reached us over HTTPS. X-Forwarded-Proto counts only behind a trusted proxy. */
export function isSecureRequest(request: Request, config: WebConfig): boolean {
  if (config.publicUrl.protocol === "https:") return true
  return config.trustProxy && request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https"
}
