// A Sentry DSN read once into what sending needs: the envelope endpoint and the public key for
// the X-Sentry-Auth header. Web and worker both report errors this way, with no Sentry SDK.

export interface SentryTarget {
  /** https://<host>[/<path>]/api/<project>/envelope/ */
  readonly envelopeUrl: URL
  readonly publicKey: string
  readonly projectId: string
}

/** The DSN's target, or null when the text is not a DSN (https://<key>@<host>/<project>). */
export function parseSentryDsn(dsn: string): SentryTarget | null {
  let url: URL
  try {
    url = new URL(dsn)
  } catch {
    return null
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username === "" || url.search !== "" || url.hash !== "") return null
  const segments = url.pathname.split("/").filter(Boolean)
  const projectId = segments.pop()
  if (projectId === undefined || !/^\d+$/.test(projectId)) return null
  const prefix = segments.map((segment) => `/${segment}`).join("")
  return {
    envelopeUrl: new URL(`${url.protocol}//${url.host}${prefix}/api/${projectId}/envelope/`),
    publicKey: decodeURIComponent(url.username),
    projectId,
  }
}

/** The header Sentry authenticates an envelope with (the public key only; DSNs carry no secret). */
export const sentryAuthHeader = (target: SentryTarget) =>
  `Sentry sentry_version=7, sentry_key=${target.publicKey}, sentry_client=second-reporter/1.0`
