// Turns verified claims into the identity the rest of the app uses: email, whether the provider
// vouches for it, and a display name from whichever name claims the provider fills in.

import type { OidcIdentity } from "./oidc-client.server.ts"

/** ID token claims win over userinfo claims: only the ID token is signed. */
export function toIdentity(idTokenClaims: Readonly<Record<string, unknown>>, userinfo: Readonly<Record<string, unknown>> | null): OidcIdentity {
  const claims = Object.freeze({ ...userinfo, ...idTokenClaims })
  const text = (name: string) => {
    const value = claims[name]
    return typeof value === "string" && value.trim() !== "" ? value.trim() : null
  }
  const fullName = [text("given_name"), text("family_name")].filter((part) => part !== null).join(" ")
  return {
    issuer: idTokenClaims.iss as string,
    subject: idTokenClaims.sub as string,
    email: text("email"),
    // Some providers send the string "true"; anything else is not a verification.
    emailVerified: claims.email_verified === true || claims.email_verified === "true",
    name: text("name") ?? (fullName !== "" ? fullName : text("preferred_username")),
    claims,
  }
}
