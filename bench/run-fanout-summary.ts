// The results of bench/run-fanout.bench.test.ts and the table it prints at the end: each figure
// for ours and the baseline, their ratio, and each goal as met / NOT MET.

import { loadavg } from "node:os"
import type { ServerMode } from "./run-fanout-server.ts"
import { CLIENT_KIND } from "./sse-load-client.ts"

export const GOAL = { throughputRatio: 0.8, p99Ms: 25, catchUpMs: 200, idleBytes: 64 * 1024 }
// Against the baseline in the same run (issue 18: how many subscribers one web holds decides how
// many webs a deployment needs): steady p99 latency, server CPU per delivered event, and memory
// per idle subscriber, absolute.
export const VS_BASELINE = { p99Ratio: 1.2, cpuRatio: 1.15, idleBytes: 12 * 1024 }

export interface FanOutRound {
  /** append → arrival in the server process (ours: the hub's fan-out; baseline: its XREAD reply) */
  readonly serverP50: number
  readonly serverP99: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly eventsPerSecond: number
  readonly cpuMsPer1000: number
}
export const fanOut: Record<"steady" | "burst", Record<ServerMode, FanOutRound[]>> = {
  steady: { ours: [], baseline: [] },
  burst: { ours: [], baseline: [] },
}
export const catchUps: Record<ServerMode, number[]> = { ours: [], baseline: [] }
export const idle: Partial<Record<ServerMode, { heap: number; rss: number; connections: number[] }>> = {}


export const sortedMedian = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** How the run was made, for the labels. */
export interface SummarySettings {
  readonly RATE: number
  readonly BURST_EVENTS: number
  readonly CATCH_UP_EVENTS: number
  readonly IDLE: number
  readonly SUBSCRIBERS: number
  readonly STEADY_EVENTS: number
  readonly STEADY_ROUNDS: number
  /** "short", or "long: N rounds" */
  readonly MODE: string
}

