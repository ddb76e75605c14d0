// One authenticated call to the worker (GET /runtimes with the web's bearer) that proves the token
// is the same on both sides and brings back the worker's own report: runtimes, credentials,
// sandbox. A second call with a made-up token shows whether the worker checks tokens at all.

import { randomBytes } from "node:crypto"
import { Schema } from "effect"
import { RuntimesReport } from "#shared/runs/internal-api.ts"
import { getWithDeadline, reasonOf } from "./bounded.server.ts"

export type WorkerProbe =
  | { readonly kind: "answered"; readonly report: RuntimesReport; readonly checksTokens: boolean }
  | { readonly kind: "refused-token" }
  | { readonly kind: "unreachable"; readonly reason: string }
  | { readonly kind: "unexpected"; readonly reason: string }

const decodeReport = Schema.decodeUnknownExit(RuntimesReport)

export async function probeWorker(workerUrl: URL, token: string | undefined, timeoutMs: number): Promise<WorkerProbe> {
  const runtimesUrl = new URL("/runtimes", workerUrl)
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` })
  let answer: { readonly status: number; readonly body: string }
  try {
    answer = await getWithDeadline(runtimesUrl, timeoutMs, token === undefined ? {} : bearer(token))
  } catch (error) {
    return { kind: "unreachable", reason: reasonOf(error) }
  }
  if (answer.status === 401) return { kind: "refused-token" }
  if (answer.status !== 200) return { kind: "unexpected", reason: `it answered HTTP ${answer.status}` }
  const decoded = decodeReport(parseJson(answer.body))
  if (decoded._tag === "Failure") return { kind: "unexpected", reason: "its /runtimes answer is not a report this version understands (web and worker versions differ?)" }
  let checksTokens = true
  try {
    const stranger = await getWithDeadline(runtimesUrl, timeoutMs, bearer(`doctor-${randomBytes(24).toString("hex")}`))
    checksTokens = stranger.status === 401
  } catch {
    // It answered a moment ago: treat a failure now as not proving anything either way.
  }
  return { kind: "answered", report: decoded.value, checksTokens }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
