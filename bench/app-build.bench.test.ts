// What done_building's build costs over the bundler alone: the first build of a freshly scaffolded
// app through AppBuilds (dependency check, vite build and the typecheck side by side in the
// sandbox, dist/index.html, the source read and reported to a stand-in web) against `vite build`
// run directly on a copy of the template, both measured in this run, alternating, each on a fresh
// app. Prints the medians in seconds and the ratio (goal: ≤ 1.2). Asserts no timing: machines vary.
// Short mode by default (3 rounds); BENCH_ROUNDS=10 for a steadier figure; BENCH_SANDBOX=none
// measures without bubblewrap.

import { spawnSync } from "node:child_process"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Effect, ManagedRuntime } from "effect"
import { appBuildsLayer, buildSettings, scaffoldedApp, startFakeBuildWeb, type FakeBuildWeb } from "#tests/fixtures/app-builds.ts"
import { AppBuilds } from "#worker/src/build/AppBuilds.ts"
import { STEP_ARGS } from "#worker/src/build/build-step.ts"

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3)

let web: FakeBuildWeb
beforeAll(async () => {
  web = await startFakeBuildWeb()
})
afterAll(() => web?.close())

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

it(`the first build of a new app through AppBuilds against vite build alone (${ROUNDS} rounds each)`, { timeout: 60_000 + ROUNDS * 30_000 }, async () => {
  const settings = buildSettings(web.url, { SECOND_RUNTIME_SANDBOX: process.env["BENCH_SANDBOX"] ?? "auto" })
  const runtime = ManagedRuntime.make(appBuildsLayer(settings))
  const builds = await runtime.runPromise(Effect.gen(function* () {
    return yield* AppBuilds
  }))

  const throughAppBuilds = async (round: number) => {
    const appId = `bench-${round}`
    scaffoldedApp(settings, appId)
    const started = performance.now()
    const outcome = await runtime.runPromise(builds.build({ appId, runId: `run-${appId}`, workspaceId: "ws-bench", runtime: "claude", summary: "Bench." }))
    const took = performance.now() - started
    expect(outcome.ok, outcome.message).toBe(true)
    return took
  }
  const viteAlone = (round: number) => {
    const workdir = scaffoldedApp(settings, `alone-${round}`)
    const started = performance.now()
    const result = spawnSync(process.execPath, STEP_ARGS.build, { cwd: workdir, stdio: "ignore" })
    const took = performance.now() - started
    expect(result.status).toBe(0)
    return took
  }

  const viaBuilds: number[] = []
  const alone: number[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first, so neither side always runs on a warmer machine.
    if (round % 2 === 0) {
      viaBuilds.push(await throughAppBuilds(round))
      alone.push(viteAlone(round))
    } else {
      alone.push(viteAlone(round))
      viaBuilds.push(await throughAppBuilds(round))
    }
  }
  const [builds_, alone_] = [median(viaBuilds), median(alone)]
  console.log(
    `[bench] app build: AppBuilds ${(builds_ / 1000).toFixed(2)} s, vite build alone ${(alone_ / 1000).toFixed(2)} s, ratio ${(builds_ / alone_).toFixed(2)} (goal ≤ 1.2; ${ROUNDS} rounds, medians)`,
  )
  expect(viaBuilds).toHaveLength(ROUNDS)
  await runtime.dispose()
})
