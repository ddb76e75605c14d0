// One request the fuzz suite sends, and who sends it. Generators make these; the runner sends them.

export interface FuzzRequest {
  /** What is being tried, for failure messages ("apps.rename name=\"\\u0000\"", ...). */
  readonly label: string
  /** "nobody" has no session; "owner" is the owner of the world's workspace W (who may do the most). */
  readonly as: "nobody" | "owner"
  readonly method: string
  /** Path and query, sent as is. */
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** The ids a generator can build valid requests around, so malformed parts get past the first checks. */
export interface FuzzTargets {
  readonly workspaceId: string
  readonly appId: string
  readonly runId: string
  /** A version of appId (its first build). */
  readonly versionId: string
  readonly teamId: string
  readonly userId: string
  readonly invitationId: string
  readonly invitationToken: string
  readonly sessionId: string
  /** The internal API's bearer token, so its routes are fuzzed past authentication too. */
  readonly internalToken: string
}
