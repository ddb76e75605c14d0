// One round of load (bench/load.bench.test.ts runs one, scripts/soak.ts loops them): every
// person sends one builder message at once (a new app, or the next turn of the app they built in
// an earlier round), each through one of the two webs, and their subscribers follow the runs over
// SSE, alternating webs. Afterwards every subscriber's event ids are compared with the run's
// stream in Redis (XRANGE, the ground truth): any id missing, repeated or out of order is an error,
// as is a refused send, a refused stream, a gap, or a run that did not complete. Two things are
// counted apart, as nothing is lost: a subscriber's reconnections (with Last-Event-ID), and a
// stream the web ended with `end` just before run.settled was appended. Which worker ran
// each run comes from the workers' perf lines (SECOND_PERF_TRACE: one per turn phase, with the run id).

import { STREAMS_PER_SESSION } from "#app/sse/stream-slots.server.ts"
import { parseStreamId } from "#shared/live/live.server.ts"
import { runStreamKey } from "#shared/runs/run-stream.ts"
import type { Step } from "#tests/fixtures/fake-model/server.ts"
import { mutate, REDIS_PREFIX, subscribersOf, type LoadCluster } from "./load-cluster.ts"
import { now, subscribe, type Subscriber } from "./load-sse.ts"

export type RoundKind = "new apps" | "next turns"

export interface RoundResult {
  readonly round: number
  readonly kind: RoundKind
  readonly runs: number
  readonly subscribers: number
  readonly seconds: number
  readonly runsPerSecond: number
  /** Per run: the send's start to the first event any of its subscribers received. */
  readonly firstEventMs: Float64Array
  /** Per run: the send's start to its first entry in Redis (the worker's first append). */
  readonly firstAppendMs: Float64Array
  /** Per run: how long the send (apps.create or runs.send) took to answer. */
  readonly sendMs: Float64Array
  /** Per subscriber: the send's answer to the stream's response headers. */
  readonly connectMs: Float64Array
  /** Per run: its first entry's append to the first receipt by any of its subscribers. */
  readonly firstDeliveryMs: Float64Array
  /** Receipt − append time (the stream id's milliseconds), for every event appended after its subscriber connected. */
  readonly deliveryMs: Float64Array
  readonly events: number
  readonly deliveries: number
  readonly errors: number
  /** The first few errors, for the report. */
  readonly problems: readonly string[]
  /** Subscribers' reconnections, by reason (not errors when nothing was lost). */
  readonly reconnects: Readonly<Record<string, number>>
  /** Subscribers whose stream ended with `end` just before run.settled was appended. */
  readonly endedBeforeSettled: number
  /** Runs per worker index (from the workers' perf lines). */
  readonly runsPerWorker: readonly number[]
  readonly unattributed: number
}

/** The fake model's answer per run: one file written (a tool call and its result), then a reply streamed in chunks. */
function scriptFor(round: number, runs: number): Step[] {
  const steps: Step[] = []
  for (let run = 0; run < runs; run += 1) {
    // The queue is shared by all runs at once: a request takes whichever step is next, so a run may
    // write twice or not at all; either way its turn ends, on a text step or the fake's default reply.
    steps.push({ kind: "writeFile", path: `notes-${round}.md`, content: `# Round ${round}\n\nWritten under load.\n` })
    steps.push({ kind: "slowText", chunks: Array.from({ length: 12 }, (_, index) => `chunk ${index} of the reply. `), delayMs: 20 })
  }
  return steps
}

interface SentRun {
  readonly slot: number
  readonly sentAt: number
  /** When the send answered (its subscribers connect then). */
  readonly answeredAt: number
  readonly runId: string | null
  readonly subscribers: Subscriber[]
}

export interface RoundOptions {
  readonly round: number
  readonly kind: RoundKind
  /** Apps from an earlier round, per person (needed for "next turns"); filled in by "new apps". */
  readonly apps: Array<string | undefined>
  /** How long every run and stream of the round may take before it counts as failed. */
  readonly timeoutMs: number
}

