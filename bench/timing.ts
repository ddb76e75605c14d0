// What the A-against-B benchmarks share: the alternating measurement, percentiles, and the lines
// they print. Nothing here asserts a time.

export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

export async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await call()
  return performance.now() - started
}

/**
 * `calls` timings of each, after `warmUp` untimed rounds, alternating which goes first so neither
 * side always runs on a warmer machine.
 */
export async function alternately(calls: number, warmUp: number, measured: () => Promise<unknown>, baseline: () => Promise<unknown>) {
  for (let index = 0; index < warmUp; index += 1) await Promise.all([measured(), baseline()])
  const times = { measured: [] as number[], baseline: [] as number[] }
  for (let index = 0; index < calls; index += 1) {
    if (index % 2 === 0) {
      times.measured.push(await timed(measured))
      times.baseline.push(await timed(baseline))
    } else {
      times.baseline.push(await timed(baseline))
      times.measured.push(await timed(measured))
    }
  }
  return times
}

/** p50/p95 of both sides, the overhead at each, the p50 ratio, and whether the p50 goal is met. */
export function overheadLines(sides: { readonly measured: readonly [string, readonly number[]]; readonly baseline: readonly [string, readonly number[]] }, goalMs: number): string[] {
  const [measuredName, measured] = sides.measured
  const [baselineName, baseline] = sides.baseline
  const width = Math.max(measuredName.length, baselineName.length, "overhead".length) + 2
  const row = (name: string, values: readonly number[]) => `${name.padEnd(width)} p50 ${percentile(values, 50).toFixed(2)} ms   p95 ${percentile(values, 95).toFixed(2)} ms`
  const overhead50 = percentile(measured, 50) - percentile(baseline, 50)
  const overhead95 = percentile(measured, 95) - percentile(baseline, 95)
  const ratio = percentile(measured, 50) / percentile(baseline, 50)
  return [
    row(measuredName, measured),
    row(baselineName, baseline),
    `${"overhead".padEnd(width)} p50 ${overhead50.toFixed(2)} ms   p95 ${overhead95.toFixed(2)} ms   ratio ${ratio.toFixed(2)}×   (goal: p50 ≤ ${goalMs} ms: ${overhead50 <= goalMs ? "met" : "NOT met"})`,
  ]
}
