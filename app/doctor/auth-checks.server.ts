// Checklist: SECOND_AUTH_MODE=external with a working auth provider. "Working" here means the
// OIDC issuer publishes a discovery document the web accepts (the same code the web signs in with).

import { discover } from "#app/auth/oidc/discovery.server.ts"
import { isLoopbackHost } from "#shared/config/common.ts"
import { reasonOf } from "./bounded.server.ts"
import { fail, pass, skip, type CheckLine } from "./check-line.server.ts"
import type { DoctorEnv } from "./doctor-env.server.ts"

const ITEM = "SECOND_AUTH_MODE=external with a working auth provider"

export async function authChecks(doctorEnv: DoctorEnv, timeoutMs: number): Promise<CheckLine[]> {
  const { values, production } = doctorEnv
  if (values.authMode !== "external") {
    return [
      fail(
        ITEM,
        `SECOND_AUTH_MODE is ${values.authMode ?? "unset (none)"}: anyone who reaches the web can sign in as anyone`,
        "Set SECOND_AUTH_MODE=external with SECOND_OIDC_ISSUER and SECOND_OIDC_CLIENT_ID (and SECOND_OIDC_CLIENT_SECRET for a confidential client).",
      ),
      skip("The auth provider syncs memberships and roles", "needs SECOND_AUTH_MODE=external"),
    ]
  }
  const issuer = values.oidcIssuer
  if (issuer === undefined || values.oidcClientId === undefined) {
    const missing = issuer === undefined ? "SECOND_OIDC_ISSUER" : "SECOND_OIDC_CLIENT_ID"
    return [fail(ITEM, `${missing} is not set (or not valid)`, `Set ${missing} to what your identity provider registered for Second.`)]
  }
  const allowInsecureIssuer = !production && isLoopbackHost(issuer.hostname)
  let line: CheckLine
  try {
    const metadata = await discover({ issuer, allowInsecureIssuer }, timeoutMs)
    line = pass(ITEM, `the issuer ${metadata.issuer} publishes a valid discovery document (sign-in at ${metadata.authorizationEndpoint.origin})`)
  } catch (error) {
    line = fail(
      ITEM,
      error instanceof Error && error.name === "OidcError" ? error.message : `the discovery document could not be read (${reasonOf(error)})`,
      "Check SECOND_OIDC_ISSUER (exactly the issuer your provider publishes) and that this machine reaches it over https://.",
    )
  }
  const roles = values.oidcRoleMap ? `roles from ${values.oidcRoleClaim ?? "second_role"} via SECOND_OIDC_ROLE_MAP` : `roles from the ${values.oidcRoleClaim ?? "second_role"} claim`
  return [
    line,
    skip(
      "The auth provider syncs memberships and roles",
      `cannot be checked from here: sign in once as an admin and as a member to see it (${roles}; workspace: ${values.oidcWorkspace ?? "none"})`,
    ),
  ]
}