export async function runRound(load: LoadCluster, options: RoundOptions): Promise<RoundResult> {
  const { round, kind, apps } = options
  const { runs } = load.settings
  const problems: string[] = []
  let errors = 0
  const problem = (text: string) => {
    errors += 1
    if (problems.length < 12) problems.push(text)
  }
  load.fake.clearScript()
  load.fake.script(scriptFor(round, runs))
  const outputBefore = load.cluster.workers.map((worker) => worker.process.output().length)

  const started = now()
  const sent: SentRun[] = await Promise.all(
    load.people.map(async (person, slot): Promise<SentRun> => {
      const web = slot % load.webUrls.length
      const webUrl = load.webUrls[web]!
      const cookie = person.cookies[0]!
      const sentAt = now()
      const prompt = `Round ${round}: write the notes`
      const appId = apps[slot]
      const reply = await (kind === "next turns" && appId !== undefined
        ? mutate<{ id: string }>(webUrl, cookie, "runs.send", { workspaceId: person.workspaceId, appId, prompt })
        : mutate<{ app: { id: string }; run: { id: string } }>(webUrl, cookie, "apps.create", { workspaceId: person.workspaceId, prompt, runtime: "claude" })
      ).catch((error: unknown) => ({ status: 0, data: undefined, body: `no answer: ${String(error)}` }))
      if (reply.status !== 200 || !reply.data) {
        problem(`run ${slot}: the send was refused (${reply.status}): ${reply.body.slice(0, 200)}`)
        return { slot, sentAt, answeredAt: now(), runId: null, subscribers: [] }
      }
      const answeredAt = now()
      const runId = "run" in reply.data ? reply.data.run.id : reply.data.id
      if ("app" in reply.data) apps[slot] = reply.data.app.id
      // As the person's tabs would: open once the send has answered with the run.
      const subscribers = Array.from({ length: subscribersOf(load.settings, slot) }, (_, index) => {
        const subscriberWeb = (web + index) % load.webUrls.length
        // Each session holds 16 streams per web: the k-th stream on a web uses session ⌊k / 16⌋.
        const session = Math.floor(Math.floor(index / load.webUrls.length) / STREAMS_PER_SESSION)
        return subscribe({ webUrl: load.webUrls[subscriberWeb]!, web: subscriberWeb, runId, cookie: person.cookies[session]! })
      })
      return { slot, sentAt, answeredAt, runId, subscribers }
    }),
  )

  const everySubscriber = sent.flatMap((run) => run.subscribers)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), options.timeoutMs)))
  const outcome = await Promise.race([Promise.all(everySubscriber.map((subscriber) => subscriber.done)), timedOut])
  clearTimeout(timer)
  if (outcome === "timeout") problem(`the round did not end within ${options.timeoutMs / 1000} s`)
  for (const subscriber of everySubscriber) subscriber.close()

  // ---- check every subscriber against its run's stream
  const firstEventMs: number[] = []
  const firstAppendMs: number[] = []
  const delivery: number[] = []
  const connectMs: number[] = []
  const firstDeliveryMs: number[] = []
  let lastSettledAt = started
  let events = 0
  let deliveries = 0
  let endedBeforeSettled = 0
  const reconnects: Record<string, number> = {}
  for (const run of sent) {
    if (run.runId === null) continue
    const entries = await load.redis.xrange(`${REDIS_PREFIX}${runStreamKey(run.runId)}`, "-", "+")
    const ids = entries.map(([id]) => id)
    events += ids.length
    const last = entries.at(-1)?.[1].join(" ") ?? ""
    const settledLast = /"run\.settled"/.test(last)
    if (!/"run\.settled"/.test(last)) problem(`run ${run.slot} (${run.runId}): its stream does not end with run.settled`)
    else if (!/"status":"completed"/.test(last)) {
      // The run's error code says why (worker_unavailable, workers_busy, runtime_exited, …).
      const code = entries.map(([, fields]) => /"code":"(\w+)"/.exec(fields.join(" "))?.[1]).find((found) => found !== undefined)
      problem(`run ${run.slot} (${run.runId}): settled as ${/"status":"(\w+)"/.exec(last)?.[1]}${code ? ` (${code})` : ""}`)
    }
    if (ids[0] !== undefined) firstAppendMs.push(parseStreamId(ids[0])[0] - run.sentAt)
    let firstAt = Infinity
    for (const [index, subscriber] of run.subscribers.entries()) {
      const who = `run ${run.slot} subscriber ${index} (web${subscriber.web})`
      if (subscriber.problem !== null) problem(`${who}: ${subscriber.problem}`)
      const withIds = subscriber.messages.filter((message) => message.id !== null)
      if (subscriber.messages.some((message) => message.event === "gap")) problem(`${who}: a gap (events trimmed before it read them)`)
      for (const why of subscriber.retries) reconnects[why] = (reconnects[why] ?? 0) + 1
      const got = withIds.map((message) => message.id!)
      const same = (want: readonly string[]) => got.length === want.length && got.every((id, position) => id === want[position])
      // The web may end a stream with `end` once the stored run is settled, before run.settled is
      // appended (a documented ending): counted apart, as only run.settled is missing then.
      const endedEarly = subscriber.messages.at(-1)?.event === "end" && settledLast && same(ids.slice(0, -1))
      if (endedEarly) endedBeforeSettled += 1
      else if (!same(ids)) problem(`${who}: ${describeMismatch(got, ids)}`)
      deliveries += withIds.length
      const first = subscriber.messages[0]
      if (first) firstAt = Math.min(firstAt, first.at)
      for (const message of withIds) {
        const appendedAt = parseStreamId(message.id!)[0]
        // Only events appended after this subscriber connected: a replayed entry waited for the connection, not the web.
        if (appendedAt >= subscriber.openedAt) delivery.push(message.at - appendedAt)
        if (message.type === "run.settled") lastSettledAt = Math.max(lastSettledAt, message.at)
      }
    }
    if (Number.isFinite(firstAt)) firstEventMs.push(firstAt - run.sentAt)
    if (Number.isFinite(firstAt) && ids[0] !== undefined) firstDeliveryMs.push(firstAt - parseStreamId(ids[0])[0])
    for (const subscriber of run.subscribers) if (subscriber.openedAt > 0) connectMs.push(subscriber.openedAt - run.answeredAt)
  }

  // ---- which worker ran each run
  const runIds = new Set(sent.flatMap((run) => (run.runId ? [run.runId] : [])))
  const runsPerWorker = load.cluster.workers.map(() => 0)
  const attributed = new Set<string>()
  load.cluster.workers.forEach((worker, index) => {
    const output = worker.process.output().slice(outputBefore[index] ?? 0)
    for (const match of output.matchAll(/"phase":"turn_completed","runId":"([a-z2-7]+)"/g)) {
      if (!runIds.has(match[1]!) || attributed.has(match[1]!)) continue
      attributed.add(match[1]!)
      runsPerWorker[index]! += 1
    }
  })

  const seconds = (lastSettledAt - started) / 1000
  return {
    round,
    kind,
    runs: runIds.size,
    subscribers: everySubscriber.length,
    seconds,
    runsPerSecond: runIds.size / seconds,
    firstEventMs: Float64Array.from(firstEventMs),
    firstAppendMs: Float64Array.from(firstAppendMs),
    sendMs: Float64Array.from(sent.map((run) => run.answeredAt - run.sentAt)),
    connectMs: Float64Array.from(connectMs),
    firstDeliveryMs: Float64Array.from(firstDeliveryMs),
    deliveryMs: Float64Array.from(delivery),
    events,
    deliveries,
    errors,
    problems,
    reconnects,
    endedBeforeSettled,
    runsPerWorker,
    unattributed: runIds.size - attributed.size,
  }
}

/** The first difference between what a subscriber got and the stream, in words. */
function describeMismatch(got: readonly string[], want: readonly string[]): string {
  const seen = new Set<string>()
  const duplicate = got.find((id) => (seen.has(id) ? true : (seen.add(id), false)))
  if (duplicate) return `event ${duplicate} received twice`
  const missing = want.filter((id) => !seen.has(id))
  if (missing.length > 0) return `${missing.length} of ${want.length} events lost (first ${missing[0]})`
  const extra = got.find((id) => !want.includes(id))
  if (extra) return `event ${extra} is not in the stream`
  return `events out of order (${got.length} received)`
}
