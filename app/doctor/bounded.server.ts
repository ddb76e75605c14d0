// Every network call the doctor makes has a deadline, so a firewall that drops packets turns into
// a ✗ line after a few seconds instead of a hung command.

export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${Math.round(ms / 100) / 10} s`)
    this.name = "DeadlineError"
  }
}

/** Resolves with `work`, or rejects with a DeadlineError naming `what` after `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** A short reason for a failed call: Node's fetch hides ECONNREFUSED, ENOTFOUND and the like in `cause`. */
export function reasonOf(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "no answer in time"
  const cause = error instanceof Error ? error.cause : undefined
  if (cause instanceof Error) return "code" in cause && typeof cause.code === "string" ? cause.code : cause.message
  if (error instanceof Error && "code" in error && typeof error.code === "string" && error.code !== "") return error.code
  return error instanceof Error ? error.message : String(error)
}

/**
 * GET with a deadline that also bounds reading the body. Rejects on network failure or timeout.
 * Redirects are followed only for calls without credentials (a bearer must not travel elsewhere).
 */
export async function getWithDeadline(
  url: URL,
  ms: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ readonly status: number; readonly body: string }> {
  const signal = AbortSignal.timeout(ms)
  const redirect = Object.keys(headers).some((name) => name.toLowerCase() === "authorization") ? "manual" : "follow"
  const response = await fetch(url, { headers, signal, redirect })
  return { status: response.status, body: await response.text() }
}
