import { describe, expect, it, vi } from "vitest"
import type { HostMessage } from "#shared/app-bridge/messages.ts"
import type { AppDataChange, AppDataDocument } from "#shared/apps/app-data.ts"
import { createPreviewBridge, type AppDataBackend, type FrameWindow } from "./preview-bridge.ts"

const ID = "abcdefghijklmnopqrstuvwx"
const doc = (data: Record<string, unknown>): AppDataDocument => ({ id: ID, collection: "todos", data, createdAt: "t", updatedAt: "t" })

class Frame implements FrameWindow {
  readonly received: { message: HostMessage; target: string }[] = []
  postMessage(message: HostMessage, target: string) {
    this.received.push({ message, target })
  }
}

function setup(backend: Partial<AppDataBackend> = {}, maxInFlight?: number) {
  const frame = new Frame()
  const calls: unknown[][] = []
  const record =
    <T,>(name: string, result: T) =>
    (...args: unknown[]) => {
      calls.push([name, ...args])
      return Promise.resolve(result)
    }
  const wants: boolean[] = []
  const bridge = createPreviewBridge({
    frame: () => frame,
    backend: {
      appId: "app-1",
      scope: "draft",
      list: record("list", { documents: [doc({ title: "Milk" })], nextCursor: null }),
      get: record("get", doc({ title: "Milk" })),
      insert: record("insert", doc({ title: "Eggs" })),
      update: record("update", doc({ title: "Eggs", done: true })),
      remove: record("remove", { deleted: true as const, id: ID }),
      problem: (error) => ({ code: "NOT_FOUND", message: error instanceof Error ? error.message : "?" }),
      ...backend,
    },
    onWantsChanges: (value) => wants.push(value),
    ...(maxInFlight ? { maxInFlight } : {}),
  })
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
  return { frame, bridge, calls, wants, settle }
}

const fromApp = (fields: Record<string, unknown>) => ({ source: "second-app", requestId: "r1", collection: "todos", ...fields })

describe("the preview bridge", () => {
  it("answers a request from its frame with the platform's result, addressed to '*'", async () => {
    const { frame, bridge, calls, settle } = setup()
    bridge.receive(frame, fromApp({ type: "second:data:insert", data: { title: "Eggs" } }))
    await settle()
    expect(calls).toEqual([["insert", "todos", { title: "Eggs" }]])
    expect(frame.received).toEqual([
      {
        target: "*",
        message: { source: "second-host", type: "second:data:insert-response", requestId: "r1", ok: true, result: doc({ title: "Eggs" }) },
      },
    ])
  })

  it("ignores messages from any other window, and malformed ones, without an answer", async () => {
    const { frame, bridge, calls, settle } = setup()
    const otherWindow = new Frame()
    bridge.receive(otherWindow, fromApp({ type: "second:data:list" }))
    bridge.receive(null, fromApp({ type: "second:data:list" }))
    bridge.receive(frame, fromApp({ type: "second:data:list", collection: "../x" }))
    bridge.receive(frame, { ...fromApp({ type: "second:data:list" }), source: "second-host" })
    bridge.receive(frame, "second:data:list")
    await settle()
    expect(calls).toEqual([])
    expect(frame.received).toEqual([])
    expect(otherWindow.received).toEqual([])
  })

  it("tells the app why the platform refused, with the code and message only", async () => {
    const { frame, bridge, settle } = setup({ get: () => Promise.reject(new Error("No such document.")) })
    bridge.receive(frame, fromApp({ type: "second:data:doc", id: ID }))
    await settle()
    expect(frame.received[0]?.message).toEqual({
      source: "second-host",
      type: "second:data:doc-response",
      requestId: "r1",
      ok: false,
      error: { code: "NOT_FOUND", message: "No such document." },
    })
  })

  it("refuses data that cannot be a document before calling the platform", async () => {
    const { frame, bridge, calls, settle } = setup()
    const cyclic: Record<string, unknown> = {}
    cyclic["self"] = cyclic
    bridge.receive(frame, fromApp({ type: "second:data:insert", data: cyclic, requestId: "a" }))
    bridge.receive(frame, fromApp({ type: "second:data:insert", data: { text: "x".repeat(70_000) }, requestId: "b" }))
    await settle()
    expect(calls).toEqual([])
    expect(frame.received.map(({ message }) => "error" in message && message.error.code)).toEqual(["BAD_REQUEST", "PAYLOAD_TOO_LARGE"])
  })

  it("limits the requests in flight", async () => {
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const { frame, bridge, settle } = setup({ list: () => held.then(() => ({ documents: [], nextCursor: null })) }, 2)
    for (const requestId of ["a", "b", "c"]) bridge.receive(frame, fromApp({ type: "second:data:list", requestId }))
    await settle()
    expect(frame.received.map(({ message }) => ("requestId" in message ? `${message.requestId}:${message.ok}` : ""))).toEqual(["c:false"])
    release()
    await settle()
    expect(frame.received).toHaveLength(3)
  })

  it("passes on changes only for the app's scope and the collections it subscribed to, until it unsubscribes", () => {
    const { frame, bridge, wants } = setup()
    const change = (collection: string, extra: Partial<AppDataChange> = {}): AppDataChange => ({
      appId: "app-1",
      scope: "draft",
      collection,
      op: "insert",
      documentId: ID,
      document: doc({}),
      ...extra,
    })
    bridge.pushChange(change("todos"))
    bridge.receive(frame, { source: "second-app", type: "second:data:subscribe", collection: "todos" })
    bridge.receive(frame, { source: "second-app", type: "second:data:subscribe", collection: "todos" })
    bridge.pushChange(change("todos"))
    bridge.pushChange(change("notes"))
    bridge.pushChange(change("todos", { scope: "published" }))
    bridge.pushChange(change("todos", { appId: "another-app" }))
    expect(frame.received.map(({ message }) => message.type)).toEqual(["second:data:change"])
    // Two hooks subscribed; one leaving keeps the other's changes coming.
    bridge.receive(frame, { source: "second-app", type: "second:data:unsubscribe", collection: "todos" })
    bridge.pushChange(change("todos"))
    bridge.receive(frame, { source: "second-app", type: "second:data:unsubscribe", collection: "todos" })
    bridge.pushChange(change("todos"))
    expect(frame.received).toHaveLength(2)
    expect(wants).toEqual([true, false])
  })

  it("forgets a document's subscriptions and unanswered requests when a new one says it is ready", async () => {
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    const { frame, bridge, settle, wants } = setup({ list: () => held.then(() => ({ documents: [], nextCursor: null })) })
    bridge.receive(frame, { source: "second-app", type: "second:data:subscribe", collection: "todos" })
    bridge.receive(frame, fromApp({ type: "second:data:list" }))
    bridge.receive(frame, { source: "second-app", type: "second:ready" })
    release()
    await settle()
    bridge.resync()
    expect(frame.received).toEqual([])
    expect(bridge.subscribedCollections()).toEqual([])
    expect(wants).toEqual([true, false])
  })

  it("asks a subscribed app to read again after the live stream reconnected", () => {
    const { frame, bridge } = setup()
    const spy = vi.spyOn(frame, "postMessage")
    bridge.resync()
    expect(spy).not.toHaveBeenCalled()
    bridge.receive(frame, { source: "second-app", type: "second:data:subscribe", collection: "todos" })
    bridge.resync()
    expect(spy).toHaveBeenCalledWith({ source: "second-host", type: "second:data:resync" }, "*")
  })
})
