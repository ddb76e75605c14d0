// Checklist: SECOND_PUBLIC_URL is the public HTTPS origin; OAuth apps use
// ${SECOND_PUBLIC_URL}/api/oauth/callback; a secret store is configured when OAuth is on.

import { isLoopbackHost } from "#shared/config/common.ts"
import { fail, pass, productionOnly, skip, type CheckLine } from "./check-line.server.ts"
import type { DoctorEnv } from "./doctor-env.server.ts"

const HTTPS_FIX = "Set SECOND_PUBLIC_URL=https://your-domain.example and terminate TLS at a reverse proxy you trust (then SECOND_TRUST_PROXY=1)."

export function publicUrlChecks(doctorEnv: DoctorEnv): CheckLine[] {
  return [httpsLine(doctorEnv), redirectUriLine(doctorEnv), secretStoreLine(doctorEnv)]
}

/** A variable the config lines above already refused: one ✗ for one mistake. */
const refusedAbove = (doctorEnv: DoctorEnv, variable: string) => doctorEnv.invalid.has(variable)

function httpsLine(doctorEnv: DoctorEnv): CheckLine {
  const { values } = doctorEnv
  const item = "SECOND_PUBLIC_URL is your public HTTPS origin"
  if (refusedAbove(doctorEnv, "SECOND_PUBLIC_URL")) return skip(item, "SECOND_PUBLIC_URL is refused (see its line above)")
  const publicUrl = values.publicUrl
  if (publicUrl === undefined) return fail(item, "SECOND_PUBLIC_URL is not set (or not valid)", HTTPS_FIX)
  if (publicUrl.protocol !== "https:") return fail(item, `${publicUrl.origin} is not https://`, HTTPS_FIX)
  const proxy = values.trustProxy === true ? "SECOND_TRUST_PROXY=1" : "SECOND_TRUST_PROXY unset: X-Forwarded-* headers are ignored"
  return pass(item, `${publicUrl.origin} (${proxy})`)
}

function redirectUriLine(doctorEnv: DoctorEnv): CheckLine {
  const { values } = doctorEnv
  const item = "OAuth apps use ${SECOND_PUBLIC_URL}/api/oauth/callback as the redirect URI"
  if (values.oauthDisabled === true) return skip(item, "OAuth integrations are off (SECOND_OAUTH_DISABLED=1)")
  if (refusedAbove(doctorEnv, "SECOND_PUBLIC_URL")) return skip(item, "SECOND_PUBLIC_URL is refused (see its line above)")
  const publicUrl = values.publicUrl
  if (publicUrl === undefined) return fail(item, "no redirect URI without SECOND_PUBLIC_URL", HTTPS_FIX)
  const redirectUri = new URL("/api/oauth/callback", publicUrl).href
  // Providers accept http:// redirects for loopback hosts only (and never for *.localhost names).
  const acceptable = publicUrl.protocol === "https:" || isLoopbackHost(publicUrl.hostname.replace(/^\[|\]$/g, ""))
  if (!acceptable) {
    return fail(item, `${redirectUri} is http:// on a non-loopback host: OAuth providers refuse it`, HTTPS_FIX)
  }
  return pass(item, `register exactly ${redirectUri} in each provider's OAuth app`)
}

function secretStoreLine(doctorEnv: DoctorEnv): CheckLine {
  const { values, production } = doctorEnv
  const item = "A secret store is configured for OAuth and integration secrets"
  if (values.oauthDisabled === true) return skip(item, "OAuth integrations are off (SECOND_OAUTH_DISABLED=1)")
  if (refusedAbove(doctorEnv, "SECOND_TOKEN_ENCRYPTION_KEY")) return skip(item, "SECOND_TOKEN_ENCRYPTION_KEY is refused (see its line above)")
  if (values.workosApiKey !== undefined) return pass(item, "WorkOS Vault (WORKOS_API_KEY is set)")
  if (values.tokenEncryptionKey !== undefined) return pass(item, "encrypted in the database under SECOND_TOKEN_ENCRYPTION_KEY")
  return productionOnly(
    production,
    item,
    production
      ? "neither WORKOS_API_KEY nor SECOND_TOKEN_ENCRYPTION_KEY is set"
      : "neither WORKOS_API_KEY nor SECOND_TOKEN_ENCRYPTION_KEY is set (outside production the web generates a key in its data directory, on this machine only)",
    "Set SECOND_TOKEN_ENCRYPTION_KEY=$(openssl rand -base64 32) (keep a copy: secrets stored under it are lost without it), or WORKOS_API_KEY, or SECOND_OAUTH_DISABLED=1.",
  )
}
