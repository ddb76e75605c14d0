// The one-line message both processes print when they cannot listen on their port.

/** A listen failure the operator can fix, said in one line; null for anything else. */
export function describeListenError(error: unknown, variable: string): string | null {
  const code = (error as { code?: unknown } | null)?.code
  if (code === "EADDRINUSE") return `Port is already in use: stop the other process or choose another with ${variable}=<port>.`
  if (code === "EACCES") return `Not allowed to listen on that port: choose one above 1023 with ${variable}=<port>.`
  return null
}
