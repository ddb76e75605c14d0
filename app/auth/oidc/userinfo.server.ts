// The userinfo endpoint (OIDC Core §5.3): more claims about the person the ID token names, which
// count only when they are about that same subject.

import { fetchJson, isRecord } from "./http.server.ts"
import { OidcError } from "./oidc-error.server.ts"

export async function fetchUserinfo(endpoint: URL, accessToken: string, subject: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const response = await fetchJson(
    endpoint,
    { headers: { authorization: `Bearer ${accessToken}` }, redirect: "error" },
    { what: "the userinfo endpoint", code: "userinfo_failed", timeoutMs },
  )
  if (response.status !== 200) {
    throw new OidcError("userinfo_failed", `The identity provider's userinfo endpoint answered HTTP ${response.status}.`)
  }
  if (response.contentType.toLowerCase().startsWith("application/jwt")) {
    throw new OidcError("userinfo_failed", "The identity provider sends signed or encrypted userinfo, which is not supported; configure it to send JSON.")
  }
  if (!isRecord(response.body)) throw new OidcError("userinfo_failed", "The identity provider's userinfo response is not a JSON object.")
  // Core §5.3.2: a different sub means the response is about someone else (token substitution).
  if (response.body.sub !== subject) {
    throw new OidcError("invalid_id_token", "The identity provider's userinfo describes a different user than the ID token (sub mismatch).")
  }
  return response.body
}
