// The request headers the platform's HTTP client owns: framing, routing, proxying and the response
// encoding (the 1 MB response cap counts bytes as sent, so compression stays off). One list for the
// validator (agents.json is refused with the header's path) and the runtime (a call is refused with
// header_injection), so a tool that passes review never fails every call for a header it may not set.

const PLATFORM_OWNED_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "accept-encoding",
  "proxy-authorization",
  "proxy-connection",
])

/** Whether a tool's template must not set header `name` (any case); every `Proxy-*` header included. */
export function isPlatformOwnedHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return PLATFORM_OWNED_HEADERS.has(lower) || lower.startsWith("proxy-")
}

/** Lower-case names, for tests and documentation (Proxy-* is refused by prefix as well). */
export const PLATFORM_OWNED_HEADER_NAMES: readonly string[] = [...PLATFORM_OWNED_HEADERS]
