// Sends fuzz requests one at a time and judges each answer: never a 5xx, never a stack trace or
// internal text in the body, and a refused request (4xx) leaves the durable store exactly as it
// was. One at a time, so a change in the store belongs to the request that was just answered.

import { HttpPerson } from "#tests/fixtures/http-person.ts"
import type { FuzzRequest } from "./fuzz-request.ts"
import type { WriteWatch } from "./write-watch.ts"

/** Text that only an unhandled error or a leaked internal would put in a response. */
const INTERNAL_TEXT: readonly RegExp[] = [
  /\n\s+at [^\n]+:\d+:\d+/,
  /node_modules|file:\/\/\//,
  /\b(?:TypeError|SyntaxError|ReferenceError|RangeError)\b/,
  /Unexpected token|is not valid JSON|JSON at position|Unexpected end of JSON/,
  /SQLITE_|better-sqlite3|MongoServerError|ECONNREFUSED|ioredis|undici/,
  // Remix's own refusals: a JSON body that calls a 4xx a server error, or its wording on a page.
  /"message":"Unexpected Server Error"/,
  /error-detail">[^<]*(?:did not provide an|No route matches)/,
]

/** Far longer than any answer takes; only a request that never ends reaches it. */
const ANSWER_WITHIN_MS = 20_000

export interface FuzzFailure {
  readonly label: string
  readonly status: number
  readonly problem: string
  readonly excerpt: string
}

export interface FuzzReport {
  readonly sent: number
  /** How many answers had each status. */
  readonly statuses: ReadonlyMap<number, number>
  readonly failures: readonly FuzzFailure[]
  readonly elapsedMs: number
}

export interface FuzzRunOptions {
  readonly baseUrl: string
  readonly writes: WriteWatch
  /** The signed-in identity ("owner"), and how to sign it in again after a request ended its session. */
  readonly owner: HttpPerson
  readonly signInOwner: () => Promise<void>
}

async function readBody(response: Response): Promise<string> {
  // A live stream never ends by itself: what matters is that it opened, so stop reading at once.
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await response.body?.cancel()
    return ""
  }
  return response.text()
}

export async function runFuzz(requests: readonly FuzzRequest[], options: FuzzRunOptions): Promise<FuzzReport> {
  const started = performance.now()
  const statuses = new Map<number, number>()
  const failures: FuzzFailure[] = []
  let before = await options.writes.look()

  for (const request of requests) {
    if (request.as === "owner" && !options.owner.signedIn) await options.signInOwner()
    const person = request.as === "owner" ? options.owner : new HttpPerson(options.baseUrl)
    const cookieBefore = person.cookieHeader()
    let status: number
    let body: string
    try {
      const response = await person.request(request.path, {
        // A hang is a failure too (a request that never answers holds its socket forever).
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
        method: request.method,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      })
      status = response.status
      body = await readBody(response)
    } catch (error) {
      failures.push({ label: request.label, status: 0, problem: `no answer: ${String(error)}`, excerpt: "" })
      before = await options.writes.look()
      continue
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
    const fail = (problem: string, excerpt = body.slice(0, 300)) => failures.push({ label: request.label, status, problem, excerpt })
    if (status >= 500) fail("a server error")
    const leaked = INTERNAL_TEXT.find((pattern) => pattern.test(body))
    if (leaked) fail(`internal text in the body (${leaked})`, body.slice(Math.max(0, body.search(leaked) - 100), body.search(leaked) + 200))

    const after = await options.writes.look()
    if (status >= 400 && after !== before) fail("a refused request changed the durable store")
    before = after
    // A request that signed the owner out, or in as someone else, is undone before the next one.
    if (request.as === "owner" && person.cookieHeader() !== cookieBefore) {
      await options.signInOwner()
      before = await options.writes.look()
    }
  }
  return { sent: requests.length, statuses, failures, elapsedMs: performance.now() - started }
}

/** "200 × 1,204 · 400 × 3,377 · ..." for the log and the closing note. */
export const formatHistogram = (statuses: ReadonlyMap<number, number>) =>
  [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status} × ${count.toLocaleString("en")}`).join(" · ")
