// OpenCode stopped in the middle of a turn (here at an approval stop: its plan returned, and it was
// already asking the model for more) must not hold up the next message. A stopped process leaves
// OpenCode's file lock behind, and the next `opencode run` would wait a minute for it to go stale;
// the adapter clears it once the process is gone. Real OpenCode against the fake model, through a
// real worker and its MCP broker.

import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { loadWorkerConfig } from "../../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../../main.ts"

const token = "opencode-adapter-internal-token-0123456789"
const PLAN = { title: "Lunch spots", overview: "A list of places.", features: [{ name: "List", description: "Shows the places." }], dataFlow: "Kept in the app." }
let fake: FakeModel
let root: string
let worker: RunningWorker

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "opencode-adapter-"))
  worker = await startWorker(
    loadWorkerConfig({
      PORT: "0",
      INTERNAL_API_TOKEN: token,
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_API_KEY: FAKE_API_KEY,
      SECOND_WORKSPACES_DIR: join(root, "workspaces"),
    }),
  )
}, 60_000)

afterAll(async () => {
  await worker?.close()
  await fake?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

const turn = async (runId: string): Promise<RunEvent[]> => {
  const response = await fetch(new URL("/sessions/opencode-locks/messages", worker.url), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: `message ${runId}`, runtime: "opencode", runId }),
  })
  expect(response.status).toBe(200)
  return (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as RunEvent)
}

it("leaves no lock behind when its turn is stopped mid-way, so the next message is answered at once", { timeout: 120_000 }, async () => {
  // The plan ends the turn; OpenCode is already asking for the next step when it is stopped.
  fake.script([{ kind: "toolCalls", calls: [{ kind: "named", name: /present_plan/, input: PLAN }] }, { kind: "slowText", chunks: ["still ", "going"], delayMs: 5_000 }])
  const stopped = await turn("locks-1")
  expect(stopped.filter((event) => event.type === "tool.started").map((event) => event.type === "tool.started" && event.name)).toEqual(["second.present_plan"])
  expect(stopped.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
  const locks = join(root, "workspaces/homes/opencode-locks/opencode/home/.local/state/opencode/locks")
  expect(existsSync(locks) ? readdirSync(locks) : []).toEqual([])

  fake.clearScript()
  fake.script([{ kind: "text", text: "Next." }])
  const next = await turn("locks-2")
  expect(next.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
  expect(next).toContainEqual({ type: "text.delta", text: "Next." })
})
