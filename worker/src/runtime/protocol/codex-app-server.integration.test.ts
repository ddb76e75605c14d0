// The Codex protocol modules against the REAL `codex app-server` (node_modules/.bin/codex, pinned
// 0.171.0) talking to the fake model: login over JSON-RPC (no key in the environment), a text
// turn, a turn that writes a file, a second turn, resuming a thread from a new process (and
// falling back when the thread is unknown), approval requests declined by the worker, and
// interrupting a turn that hangs. Each app-server runs in its own process group; teardown kills
// the group and whatever of its tree is left.

import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { codexSetup, type CodexSetup } from "#tests/fixtures/fake-model/cli-env.ts"
import { processTree, stillRunning } from "#tests/fixtures/fake-model/cli-process.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import {
  codexServerRequestHandler, createCodexEventMapper, interruptCodexTurn, openCodexThread, startCodexSession, startCodexTurn,
  type CodexSessionOptions,
} from "./codex-app-server.ts"
import { CodexRpc } from "./codex-rpc.ts"

const TEST_TIMEOUT_MS = 90_000
const WAIT_MS = 45_000
/** Given by account/login/start only: the fake model records the key each request presents. */
const LOGIN_KEY = "sk-integration-login-key"

let fake: FakeModel
beforeEach(async () => {
  fake = await startFakeModel()
})
afterEach(async () => {
  await fake.stop()
})

function freshSetup(): CodexSetup {
  const setup = codexSetup(fake.url, { auth: "login" })
  onTestFinished(() => setup.dirs.remove())
  return setup
}

const sessionOptions = (setup: CodexSetup, instructions: string | null = null): CodexSessionOptions => ({
  cwd: setup.dirs.workdir, model: null, instructions, sandbox: "workspace-write", approvals: "decline",
})

interface AppServer {
  readonly rpc: CodexRpc
  /** Every RunEvent mapped so far, in order. */
  readonly events: RunEvent[]
  /** Methods of the server requests the worker answered. */
  readonly serverRequests: string[]
  /** Resolves with the events of the `count`-th ended turn of this process (1-based). */
  turnEnded(count: number): Promise<RunEvent[]>
  /** Logs in and opens (or resumes) a thread; resolves with its id. */
  open(resumeThreadId?: string | null, instructions?: string | null): Promise<string>
  /** Closes stdin and waits for a clean exit, as the worker ends a session. */
  close(): Promise<number | null>
}

/** `codex app-server` in a process group of its own, wired to CodexRpc and the event mapper. */
function startAppServer(setup: CodexSetup): AppServer {
  const child = spawn(setup.command, setup.appServerArgs(), { cwd: setup.dirs.workdir, env: setup.env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"], detached: true })
  const pid = child.pid!
  let stderr = ""
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
  child.stdin.on("error", () => undefined)
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  let exited = false
  const events: RunEvent[] = []
  const serverRequests: string[] = []
  const turnEnds: number[] = [] // index into events after each ended turn
  const listeners = new Set<() => void>()
  const changed = () => {
    for (const listener of [...listeners]) listener()
  }
  const mapper = createCodexEventMapper({ workdir: setup.dirs.workdir })
  const rpc = new CodexRpc(
    { write: (line) => void child.stdin.write(`${line}\n`) },
    {
      onServerRequest(method, params) {
        serverRequests.push(method)
        return codexServerRequestHandler(method, params)
      },
      onNotification(method, params) {
        const mapped = mapper.map(method, params)
        events.push(...mapped.events)
        if (mapped.turnEnded) turnEnds.push(events.length)
        changed()
      },
    },
  )
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => rpc.handleLine(line))
  void exit.then((code) => {
    exited = true
    rpc.close(`codex app-server exited with ${code}`)
    changed()
  })

  let snapshot = processTree(pid)
  onTestFinished(async () => {
    snapshot = [...snapshot, ...processTree(pid)]
    try {
      process.kill(-pid, "SIGTERM")
    } catch {
      // The group is already gone.
    }
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 5_000).unref())])
    for (const info of stillRunning(snapshot)) process.kill(info.pid, "SIGKILL")
    try {
      process.kill(-pid, "SIGKILL")
    } catch {
      // Empty, as it should be.
    }
  })

  const turnEnded = (count: number) =>
    new Promise<RunEvent[]>((resolve, reject) => {
      const check = () => {
        if (turnEnds.length >= count) {
          cleanup()
          resolve(events.slice(turnEnds[count - 2] ?? 0, turnEnds[count - 1]))
        } else if (exited) {
          cleanup()
          reject(new Error(`codex app-server exited before turn ${count} ended.\nevents: ${JSON.stringify(events)}\nstderr:\n${stderr}`))
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`turn ${count} did not end within ${WAIT_MS} ms.\nevents: ${JSON.stringify(events)}\nstderr:\n${stderr}`))
      }, WAIT_MS)
      const cleanup = () => {
        clearTimeout(timer)
        listeners.delete(check)
      }
      listeners.add(check)
      check()
    })

  return {
    rpc,
    events,
    serverRequests,
    turnEnded,
    async open(resumeThreadId = null, instructions = null) {
      await Effect.runPromise(startCodexSession(rpc, { apiKey: LOGIN_KEY, clientVersion: "0.0.0-test" }))
      return Effect.runPromise(openCodexThread(rpc, { ...sessionOptions(setup, instructions), resumeThreadId }))
    },
    async close() {
      child.stdin.end()
      return exit
    },
  }
}