export function printSummary(settings: SummarySettings) {
  const { RATE, BURST_EVENTS, CATCH_UP_EVENTS, IDLE, SUBSCRIBERS, STEADY_EVENTS, STEADY_ROUNDS, MODE } = settings
  const rows: string[][] = []
  const num = (value: number | undefined, digits = 1) =>
    value === undefined || !Number.isFinite(value) ? "—" : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
  const status = (met: boolean | undefined) => (met === undefined ? "" : met ? "met" : "NOT MET")
  const med = (mode: ServerMode, kind: "steady" | "burst", field: keyof FanOutRound) =>
    fanOut[kind][mode].length ? sortedMedian(fanOut[kind][mode].map((round) => round[field])) : undefined
  const row = (what: string, ours: number | undefined, baseline: number | undefined, goal: string, met: boolean | undefined, digits = 1, ratio = true) =>
    rows.push([what, num(ours, digits), num(baseline, digits), ratio && ours !== undefined && baseline !== undefined && ours > 0 && baseline > 0 ? (ours / baseline).toFixed(2) : "—", goal, status(met)])

  for (const kind of ["steady", "burst"] as const) {
    const label = kind === "steady" ? `steady ${RATE}/s` : `burst ${BURST_EVENTS.toLocaleString("en-US")}`
    if (kind === "steady") {
      const [p50, p99] = [med("ours", kind, "p50"), med("ours", kind, "p99")]
      row(`fan-out ${label}: p50 latency ms`, p50, med("baseline", kind, "p50"), "", undefined, 2)
      row(`fan-out ${label}: p99 latency ms`, p99, med("baseline", kind, "p99"), `≤ ${GOAL.p99Ms} ms`, p99 === undefined ? undefined : p99 <= GOAL.p99Ms, 2)
      row(`fan-out ${label}: max latency ms`, med("ours", kind, "max"), med("baseline", kind, "max"), "", undefined, 2)
      row(`  of which append→server p99 ms`, med("ours", kind, "serverP99"), med("baseline", kind, "serverP99"), "", undefined, 2)
    }
    const [ours, baseline] = [med("ours", kind, "eventsPerSecond"), med("baseline", kind, "eventsPerSecond")]
    row(`fan-out ${label}: delivered events/s`, ours, baseline, `≥ ${GOAL.throughputRatio} × baseline`, ours === undefined || !baseline ? undefined : ours / baseline >= GOAL.throughputRatio, 0)
    row(`fan-out ${label}: server CPU ms / 1000 deliveries`, med("ours", kind, "cpuMsPer1000"), med("baseline", kind, "cpuMsPer1000"), "", undefined, 2)
  }
  if (catchUps.ours.length) {
    const ours = sortedMedian(catchUps.ours)
    row(`catch-up ${CATCH_UP_EVENTS.toLocaleString("en-US")} events: ms to terminal`, ours, sortedMedian(catchUps.baseline), `≤ ${GOAL.catchUpMs} ms`, ours <= GOAL.catchUpMs, 1)
  }
  if (idle.ours) {
    row(`idle subscriber (${IDLE}): heap+external KB`, idle.ours.heap / 1024, idle.baseline && idle.baseline.heap / 1024, `≤ ${GOAL.idleBytes / 1024} KB`, idle.ours.heap <= GOAL.idleBytes, 1)
    row(`idle subscriber (${IDLE}): RSS KB (noisy)`, idle.ours.rss / 1024, idle.baseline && idle.baseline.rss / 1024, "", undefined, 1, false)
    const show = (connections: number[] | undefined) => connections?.join("/") ?? "—"
    const constant = idle.ours.connections[1] === idle.ours.connections[2]
    rows.push([`Redis connections at 0/100/${IDLE} subscribers`, show(idle.ours.connections), show(idle.baseline?.connections), "", "constant", status(constant)])
  }
  // The goals against the baseline, each on its own line after the measurements they come from.
  if (fanOut.steady.ours.length && fanOut.steady.baseline.length) {
    const label = `steady ${RATE}/s`
    const ratioGoal = (what: string, field: "p99" | "cpuMsPer1000", goal: number) => {
      const [ours, baseline] = [med("ours", "steady", field)!, med("baseline", "steady", field)!]
      rows.push([`goal: ${what}`, num(ours, 2), num(baseline, 2), (ours / baseline).toFixed(2), `≤ ${goal} × baseline`, status(ours / baseline <= goal)])
    }
    ratioGoal(`fan-out ${label} p99 latency ms`, "p99", VS_BASELINE.p99Ratio)
    ratioGoal(`fan-out ${label} server CPU ms / 1000 deliveries`, "cpuMsPer1000", VS_BASELINE.cpuRatio)
  }
  if (idle.ours) {
    const [ours, baseline] = [idle.ours.heap, idle.baseline?.heap]
    rows.push([
      `goal: idle subscriber (${IDLE}) heap+external KB`,
      num(ours / 1024),
      num(baseline === undefined ? undefined : baseline / 1024),
      baseline ? (ours / baseline).toFixed(2) : "—",
      `≤ ${VS_BASELINE.idleBytes / 1024} KB`,
      status(ours <= VS_BASELINE.idleBytes),
    ])
  }
  if (rows.length === 0) return
  const header = ["", "ours", "baseline", "ratio", "goal", "status"]
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((cells) => cells[column]!.length)))
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")
  console.log(
    [
      `[bench] run fan-out (${MODE}; ${SUBSCRIBERS} subscribers, ${STEADY_EVENTS} events at ${RATE}/s per steady round, ${STEADY_ROUNDS} rounds; medians of rounds; clients: ${CLIENT_KIND}; load average ${loadavg()[0]!.toFixed(1)})`,
      line(header),
      ...rows.map(line),
    ].join("\n[bench] "),
  )
}
