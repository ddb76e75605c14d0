// The app's SDK (templates/react-app/src/lib/second-sdk.ts) and the platform's bridge speak the
// same protocol: the SDK restates the message names (it cannot import the platform), so they are
// compared here, and then the real SDK talks to the real host bridge through a stand-in for
// postMessage (structured clones, the source window attached), with an in-memory platform behind:
// its data, and its agent runs and appTools.

import { afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import * as protocol from "#shared/app-bridge/messages.ts"
import { ALL_MESSAGE_TYPES, APP_SOURCE, DOCUMENT_ID_PATTERN, HOST_SOURCE, type AgentRunState } from "#shared/app-bridge/messages.ts"
import { COLLECTION_NAME_PATTERN, type AppDataChange, type AppDataDocument } from "#shared/apps/app-data.ts"
import { newId } from "#shared/ids.ts"
import { createPreviewBridge, type AppAgentsBackend, type AppDataBackend } from "#app/components/preview/preview-bridge.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import * as sdk from "../../templates/react-app/src/lib/second-sdk.ts"

type Listener = (event: { source: unknown; data: unknown }) => void

// The app's window inside the frame (what the host posts to, and the source of what it hears),
// and Second's page around it.
let appListener: Listener = () => {}
const hostPage = { postMessage: (message: unknown) => bridge.receive(appWindow, structuredClone(message)) }
const appWindow = {
  parent: hostPage,
  addEventListener: (_type: string, listener: Listener) => {
    appListener = listener
  },
  postMessage: (message: unknown) => appListener({ source: hostPage, data: structuredClone(message) }),
}

// The platform, in memory: what tRPC would answer, and the changes its live stream would carry.
const documents = new Map<string, AppDataDocument>()
let slow: Promise<void> | null = null
const announce = (change: Omit<AppDataChange, "appId" | "scope">) => bridge.pushChange({ appId: "app-1", scope: "draft", ...change })
const notFound = () => Object.assign(new Error("This document does not exist."), { code: "NOT_FOUND" })
const backend: AppDataBackend = {
  appId: "app-1",
  scope: "draft",
  async list(collection) {
    await slow
    return { documents: [...documents.values()].filter((document) => document.collection === collection), nextCursor: null }
  },
  async get(_collection, id) {
    const found = documents.get(id)
    if (!found) throw notFound()
    return found
  },
  async insert(collection, data) {
    const at = new Date().toISOString()
    const document = { id: newId(), collection, data, createdAt: at, updatedAt: at }
    documents.set(document.id, document)
    announce({ collection, op: "insert", documentId: document.id, document })
    return document
  },
  async update(collection, id, data) {
    const found = documents.get(id)
    if (!found) throw notFound()
    const document = { ...found, data: { ...found.data, ...data }, updatedAt: new Date().toISOString() }
    documents.set(id, document)
    announce({ collection, op: "update", documentId: id, document })
    return document
  },
  async remove(collection, id) {
    if (!documents.delete(id)) throw notFound()
    announce({ collection, op: "delete", documentId: id, document: null })
    return { deleted: true, id }
  },
  problem: (error) => ({ code: (error as { code?: string }).code ?? "INTERNAL", message: (error as Error).message }),
}

// Agent runs and tools, in memory: each run's statuses in the order the platform will report them.
const runStatuses = new Map<string, AgentRunState[]>()
const triggered: { agentId: string; prompt: string }[] = []
const toolCalls: { name: string; input: Record<string, unknown> }[] = []
const refused = (code: string, message: string) => Object.assign(new Error(message), { code })
const agents: AppAgentsBackend = {
  async trigger(agentId, prompt) {
    if (agentId !== "inbox-triage") throw refused("NOT_FOUND", `The approved agents.json has no agent "${agentId}".`)
    triggered.push({ agentId, prompt })
    const runId = newId()
    runStatuses.set(runId, [
      { status: "running", error: null },
      { status: "running", error: null },
      { status: "failed", error: "The provider refused the call." },
    ])
    return { runId }
  },
  async status(runId) {
    const statuses = runStatuses.get(runId)
    if (!statuses) throw refused("NOT_FOUND", "There is no such agent run in this app.")
    return statuses.length > 1 ? statuses.shift()! : statuses[0]!
  },
  async callTool(name, input) {
    toolCalls.push({ name, input })
    if (name !== "lookup_customer") throw refused("FORBIDDEN", `"${name}" is not one of the app's approved appTools.`)
    return { mock: true, mockReason: "Approved for mock data only (approved by a non-admin)", status: null, body: { name: "Ada" } }
  },
}

const bridge = createPreviewBridge({ frame: () => appWindow, backend, agents, agentPollDelaysMs: [1] })

beforeAll(() => {
  vi.stubGlobal("window", appWindow)
})

afterEach(() => {
  vi.useRealTimers()
  slow = null
})

describe("the SDK's protocol", () => {
  it("names every message as the platform does", () => {
    const sdkTypes = Object.values(sdk.SECOND_MESSAGE_TYPES)
    const requests = sdk.REQUEST_KINDS.map((kind) => sdk.SECOND_MESSAGE_TYPES[kind])
    expect(new Set([...sdkTypes, ...requests.map((type) => `${type}${sdk.RESPONSE_SUFFIX}`)])).toEqual(new Set(ALL_MESSAGE_TYPES))
    expect(sdkTypes.length + requests.length).toBe(ALL_MESSAGE_TYPES.length)
    expect(new Set(requests)).toEqual(new Set([...protocol.DATA_REQUEST_TYPES, ...protocol.AGENT_REQUEST_TYPES]))
    expect([sdk.APP_SOURCE, sdk.HOST_SOURCE]).toEqual([APP_SOURCE, HOST_SOURCE])
    // What the SDK refuses at once is exactly what the bridge would ignore.
    expect(sdk.COLLECTION_NAME_PATTERN.source).toBe(COLLECTION_NAME_PATTERN.source)
    expect(sdk.DOCUMENT_ID_PATTERN.source).toBe(DOCUMENT_ID_PATTERN.source)
    expect(sdk.AGENT_ID_PATTERN.source).toBe(protocol.AGENT_ID_PATTERN.source)
    expect(sdk.TOOL_NAME_PATTERN.source).toBe(protocol.TOOL_NAME_PATTERN.source)
    expect(sdk.RUN_ID_PATTERN.source).toBe(protocol.RUN_ID_PATTERN.source)
    expect(sdk.MAX_AGENT_PROMPT_LENGTH).toBe(protocol.MAX_AGENT_PROMPT_LENGTH)
    expect(sdk.AGENT_RUN_STATUSES).toEqual(protocol.AGENT_RUN_STATUSES)
  })

  it("inserts, reads, updates and deletes through the host bridge", async () => {
    const stored = await sdk.secondData.insert("todos", { title: "Milk", done: false })
    expect(stored).toMatchObject({ collection: "todos", data: { title: "Milk", done: false } })
    await expect(sdk.secondData.get("todos", stored.id)).resolves.toEqual(stored)
    await expect(sdk.secondData.update("todos", stored.id, { done: true })).resolves.toMatchObject({ data: { title: "Milk", done: true } })
    await expect(sdk.secondData.listAll("todos")).resolves.toMatchObject([{ id: stored.id, data: { done: true } }])
    await expect(sdk.secondData.remove("todos", stored.id)).resolves.toEqual({ deleted: true, id: stored.id })
    await expect(sdk.secondData.listAll("todos")).resolves.toEqual([])
  })

  it("rejects with the platform's code and message when it refuses", async () => {
    const missing = sdk.secondData.get("todos", newId())
    await expect(missing).rejects.toBeInstanceOf(sdk.SecondDataError)
    await expect(missing).rejects.toMatchObject({ code: "NOT_FOUND", message: "This document does not exist." })
  })

  it("refuses at once what the bridge would ignore, rather than waiting for a timeout", async () => {
    await expect(sdk.secondData.list("../other")).rejects.toMatchObject({ code: "BAD_REQUEST" })
    await expect(sdk.secondData.get("todos", "pending-1")).rejects.toMatchObject({ code: "NOT_READY" })
  })

  it("hears live changes to the collections it follows", async () => {
    const heard: sdk.DataChange[] = []
    const stop = sdk.secondData.subscribe("notes", (change) => heard.push(change))
    const note = await sdk.secondData.insert("notes", { text: "Hello" })
    await sdk.secondData.insert("todos", { title: "Not followed" })
    stop()
    await sdk.secondData.remove("notes", note.id)
    expect(heard).toEqual([{ collection: "notes", op: "insert", documentId: note.id, document: note }])
  })

  it("takes answers from its parent window only, and times out when none comes", async () => {
    vi.useFakeTimers()
    let release = () => {}
    slow = new Promise((resolve) => (release = resolve))
    const listed = sdk.secondData.list("todos")
    // The same answer from a window that is not the parent (another frame) settles nothing.
    sdk.receiveHostMessage({}, { source: "second-host", type: "second:data:list-response", requestId: "r-any", ok: true, result: {} })
    // Handled before the clock moves: the request only goes out (and times out) once it has a slot.
    const timedOut = expect(listed).rejects.toMatchObject({ code: "TIMEOUT" })
    await vi.advanceTimersByTimeAsync(sdk.REQUEST_TIMEOUT_MS)
    await timedOut
    release()
  })

  it("sends many requests at once without losing any: past the bridge's limit they wait their turn", async () => {
    let release = () => {}
    slow = new Promise((resolve) => (release = resolve))
    const lists = Array.from({ length: 40 }, () => sdk.secondData.list("todos"))
    // The first ones hold the bridge's slots until the platform answers; the rest are queued, not refused.
    await Promise.resolve()
    release()
    const answers = await Promise.allSettled(lists)
    expect(answers.filter((answer) => answer.status === "rejected")).toEqual([])
  })

  it("applies changes by id, a newer document over an older one", () => {
    const older = { id: "a", collection: "todos", data: { n: 1 }, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" }
    const newer = { ...older, data: { n: 2 }, updatedAt: "2026-01-01T00:00:01Z" }
    const update = (document: typeof older) => ({ collection: "todos", op: "update" as const, documentId: "a", document })
    expect(sdk.applyChange([newer], update(older))).toEqual([newer])
    expect(sdk.applyChange([older], update(newer))).toEqual([newer])
    expect(sdk.applyChange([older], { collection: "todos", op: "delete", documentId: "a", document: null })).toEqual([])
  })

  it("keeps what was confirmed while a read was on its way, which the read's older snapshot lacks", () => {
    const at = "2026-01-01T00:00:00Z"
    const doc = (id: string, n: number, updatedAt = at) => ({ id, collection: "todos", data: { n }, createdAt: at, updatedAt })
    const inserted = doc("b", 1)
    const edited = doc("a", 2, "2026-01-01T00:00:05Z")
    const saving = { ...doc("pending-7", 3) }
    // The read was answered before the insert of b, the edit of a and the delete of c reached Second.
    const read = [doc("a", 1), doc("c", 1)]
    const seen = [
      { collection: "todos", op: "insert" as const, documentId: "b", document: inserted },
      { collection: "todos", op: "update" as const, documentId: "a", document: edited },
      { collection: "todos", op: "delete" as const, documentId: "c", document: null },
    ]
    expect(sdk.settleRead(read, seen, [inserted, saving])).toEqual([edited, inserted, saving])
    // A read that already holds them is left as it is.
    expect(sdk.settleRead([edited, inserted], seen, [])).toEqual([edited, inserted])
  })
})

describe("the SDK's agents and tools", () => {
  it("triggers an agent as the page's app and hears its run's status change until it ends", async () => {
    const heard: [string, sdk.AgentRunState][] = []
    const stop = sdk.followAgentRuns((runId, state) => heard.push([runId, state]))
    try {
      const { runId } = await sdk.secondAgents.trigger("inbox-triage", "Sort today's mail")
      expect(triggered.at(-1)).toEqual({ agentId: "inbox-triage", prompt: "Sort today's mail" })
      // Pushed once per change (running twice is told once), and not after the end.
      await eventually(() => heard.some(([, state]) => state.status === "failed"))
      await eventually(() => !bridge.followedRuns().includes(runId))
      expect(heard).toEqual([
        [runId, { status: "running", error: null }],
        [runId, { status: "failed", error: "The provider refused the call." }],
      ])
      await expect(sdk.secondAgents.status(runId)).resolves.toEqual({ status: "failed", error: "The provider refused the call." })
    } finally {
      stop()
    }
  })

  it("stops following the frame's runs when the frame loads another document", async () => {
    const heard: string[] = []
    const stop = sdk.followAgentRuns((runId) => heard.push(runId))
    try {
      const { runId } = await sdk.secondAgents.trigger("inbox-triage", "Sort it")
      expect(bridge.followedRuns()).toContain(runId)
      bridge.reset()
      expect(bridge.followedRuns()).toEqual([])
      // Its status is still there for the asking; nothing is pushed for it any more.
      await expect(sdk.secondAgents.status(runId)).resolves.toMatchObject({ status: "running" })
      expect(heard).not.toContain(runId)
    } finally {
      stop()
    }
  })

  it("rejects with the platform's refusal, and refuses at once what the bridge would ignore", async () => {
    await expect(sdk.secondAgents.trigger("payroll", "Pay everyone")).rejects.toMatchObject({ code: "NOT_FOUND", message: 'The approved agents.json has no agent "payroll".' })
    await expect(sdk.secondAgents.status(newId())).rejects.toMatchObject({ code: "NOT_FOUND" })
    const before = triggered.length
    await expect(sdk.secondAgents.trigger("Not An Id", "Hi")).rejects.toMatchObject({ code: "BAD_REQUEST" })
    await expect(sdk.secondAgents.trigger("inbox-triage", "   ")).rejects.toMatchObject({ code: "BAD_REQUEST" })
    await expect(sdk.secondAgents.status("../runs")).rejects.toMatchObject({ code: "NOT_FOUND" })
    expect(triggered.length).toBe(before)
  })

  it("calls an appTool by name and gets its answer, labelled when it is mock data", async () => {
    await expect(sdk.callAppTool("lookup_customer", { email: "ada@example.com" })).resolves.toEqual({
      mock: true,
      mockReason: "Approved for mock data only (approved by a non-admin)",
      status: null,
      body: { name: "Ada" },
    })
    expect(toolCalls.at(-1)).toEqual({ name: "lookup_customer", input: { email: "ada@example.com" } })
    await expect(sdk.callAppTool("delete_everything")).rejects.toMatchObject({ code: "FORBIDDEN" })
    const before = toolCalls.length
    await expect(sdk.callAppTool("Bad Name", {})).rejects.toMatchObject({ code: "BAD_REQUEST" })
    await expect(sdk.callAppTool("lookup_customer", ["a list"] as never)).rejects.toMatchObject({ code: "BAD_REQUEST" })
    expect(toolCalls.length).toBe(before)
  })

  it("reads the host's refusal of an input too large to send, without calling the platform", async () => {
    const before = toolCalls.length
    await expect(sdk.callAppTool("lookup_customer", { text: "x".repeat(70_000) })).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" })
    expect(toolCalls.length).toBe(before)
  })
})