const textOf = (events: readonly RunEvent[]) => events.flatMap((event) => (event.type === "text.delta" ? [event.text] : [])).join("")
const outcomeOf = (events: readonly RunEvent[]) => events.flatMap((event) => (event.type === "turn.completed" ? [event.outcome] : []))
const bodyText = (index: number) => JSON.stringify(fake.scriptedRequests()[index]?.body)

describe("codex app-server through CodexRpc and the event mapper", () => {
  it("streams the scripted text of a turn and ends it, with the key from the login and the instructions", { timeout: TEST_TIMEOUT_MS }, async () => {
    const setup = freshSetup()
    fake.script([{ kind: "text", text: "Hello from the fake model" }])
    const server = startAppServer(setup)
    const threadId = await server.open(null, "Always answer in one line.")
    await Effect.runPromise(startCodexTurn(server.rpc, threadId, { text: "Say hello" }, sessionOptions(setup)))
    const events = await server.turnEnded(1)

    expect(events[0]).toEqual({ type: "session.started", runtime: "codex", sessionId: threadId, model: "gpt-5.5" })
    expect(textOf(events)).toBe("Hello from the fake model")
    expect(events.filter((event) => event.type === "usage")).toHaveLength(1)
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
    const [request] = fake.scriptedRequests()
    expect(request).toMatchObject({ lastUserText: "Say hello", apiKey: LOGIN_KEY })
    expect(bodyText(0)).toContain("Always answer in one line.")
    expect(setup.env).not.toHaveProperty("FAKE_MODEL_API_KEY")
    expect(await server.close()).toBe(0)
  })

  it("writes a file with approvals policy never and reports file.changed", { timeout: TEST_TIMEOUT_MS }, async () => {
    const setup = freshSetup()
    fake.script([{ kind: "writeFile", path: "hello.txt", content: "hello from the fake model\n", then: "Written." }])
    const server = startAppServer(setup)
    const threadId = await server.open()
    await Effect.runPromise(startCodexTurn(server.rpc, threadId, { text: "Create hello.txt" }, sessionOptions(setup)))
    const events = await server.turnEnded(1)

    expect(readFileSync(join(setup.dirs.workdir, "hello.txt"), "utf8")).toBe("hello from the fake model\n")
    const patch = events.find((event) => event.type === "tool.started")
    expect(patch).toMatchObject({ name: "apply_patch", input: { changes: [{ path: "hello.txt", kind: "add" }] } })
    expect(events).toContainEqual({ type: "tool.result", callId: (patch as { callId: string }).callId, output: "A hello.txt", isError: false })
    expect(events).toContainEqual({ type: "file.changed", path: "hello.txt", change: "created" })
    expect(textOf(events)).toBe("Written.")
    expect(outcomeOf(events)).toEqual(["completed"])
    expect(server.serverRequests).toEqual([])
  })

  it("runs a second turn on the same thread with the first in its history", { timeout: TEST_TIMEOUT_MS }, async () => {
    const setup = freshSetup()
    fake.script([{ kind: "text", text: "First answer" }, { kind: "text", text: "Second answer" }])
    const server = startAppServer(setup)
    const threadId = await server.open()
    await Effect.runPromise(startCodexTurn(server.rpc, threadId, { text: "First question" }, sessionOptions(setup)))
    expect(textOf(await server.turnEnded(1))).toBe("First answer")
    await Effect.runPromise(startCodexTurn(server.rpc, threadId, { text: "Second question" }, sessionOptions(setup)))
    const second = await server.turnEnded(2)

    expect(textOf(second)).toBe("Second answer")
    expect(outcomeOf(second)).toEqual(["completed"])
    expect(second.some((event) => event.type === "session.started")).toBe(false)
    expect(fake.scriptedRequests()[1]!.lastUserText).toBe("Second question")
    expect(bodyText(1)).toContain("First answer")
  })

  it("resumes a thread from a new app-server process, and opens a new thread for an unknown id", { timeout: TEST_TIMEOUT_MS }, async () => {
    const setup = freshSetup()
    fake.script([{ kind: "text", text: "Remember the word teapot" }, { kind: "text", text: "It was teapot" }, { kind: "text", text: "Fresh start" }])
    const first = startAppServer(setup)
    const threadId = await first.open()
    await Effect.runPromise(startCodexTurn(first.rpc, threadId, { text: "Pick a word" }, sessionOptions(setup)))
    await first.turnEnded(1)
    expect(await first.close()).toBe(0)

    const second = startAppServer(setup)
    expect(await second.open(threadId)).toBe(threadId)
    await Effect.runPromise(startCodexTurn(second.rpc, threadId, { text: "Which word?" }, sessionOptions(setup)))
    const resumed = await second.turnEnded(1)
    // No thread/started after a resume: the session is announced by the turn, with the same id.
    expect(resumed[0]).toEqual({ type: "session.started", runtime: "codex", sessionId: threadId, model: null })
    expect(textOf(resumed)).toBe("It was teapot")
    expect(bodyText(1)).toContain("Remember the word teapot")
    // The usage a resume replays from the earlier turn is not counted again.
    expect(resumed.filter((event) => event.type === "usage")).toEqual([{ type: "usage", inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: null }])

    const unknown = "01a21fe0-0000-7000-8000-000000000000"
    const fresh = await Effect.runPromise(openCodexThread(second.rpc, { ...sessionOptions(setup), resumeThreadId: unknown }))
    expect(fresh).not.toBe(unknown)
    expect(fresh).not.toBe(threadId)
    await Effect.runPromise(startCodexTurn(second.rpc, fresh, { text: "Hello again" }, sessionOptions(setup)))
    const freshEvents = await second.turnEnded(2)
    expect(freshEvents[0]).toEqual({ type: "session.started", runtime: "codex", sessionId: fresh, model: "gpt-5.5" })
    expect(textOf(freshEvents)).toBe("Fresh start")
    expect(bodyText(2)).not.toContain("teapot")
  })

  it("declines approval requests: nothing is written and the tool results say declined", { timeout: TEST_TIMEOUT_MS }, async () => {
    const setup = freshSetup()
    fake.script([{ kind: "writeFile", path: "hello.txt", content: "should not exist\n" }, { kind: "shell", command: "echo canary > out.txt", then: "Gave up." }])
    const server = startAppServer(setup)
    const threadId = await server.open()
    // "untrusted" makes Codex ask before every action; the worker itself never sends it.
    await Effect.runPromise(server.rpc.request("turn/start", { threadId, approvalPolicy: "untrusted", input: [{ type: "text", text: "Create hello.txt, then run the canary", text_elements: [] }] }))
    const events = await server.turnEnded(1)

    expect(server.serverRequests).toEqual(["item/fileChange/requestApproval", "item/commandExecution/requestApproval"])
    expect(existsSync(join(setup.dirs.workdir, "hello.txt"))).toBe(false)
    expect(existsSync(join(setup.dirs.workdir, "out.txt"))).toBe(false)
    const results = events.filter((event) => event.type === "tool.result")
    expect(results.map((result) => [result.output.split("\n")[0], result.isError])).toEqual([["declined: the patch was not applied", true], ["declined", true]])
    expect(events.some((event) => event.type === "file.changed")).toBe(false)
    expect(textOf(events)).toBe("Gave up.")
    expect(outcomeOf(events)).toEqual(["completed"])
    expect(fake.scriptedRequests()[1]!.toolResults.join()).toMatch(/rejected/)
  })

  it("interrupts a hanging turn with turn/interrupt: it ends cancelled and the model call is dropped", { timeout: TEST_TIMEOUT_MS }, async () => {
    const setup = freshSetup()
    fake.script([{ kind: "hang", text: "Thinking about it" }])
    const server = startAppServer(setup)
    const threadId = await server.open()
    const turnId = await Effect.runPromise(startCodexTurn(server.rpc, threadId, { text: "Take your time" }, sessionOptions(setup)))
    await fake.waitForHang(WAIT_MS)
    expect(await Effect.runPromise(interruptCodexTurn(server.rpc, threadId, turnId))).toBe(true)
    const events = await server.turnEnded(1)

    expect(outcomeOf(events)).toEqual(["cancelled"])
    await fake.until(() => fake.openHangs() === 0, "Codex to drop the hanging model call", WAIT_MS)
    // Once over, there is nothing left to interrupt.
    expect(await Effect.runPromise(interruptCodexTurn(server.rpc, threadId, turnId))).toBe(false)
  })
})
