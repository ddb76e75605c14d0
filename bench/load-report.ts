// What the load bench and the soak print: percentiles, the bench's one table, the soak's row per
// sample, and the soak's verdict (growth after warm-up per process, leaked processes, Redis).

import { loadavg } from "node:os"
import type { ProcessSample, RedisSample } from "./load-cluster.ts"
import type { RoundResult } from "./load-round.ts"

export const percentile = (values: Float64Array, p: number): number => {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
}

const concat = (arrays: readonly Float64Array[]) => {
  const out = new Float64Array(arrays.reduce((sum, array) => sum + array.length, 0))
  let at = 0
  for (const array of arrays) {
    out.set(array, at)
    at += array.length
  }
  return out
}

export const num = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "—"
const mb = (kb: number) => num(kb / 1024, 0)
export const load = () => loadavg().map((value) => value.toFixed(2)).join(" ")

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)))
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n")
}

// ---------------------------------------------------------------- the bench's table

/** "3 (status 408: 2, the stream ended before run.settled: 1)", or "0". */
export function describeCounts(counts: ReadonlyArray<Readonly<Record<string, number>>>): string {
  const total: Record<string, number> = {}
  for (const each of counts) for (const [why, count] of Object.entries(each)) total[why] = (total[why] ?? 0) + count
  const sum = Object.values(total).reduce((all, count) => all + count, 0)
  return sum === 0 ? "0" : `${sum} (${Object.entries(total).map(([why, count]) => `${why}: ${count}`).join(", ")})`
}

export interface BenchReport {
  readonly title: string
  readonly rounds: readonly RoundResult[]
  readonly start: readonly ProcessSample[]
  readonly end: readonly ProcessSample[]
}

export function benchTable({ title, rounds, start, end }: BenchReport): string {
  const first = concat(rounds.map((round) => round.firstEventMs))
  const append = concat(rounds.map((round) => round.firstAppendMs))
  const send = concat(rounds.map((round) => round.sendMs))
  const connect = concat(rounds.map((round) => round.connectMs))
  const firstDelivery = concat(rounds.map((round) => round.firstDeliveryMs))
  const delivery = concat(rounds.map((round) => round.deliveryMs))
  const sum = (pick: (round: RoundResult) => number) => rounds.reduce((total, round) => total + pick(round), 0)
  const perWorker = rounds[0]!.runsPerWorker.map((_, index) => sum((round) => round.runsPerWorker[index] ?? 0))
  const unattributed = sum((round) => round.unattributed)
  const rows: string[][] = [
    ["measure", "value"],
    ["runs (rounds)", `${sum((round) => round.runs)} (${rounds.length})`],
    ["subscribers per round", num(rounds[0]!.subscribers)],
    ["runs/s (send of the first → run.settled of the last)", rounds.map((round) => num(round.runsPerSecond, 2)).join(" / ")],
    ["send → first event p50 / p99 ms", `${num(percentile(first, 0.5))} / ${num(percentile(first, 0.99))}`],
    ["  send answered p50 / p99 ms", `${num(percentile(send, 0.5))} / ${num(percentile(send, 0.99))}`],
    ["  stream opened after the answer p50 / p99 ms", `${num(percentile(connect, 0.5))} / ${num(percentile(connect, 0.99))}`],
    ["  send → first append (worker) p50 / p99 ms", `${num(percentile(append, 0.5))} / ${num(percentile(append, 0.99))}`],
    ["  first append → first receipt p50 / p99 ms", `${num(percentile(firstDelivery, 0.5))} / ${num(percentile(firstDelivery, 0.99))}`],
    ["delivery (append → receipt) p50 / p99 ms", `${num(percentile(delivery, 0.5), 1)} / ${num(percentile(delivery, 0.99), 1)}`],
    ["events appended / delivered", `${num(sum((round) => round.events))} / ${num(sum((round) => round.deliveries))}`],
    ["errors (goal 0)", num(sum((round) => round.errors))],
    ["stream reconnects (nothing lost)", describeCounts(rounds.map((round) => round.reconnects))],
    ["streams ended by `end` before run.settled", num(sum((round) => round.endedBeforeSettled))],
    ["runs per worker", perWorker.join(" / ") + (unattributed ? ` (+${unattributed} unattributed)` : "")],
  ]
  for (const before of start) {
    const after = end.find((sample) => sample.name === before.name)
    rows.push([`RSS MB ${before.name} start → end`, `${mb(before.rssKb)} → ${after ? mb(after.rssKb) : "—"}`])
  }
  return `${title}\n${table(rows)}`
}

// ---------------------------------------------------------------- the soak

export interface SoakSample {
  readonly round: RoundResult
  readonly processes: readonly ProcessSample[]
  /** Processes still below each worker once the round ended and its sessions idled out. */
  readonly leaked: readonly ProcessSample["children"][number][]
  readonly redis: RedisSample
  readonly at: number
}

export function soakHeader(names: readonly string[]): string[] {
  return ["round", "kind", "s", "runs/s", "p99 first ms", "p99 deliv ms", "errors", "reconn", "end<settled", "per worker", ...names.map((name) => `${name} MB/fds`), "leaked", "redis MB", "streams", "entries"]
}

/** A row padded to the header's widths (at least 8), so rows printed one at a time line up under it. */
export function alignedRow(header: readonly string[], row: readonly string[]): string {
  return row.map((cell, column) => (column === 0 ? cell.padEnd(Math.max(8, header[0]!.length)) : cell.padStart(Math.max(8, header[column]!.length)))).join("  ")
}

