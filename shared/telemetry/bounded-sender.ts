// Sends telemetry (Sentry envelopes, PostHog batches) without ever hurting the process that sends
// it: fire and forget, a few requests in flight at most, a cap per minute, a timeout, no retries.
// What cannot be sent is dropped. A failure is logged once (never with the payload), and again
// only after a send has worked in between, so an unreachable endpoint cannot flood the logs.

export interface BoundedSenderOptions {
  /** Names the destination in the one warning ("Sentry error reporting"). */
  readonly name: string
  readonly warn: (message: string) => void
  readonly fetch?: typeof fetch
  readonly maxInFlight?: number
  readonly perMinute?: number
  readonly timeoutMs?: number
}

export interface OutgoingRequest {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface BoundedSender {
  /** Queues nothing: sends now, or drops when over a bound. */
  send(request: OutgoingRequest): void
  /** Resolves once every send started so far has finished (tests, shutdown). */
  idle(): Promise<void>
}

export function createBoundedSender(options: BoundedSenderOptions): BoundedSender {
  const doFetch = options.fetch ?? fetch
  const maxInFlight = options.maxInFlight ?? 4
  const perMinute = options.perMinute ?? 60
  const timeoutMs = options.timeoutMs ?? 5_000
  const inFlight = new Set<Promise<void>>()
  let windowStart = 0
  let sentInWindow = 0
  let failing = false
  let warnedOverLimit = false

  // Names the host (never the path: a Sentry DSN's path holds its project) and the cause.
  const fail = (why: string, url: URL) => {
    if (failing) return
    failing = true
    options.warn(`${options.name} to ${url.host} failed (${why}); further failures are not logged until a send succeeds.`)
  }

  /** fetch's "fetch failed" hides the reason in its cause: ECONNREFUSED, a certificate, DNS. */
  const causeOf = (error: unknown) => {
    if (error instanceof Error && error.name === "TimeoutError") return `no answer in ${timeoutMs / 1000} s`
    const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
    return typeof cause?.code === "string" && /^[A-Z0-9_]{2,40}$/.test(cause.code) ? `network error: ${cause.code}` : "network error"
  }

  const withinRate = (now: number) => {
    if (now - windowStart >= 60_000) {
      windowStart = now
      sentInWindow = 0
      warnedOverLimit = false
    }
    if (sentInWindow >= perMinute || inFlight.size >= maxInFlight) {
      if (!warnedOverLimit) {
        warnedOverLimit = true
        options.warn(`${options.name}: more than ${perMinute} a minute or ${maxInFlight} at once; dropping the rest.`)
      }
      return false
    }
    sentInWindow += 1
    return true
  }

  return {
    send(request) {
      if (!withinRate(Date.now())) return
      const sending = doFetch(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      })
        .then(async (response) => {
          // Drain the body so the connection is reused; its content is not ours to log.
          await response.arrayBuffer().catch(() => undefined)
          if (response.ok) failing = false
          else fail(`HTTP ${response.status}`, request.url)
        })
        .catch((error: unknown) => fail(causeOf(error), request.url))
        .finally(() => inFlight.delete(sending))
      inFlight.add(sending)
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight])
    },
  }
}
