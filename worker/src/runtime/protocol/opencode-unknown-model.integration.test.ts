// The real OpenCode (1.18.33) asked for a model it does not have, against the fake model: the
// parser must tell the person which model and why, not "Unexpected server error". OpenCode
// prints only that generic error (with a ref) on stdout and exits 1; its reason reaches stderr
// under the same ref when it runs with OPENCODE_ERROR_LOG. Each line is parsed with the stderr
// there was when the line arrived, as the worker reads a turn.

import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { opencodeSetup, type OpencodeSetup } from "#tests/fixtures/fake-model/cli-env.ts"
import { startCli } from "#tests/fixtures/fake-model/cli-process.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { createOpencodeParser, OPENCODE_ERROR_LOG, opencodeLoggedErrors } from "./opencode-json.ts"

const TEST_TIMEOUT_MS = 90_000

let fake: FakeModel
beforeEach(async () => {
  fake = await startFakeModel()
})
afterEach(async () => {
  await fake.stop()
})

interface Turn {
  readonly events: readonly RunEvent[]
  readonly exit: number | string
  readonly stderr: string
}

/** One `opencode run --format json --model <model>` turn, its stdout parsed as the worker would. */
async function runTurn(model: string, env: Record<string, string>): Promise<Turn> {
  const setup: OpencodeSetup = opencodeSetup(fake.url, { extraEnv: env })
  onTestFinished(() => setup.dirs.remove())
  const run = startCli(setup, ["run", "--format", "json", "--model", model, "--", "Say hello"])
  onTestFinished(async () => {
    if (run.child.exitCode === null && run.child.signalCode === null) await run.killGroup(1_000)
  })
  // What the worker's stderr tail holds at the moment the error line is read.
  await run.waitForLine((line) => line["type"] === "error", "an error line", TEST_TIMEOUT_MS / 2)
  const stderrAtErrorLine = run.stderr()
  const exit = await run.exited()
  const parser = createOpencodeParser({ workdir: setup.dirs.workdir, model, stderr: () => stderrAtErrorLine })
  const lines = run.stdout().split("\n").filter((line) => line.trim() !== "")
  const events = lines.flatMap((line) => parser.parse(line).events).filter((event) => event.type !== "raw")
  return { events, exit, stderr: run.stderr() }
}

const errorsOf = (turn: Turn) => turn.events.filter((event) => event.type === "error")

describe("OpenCode asked for a model it does not have", () => {
  it("an unknown provider: names the model and OpenCode's reason, retryable", { timeout: TEST_TIMEOUT_MS }, async () => {
    const turn = await runTurn("foo/bar", OPENCODE_ERROR_LOG)
    expect(turn.exit).toBe(1)
    expect(errorsOf(turn)).toEqual([{
      type: "error",
      message: expect.stringMatching(/^Model foo\/bar is not available to OpenCode: Model not found: foo\/bar\./),
      retryable: true,
      code: "model_unavailable",
    }])
    expect(turn.events.at(-1)).toEqual({ type: "turn.completed", outcome: "failed" })
    expect(JSON.stringify(turn.events)).not.toMatch(/Unexpected server error/)
    // The same reason, one line, for the worker's log.
    expect(opencodeLoggedErrors(turn.stderr)).toEqual([expect.stringMatching(/^ProviderModelNotFoundError: Model not found: foo\/bar\..* \(ref err_\w+\)$/)])
  })

  it("a configured provider without that model id", { timeout: TEST_TIMEOUT_MS }, async () => {
    const turn = await runTurn("fake/nope", OPENCODE_ERROR_LOG)
    expect(turn.exit).toBe(1)
    expect(errorsOf(turn)).toEqual([{
      type: "error",
      message: "Model fake/nope is not available to OpenCode: Model not found: fake/nope.",
      retryable: true,
      code: "model_unavailable",
    }])
    // The fake model was never asked for the turn.
    expect(fake.scriptedRequests()).toEqual([])
  })

  it("without OPENCODE_ERROR_LOG OpenCode says nothing on stderr; the error still names the model and ref", { timeout: TEST_TIMEOUT_MS }, async () => {
    const turn = await runTurn("foo/bar", {})
    expect(turn.exit).toBe(1)
    expect(turn.stderr).toBe("")
    expect(errorsOf(turn)).toEqual([{
      type: "error",
      message: expect.stringMatching(/^OpenCode failed with an internal error it did not explain \(ref err_\w+\) while running model foo\/bar$/),
      retryable: true,
      code: "opencode_internal",
    }])
  })
})
