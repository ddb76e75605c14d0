// A generated list of ways to smuggle another site into a "path on this site" (returnTo): dot
// segments and their encodings, slashes and backslashes in every spelling, whitespace browsers
// strip, userinfo, and whole URLs with schemes. Every entry point that takes returnTo is tested
// against all of them.

const PREFIXES = ["/", "/.", "/..", "/a/..", "/a/b/../..", "/%2e", "/%2E", "/%2e%2e", "/%2E%2E", "/.%2e", "/a/%2e%2e", "/./", "/x/../"]
const SEPARATORS = ["/", "\\", "/\\", "\\/", "\t/", "/\t/", "\n/", "/\r/", "%09/", "%5c", "/%5c", "%2f", "/%2f", " /"]
const HOSTS = ["evil.example", "evil.example/path?x=1#y", "@evil.example", "evil.example:443"]
const WHOLE = [
  "https://evil.example",
  "http:evil.example",
  "https:/evil.example",
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "//evil.example",
  "///evil.example",
  "////evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  " //evil.example",
  "%2F%2Fevil.example",
  "/%2F/evil.example",
  "\u3002/evil.example",
  "/\u00a0/evil.example",
  "evil.example",
]

export const REDIRECT_TRICKS: readonly string[] = [
  ...new Set([...PREFIXES.flatMap((prefix) => SEPARATORS.flatMap((separator) => HOSTS.map((host) => `${prefix}${separator}${host}`))), ...WHOLE]),
]

/** True when a browser following `location` (resolved as a Location header is, against `base`) stays on `base`'s origin. */
export const staysOnSite = (location: string, base: string) => new URL(location, base).origin === new URL(base).origin
