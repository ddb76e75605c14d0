// Connection strings (MONGODB_URI, REDIS_URL) are secrets as a whole, but their hosts are what an
// operator needs to see. These pull the showable parts out.

/** Scheme, hosts and path, without credentials or options: "mongodb://a:1,b:2/second". */
export const withoutCredentials = (uri: string) => uri.replace(/^([a-z+]+:\/\/)[^/@]*@/i, "$1").replace(/\?.*$/, "")

/** Host names in a connection string: "mongodb://u:p@a:1,b:2/db" → ["a", "b"]. */
export function hostsOf(uri: string): string[] {
  const authority = /^[a-z+]+:\/\/(?:[^/@]*@)?([^/?]*)/i.exec(uri)?.[1] ?? ""
  return authority
    .split(",")
    .map((hostPort) => hostPort.replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase())
    .filter(Boolean)
}
