// Connection strings (MONGODB_URI, REDIS_URL) are secrets as a whole, but their hosts are what an
// operator needs to see. These pull the showable parts out, and name the parts that must never be.
//
// Operators paste raw passwords, so a password may hold "@", "/", "?" or "#" unencoded
// ("redis://default:R3dis@Passw0rd@host"). Hosts never hold "@", so the credentials run from
// "scheme://" to the LAST "@" of the authority. When an "@" also appears after the first "?" or
// "#", it cannot be told whether that "@" ends a password containing "?" or sits in the options:
// then nothing after the scheme is shown, and both readings' credentials are masked.

const SCHEME = /^(?:[a-z][a-z0-9+.-]*:\/\/)?/i

export interface ConnectionParts {
  /** "mongodb://", or "" when the value has no scheme. */
  readonly scheme: string
  /** Hosts and path ("a:1,b:2/second"), without credentials or options; null when that cannot be told apart from a password. */
  readonly location: string | null
  /** Every reading of the user-info part ("user:password"), longest first; empty when there is none. */
  readonly credentials: readonly string[]
}

export function connectionParts(uri: string): ConnectionParts {
  const scheme = SCHEME.exec(uri)?.[0] ?? ""
  const body = uri.slice(scheme.length)
  const firstOption = body.search(/[?#]/)
  const lastAt = body.lastIndexOf("@")
  const lastAtBeforeOptions = (firstOption === -1 ? body : body.slice(0, firstOption)).lastIndexOf("@")
  if (lastAt === -1) return { scheme, location: stripOptions(body), credentials: [] }
  if (lastAt === lastAtBeforeOptions) return { scheme, location: stripOptions(body.slice(lastAt + 1)), credentials: [body.slice(0, lastAt)] }
  // An "@" after the first "?"/"#": a password with "?" in it, or an option with "@" in it.
  const credentials = [body.slice(0, lastAt), ...(lastAtBeforeOptions === -1 ? [] : [body.slice(0, lastAtBeforeOptions)])]
  return { scheme, location: null, credentials }
}

const stripOptions = (text: string) => text.replace(/[?#].*$/s, "")

/** Scheme, hosts and path, without credentials or options: "mongodb://a:1,b:2/second" (or "mongodb://<hidden>" when they cannot be told apart). */
export function withoutCredentials(uri: string): string {
  const { scheme, location } = connectionParts(uri)
  return location === null ? `${scheme}<hidden>` : `${scheme}${location}`
}

/**
 * What the doctor must never print of a connection string: each reading of "user:password", the
 * password, and each piece of the password between "@" or "/" (a driver may quote a fragment it
 * mistook for a host or path); each also percent-decoded.
 */
export function credentialPieces(uri: string): string[] {
  const pieces: string[] = []
  for (const userInfo of connectionParts(uri).credentials) {
    const colon = userInfo.indexOf(":")
    const password = colon === -1 ? userInfo : userInfo.slice(colon + 1)
    for (const whole of [userInfo, password]) pieces.push(whole, safeDecode(whole))
    for (const piece of [...password.split(/[@/]/), ...safeDecode(password).split(/[@/]/)]) pieces.push(piece, safeDecode(piece))
  }
  return [...new Set(pieces)].filter(Boolean)
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** Host names in a connection string: "mongodb://u:p@a:1,b:2/db" → ["a", "b"] (every reading's, when ambiguous). */
export function hostsOf(uri: string): string[] {
  const { credentials } = connectionParts(uri)
  const body = uri.slice((SCHEME.exec(uri)?.[0] ?? "").length)
  const readings = credentials.length === 0 ? [body] : credentials.map((userInfo) => body.slice(userInfo.length + 1))
  return [
    ...new Set(
      readings.flatMap((reading) =>
        (/^[^/?#]*/.exec(reading)?.[0] ?? "")
          .split(",")
          .map((hostPort) => hostPort.replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase())
          .filter(Boolean),
      ),
    ),
  ]
}
