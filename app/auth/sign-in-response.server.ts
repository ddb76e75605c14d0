// Ending a sign-in (any mode): a new server-side session, its signed cookie, and a redirect to
// where the person was going. Only same-site paths are followed.

import { redirect } from "@remix-run/node"
import type { WebServices } from "../services.server.ts"
import type { UserDocument } from "../store/collections.server.ts"
import { clearCookie, SESSION_COOKIE, SESSION_MAX_AGE_SECONDS, serializeCookie, signSessionToken } from "./session-cookie.server.ts"
import { createSession } from "./sessions.server.ts"
import { isSecureRequest } from "./viewer.server.ts"

/** A path on this site, or "/" for anything that could lead elsewhere (//evil.com, /\\evil.com, https://...). */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/"
  return value
}

export async function completeSignIn(request: Request, services: WebServices, user: UserDocument, returnTo: string) {
  const { token } = await createSession(services.store, {
    userId: user.id,
    authMode: services.config.authMode,
    userAgent: request.headers.get("user-agent") ?? "",
  })
  const cookie = serializeCookie(SESSION_COOKIE, signSessionToken(token, services.auth.sessionKey), {
    secure: isSecureRequest(request, services.config),
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
  })
  return redirect(safeReturnTo(returnTo), { headers: { "set-cookie": cookie } })
}

export function signedOutRedirect(request: Request, services: WebServices, to = "/") {
  return redirect(to, { headers: { "set-cookie": clearCookie(SESSION_COOKIE, isSecureRequest(request, services.config)) } })
}
