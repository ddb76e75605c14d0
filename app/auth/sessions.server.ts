// Server-side sessions: created at sign-in, looked up on every request, revoked at sign-out (or
// by the person from another browser). The database keeps only the SHA-256 of each token.

import { hashToken } from "#shared/crypto/token-hash.ts"
import { newSecretToken } from "#shared/ids.ts"
import { sessions, type SessionDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { SESSION_MAX_AGE_SECONDS } from "./session-cookie.server.ts"

/** lastSeenAt is refreshed at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60 * 60 * 1000

export interface NewSession {
  readonly userId: string
  readonly authMode: SessionDocument["authMode"]
  readonly userAgent: string
}

export async function createSession(store: DurableStore, input: NewSession, now = new Date()): Promise<{ token: string; session: SessionDocument }> {
  const token = newSecretToken()
  const session: SessionDocument = {
    id: hashToken(token),
    userId: input.userId,
    authMode: input.authMode,
    userAgent: input.userAgent.slice(0, 200),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS[input.authMode] * 1000).toISOString(),
  }
  await store.collection(sessions).insert(session)
  return { token, session }
}

export async function findSession(store: DurableStore, token: string, now = new Date()): Promise<SessionDocument | null> {
  const collection = store.collection(sessions)
  const session = await collection.findOne({ id: hashToken(token) })
  if (!session) return null
  if (session.expiresAt <= now.toISOString()) {
    await collection.deleteMany({ id: session.id })
    return null
  }
  if (now.getTime() - Date.parse(session.lastSeenAt) > TOUCH_INTERVAL_MS) {
    await collection.updateOne({ id: session.id }, { lastSeenAt: now.toISOString() })
  }
  return session
}

export async function revokeSession(store: DurableStore, sessionId: string): Promise<boolean> {
  return (await store.collection(sessions).deleteMany({ id: sessionId })) > 0
}
