// How much the worker adds before a person sees anything: the time from POST /messages to the
// first normalized event, against starting the same CLI directly with the same fake model, both
// measured in this run, alternating, each with a fresh process (a new app per worker turn).
// Prints the medians and the ratio (goal: ≤ 1.10). Asserts no timing: machines vary.
// Short mode by default (3 rounds); BENCH_ROUNDS=20 for a steadier figure.

import { mkdtempSync, rmSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadWorkerConfig } from "#worker/src/config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "#worker/src/main.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { claudeSetup, codexSetup, FAKE_API_KEY, opencodeSetup, testHomesRoot, type CliSetup } from "#tests/fixtures/fake-model/cli-env.ts"
import { startCli } from "#tests/fixtures/fake-model/cli-process.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3)
const token = "bench-internal-token-0123456789abcdef"
const MODELS: Readonly<Record<RuntimeId, string>> = { claude: "claude-opus-4-8", codex: "gpt-5.5", opencode: "openai/fake-model" }

let fake: FakeModel
let worker: RunningWorker
let root: string

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "bench-"))
  worker = await startWorker(
    loadWorkerConfig({
      PORT: "0",
      INTERNAL_API_TOKEN: token,
      SECOND_WORKSPACES_DIR: root,
      ANTHROPIC_BASE_URL: fake.url,
      OPENAI_BASE_URL: `${fake.url}/v1`,
      ANTHROPIC_API_KEY: FAKE_API_KEY,
      OPENAI_API_KEY: FAKE_API_KEY,
      SECOND_CODEX_APP_SERVER_WARM: "0",
      // BENCH_SANDBOX=none measures without bubblewrap, to see what the sandbox costs.
      SECOND_RUNTIME_SANDBOX: process.env["BENCH_SANDBOX"] ?? "auto",
    }),
  )
}, 120_000)

afterAll(async () => {
  await worker?.close()
  await fake?.stop()
  rmSync(root, { recursive: true, force: true })
})

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Milliseconds from the request to the first event line of the worker's answer. */
async function viaWorker(runtime: RuntimeId, round: number): Promise<number> {
  const started = performance.now()
  const response = await fetch(new URL(`/sessions/bench-${runtime}-${round}/messages`, worker.url), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "Say hello", runtime, runId: `bench-${runtime}-${round}`, model: MODELS[runtime] }),
  })
  const reader = response.body!.getReader()
  let text = ""
  let first: number | null = null
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += new TextDecoder().decode(chunk.value)
    if (first === null && text.includes("\n")) first = performance.now() - started
  }
  if (first === null) throw new Error(`no event from the worker: ${text}`)
  return first
}

/** Milliseconds from spawning the CLI to its first JSON line, with the same fake model. */
async function direct(runtime: RuntimeId): Promise<number> {
  let setup: CliSetup
  let args: string[]
  if (runtime === "claude") {
    // The same configuration the worker gives Claude: its env scrub (and sandbox bridges) on.
    const claude = claudeSetup(fake.url, { extraEnv: { CLAUDE_CODE_SUBPROCESS_ENV_SCRUB: "1" } })
    setup = claude
    args = claude.oneShotArgs("Say hello")
  } else if (runtime === "codex") {
    const codex = codexSetup(fake.url)
    setup = codex
    args = codex.execArgs("Say hello")
  } else {
    const opencode = opencodeSetup(fake.url)
    setup = opencode
    args = opencode.runArgs("Say hello")
  }
  try {
    const started = performance.now()
    const run = startCli(setup, args)
    await run.waitForLine(() => true, "the first JSON line")
    const elapsed = performance.now() - started
    await run.exited()
    return elapsed
  } finally {
    setup.dirs.remove()
  }
}

describe("first event latency", () => {
  it.each(["claude", "codex", "opencode"] as const)("%s: worker against the CLI alone", async (runtime) => {
    const worker: number[] = []
    const alone: number[] = []
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate, so a busy moment on the machine does not favour either side.
      fake.script([{ kind: "text", text: "hello" }])
      alone.push(await direct(runtime))
      fake.script([{ kind: "text", text: "hello" }])
      worker.push(await viaWorker(runtime, round))
    }
    const [viaWorkerMs, aloneMs] = [median(worker), median(alone)]
    console.log(
      `[bench] ${runtime.padEnd(8)} first event: worker ${viaWorkerMs.toFixed(0)} ms, CLI alone ${aloneMs.toFixed(0)} ms, ratio ${(viaWorkerMs / aloneMs).toFixed(2)} (goal ≤ 1.10; ${ROUNDS} rounds, medians)`,
    )
    expect(Number.isFinite(viaWorkerMs / aloneMs)).toBe(true)
  }, 300_000)
})
