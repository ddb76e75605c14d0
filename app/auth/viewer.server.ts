// Who is making a request: the person behind a valid, unexpired, server-side session of the
// current auth mode, or (on API endpoints only) behind a personal API token. Resolved once per
// request (tRPC context, page loaders, API resource routes).

import { authenticateApiToken, bearerOf, type ApiTokenGrant } from "../api-tokens/authenticate-token.server.ts"
import { tokenStreamKey } from "../api-tokens/stream-keys.server.ts"
import type { WebConfig } from "../config/config.server.ts"
import type { WebServices } from "../services.server.ts"
import { users, type SessionDocument, type UserDocument } from "../store/collections.server.ts"
import { readCookie, SESSION_COOKIE, verifySessionCookie } from "./session-cookie.server.ts"
import { findSession } from "./sessions.server.ts"

/** A signed-in browser. */
export interface SessionViewer {
  readonly user: UserDocument
  readonly session: SessionDocument
  readonly apiToken?: null
}

/** A script, by its personal API token (API endpoints only). */
export interface TokenViewer {
  readonly user: UserDocument
  readonly session: null
  readonly apiToken: ApiTokenGrant
}

/** A browser's session, or a script's API token: never both. */
export type Viewer = SessionViewer | TokenViewer

/** A bearer was sent and does not work: answered 401 without saying why (app/api-tokens/api-token-text.ts). */
export const INVALID_API_TOKEN = "invalid-api-token"

/** For pages: the session cookie only. An Authorization header is ignored here. */
export async function getViewer(request: Request, services: WebServices): Promise<SessionViewer | null> {
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

/**
 * For API endpoints (/api/trpc, run streams, /api/w/… resource routes): a request that sends
 * `Authorization: Bearer …` is authenticated by that token alone, its cookie ignored, so a
 * cross-site page can never borrow the cookie through it; otherwise as getViewer.
 */
export async function getApiViewer(request: Request, services: WebServices): Promise<Viewer | null | typeof INVALID_API_TOKEN> {
  const bearer = bearerOf(request)
  if (bearer === null) return getViewer(request, services)
  const found = await authenticateApiToken(services, bearer)
  return found ? { user: found.user, session: null, apiToken: found.grant } : INVALID_API_TOKEN
}

/** Who holds a stream slot: the browser session, or the token. */
export const viewerSessionKey = (viewer: Viewer) => (viewer.session ? viewer.session.id : tokenStreamKey(viewer.apiToken.id))

/** Whether the browser reached us over HTTPS. X-Forwarded-Proto counts only behind a trusted proxy. */
export function isSecureRequest(request: Request, config: WebConfig): boolean {
  if (config.publicUrl.protocol === "https:") return true
  return config.trustProxy && request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https"
}
