// The auth-provider extension interface for SECOND_AUTH_MODE=external. A provider sends the
// browser to sign in and, on its return, says who the person is and which workspaces (with which
// provider roles) they belong to; syncExternalIdentity turns that into our users, memberships and
// teams. OpenID Connect (oidc-provider.server.ts) is the one shipped; others implement this.

export interface ExternalMembership {
  /** The provider's id for the organization, stable across renames. */
  readonly organizationId: string
  readonly organizationName: string
  /** The provider's role or group names; mapped to ours by configuration, unknown ones to member. */
  readonly roles: readonly string[]
}

export interface ExternalIdentity {
  /** Who vouches for the person: for OIDC, the issuer. */
  readonly provider: string
  readonly subject: string
  readonly email: string | null
  readonly emailVerified: boolean
  readonly displayName: string | null
  readonly memberships: readonly ExternalMembership[]
}

export interface ExternalSignIn {
  readonly identity: ExternalIdentity
  readonly returnTo: string
}

export interface AuthProvider {
  readonly id: string
  /** Shown on the sign-in button: "Continue with <label>". */
  readonly label: string
  /** Starts sign-in: a redirect to the provider, with whatever cookies bind the attempt to this browser. */
  start(request: Request, returnTo: string): Promise<Response>
  /** Resolves the person from the provider's callback. Throws AppError with a message the person can act on. */
  complete(request: Request): Promise<{ signIn: ExternalSignIn; headers: Headers }>
}
