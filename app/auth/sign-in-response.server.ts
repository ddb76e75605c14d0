// Ending a sign-in (any mode): a new server-side session, its signed cookie, and a redirect to
// where the person was going. Only same-site paths are followed.

import { redirect } from "@remix-run/node"
import type { WebServices } from "../services.server.ts"
import type { UserDocument } from "../store/collections.server.ts"
import { clearCookie, SESSION_COOKIE, SESSION_MAX_AGE_SECONDS, serializeCookie, signSessionToken } from "./session-cookie.server.ts"
import { createSession } from "./sessions.server.ts"
import { isSecureRequest } from "./viewer.server.ts"

const PROBE_ORIGIN = "http://return-to.invalid"

/**
 * A path on this site, or "/" for anything a browser could take elsewhere: //evil.com, /\\evil.com,
 * absolute URLs, paths hiding a tab or newline (browsers strip those, so "/\t/evil.com" is
 * "//evil.com" to them), and paths whose dot segments collapse into one of those ("/.//evil.com",
 * "/a/..//evil.com", "/%2e//evil.com" all normalise to "//evil.com").
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!isPlainPath(value)) return "/"
  let url: URL
  try {
    url = new URL(value, PROBE_ORIGIN)
  } catch {
    return "/"
  }
  // NOTE: the value is judged twice: as sent, and as normalised, because the normalised form is
  // what goes into Location and what the browser resolves.
  const normalised = `${url.pathname}${url.search}${url.hash}`
  return url.origin === PROBE_ORIGIN && isPlainPath(normalised) ? normalised : "/"
}

/** Starts with exactly one slash and holds nothing a browser strips or reads as a slash. */
function isPlainPath(value: string | null | undefined): value is string {
  return !!value && value.startsWith("/") && !value.startsWith("//") && !/[\u0000-\u0020\u007f\\]/.test(value)
}

export async function completeSignIn(request: Request, services: WebServices, user: UserDocument, returnTo: string) {
  const { token } = await createSession(services.store, {
    userId: user.id,
    authMode: services.config.authMode,
    userAgent: request.headers.get("user-agent") ?? "",
  })
  const cookie = serializeCookie(SESSION_COOKIE, signSessionToken(token, services.auth.sessionKey), {
    secure: isSecureRequest(request, services.config),
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS[services.config.authMode],
  })
  return redirect(safeReturnTo(returnTo), { headers: { "set-cookie": cookie } })
}

export function signedOutRedirect(request: Request, services: WebServices, to = "/") {
  return redirect(to, { headers: { "set-cookie": clearCookie(SESSION_COOKIE, isSecureRequest(request, services.config)) } })
}