export function soakRow(sample: SoakSample): string[] {
  const { round, redis } = sample
  return [
    String(round.round),
    round.kind,
    num(round.seconds, 1),
    num(round.runsPerSecond, 2),
    num(percentile(round.firstEventMs, 0.99)),
    num(percentile(round.deliveryMs, 0.99), 1),
    String(round.errors),
    String(Object.values(round.reconnects).reduce((sum, count) => sum + count, 0)),
    String(round.endedBeforeSettled),
    round.runsPerWorker.join("/"),
    ...sample.processes.map((process) => `${mb(process.rssKb)}/${process.fds}`),
    String(sample.leaked.length),
    num(redis.usedMemory / 1024 / 1024, 1),
    num(redis.streams),
    num(redis.streamEntries),
  ]
}

export interface SoakVerdict {
  readonly ok: boolean
  readonly text: string
}

const GROWTH_LIMIT = 0.1

/**
 * Growth after warm-up: the median of the last three samples against the sample that ended the
 * warm-up, per process, for RSS and descriptors (medians, because a node process's RSS moves with
 * its garbage collector from one sample to the next). Redis is bounded when its memory per
 * retained stream entry stays flat (the streams themselves are capped at RUN_STREAM_MAX_LENGTH and
 * expire after the run ends), no ended stream lacks an expiry, and no key without expiry multiplies.
 */
export function soakVerdict(samples: readonly SoakSample[], warmUpRounds: number): SoakVerdict {
  const base = samples[warmUpRounds - 1]
  const tail = samples.slice(Math.max(warmUpRounds, samples.length - 3))
  if (!base || tail.length === 0) return { ok: false, text: `too few rounds for a verdict: ${samples.length} (warm-up ${warmUpRounds}, then at least one)` }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const rows: string[][] = [["after warm-up", "at warm-up", "now (median of last 3)", "growth", "limit", "verdict"]]
  let ok = true
  const judge = (what: string, before: number, after: number, limit = GROWTH_LIMIT, show = (value: number) => num(value)) => {
    const growth = before > 0 ? after / before - 1 : after > 0 ? Infinity : 0
    const met = growth <= limit
    ok &&= met
    rows.push([what, show(before), show(after), `${num(growth * 100, 1)} %`, `≤ ${num(limit * 100)} %`, met ? "ok" : "GREW"])
  }
  for (const process of base.processes) {
    const later = tail.map((sample) => sample.processes.find((each) => each.name === process.name)!)
    const rss = median(later.map((each) => each.rssKb))
    // Redis holds every run stream for an hour after its run ends, so within a soak shorter than
    // that its RSS grows with the runs by design: it is judged by memory per retained entry below.
    if (process.name === "redis") rows.push([`redis RSS MB (information: streams are kept 1 h)`, num(process.rssKb / 1024, 1), num(rss / 1024, 1), "", "", ""])
    else judge(`${process.name} RSS MB`, process.rssKb, rss, GROWTH_LIMIT, (kb) => num(kb / 1024, 1))
    judge(`${process.name} open fds`, process.fds, median(later.map((each) => each.fds)))
  }
  // Information: the streams are kept an hour after their run ends, so Redis grows with the runs of the last hour, by design.
  const lastRedis = samples.at(-1)!.redis
  rows.push(["redis used_memory MB (information)", num(base.redis.usedMemory / 1048576, 1), num(lastRedis.usedMemory / 1048576, 1), "", "", ""])
  rows.push(["redis keys / run streams / entries (information)", `${base.redis.keys}/${base.redis.streams}/${base.redis.streamEntries}`, `${lastRedis.keys}/${lastRedis.streams}/${lastRedis.streamEntries}`, "", "", ""])
  const perEntry = (sample: SoakSample) => sample.redis.usedMemory / Math.max(1, sample.redis.streamEntries)
  judge("redis bytes per retained stream entry", perEntry(base), median(tail.map(perEntry)))
  // A leaked process is seen again after every later round: count each once.
  const leaked = new Set(samples.flatMap((sample) => sample.leaked.map((child) => child.pid))).size
  ok &&= leaked === 0
  rows.push(["leaked processes (every round)", "", String(leaked), "", "0", leaked === 0 ? "ok" : "LEAKED"])
  const unexpiring = samples.at(-1)!.redis.endedStreamsWithoutTtl
  ok &&= unexpiring === 0
  rows.push(["ended run streams without expiry", "", String(unexpiring), "", "0", unexpiring === 0 ? "ok" : "UNBOUNDED"])
  const last = samples.at(-1)!.redis
  rows.push(["longest run stream (entries)", "", num(last.longestStream), "", "≤ 20,000", last.longestStream <= 20_000 ? "ok" : "UNBOUNDED"])
  // Keys that never expire must not multiply with the rounds (a fixed set is fine: registries, config).
  for (const [shape, count] of Object.entries(last.persistentByShape)) {
    const before = base.redis.persistentByShape[shape] ?? 0
    const grew = count > Math.max(before, 1) * (1 + GROWTH_LIMIT) && count - before > 2
    ok &&= !grew
    rows.push([`keys without expiry: ${shape}`, num(before), num(count), "", "flat", grew ? "GREW" : "ok"])
  }
  const leaks = samples.flatMap((sample) => sample.leaked.map((child) => `round ${sample.round.round}: ${child.command} (${child.pid})`)).slice(0, 10)
  return { ok, text: `${table(rows)}${leaks.length ? `\nleaked: ${leaks.join(", ")}` : ""}\nverdict: ${ok ? "FLAT" : "NOT FLAT"}` }
}
