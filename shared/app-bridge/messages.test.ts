import { describe, expect, it } from "vitest"
import { AGENT_ID_PATTERN as CONFIG_AGENT_ID, TOOL_NAME_PATTERN as CONFIG_TOOL_NAME } from "../agents/agents-config.ts"
import { ID_PATTERN } from "../ids.ts"
import { AGENT_ID_PATTERN, agentUpdateMessage, answerError, answerOk, parseAppDataChange, parseAppMessage, RUN_ID_PATTERN, TOOL_NAME_PATTERN } from "./messages.ts"

const id = "abcdefghijklmnopqrstuvwx"
const request = (fields: Record<string, unknown>) => ({ source: "second-app", requestId: "r1", collection: "todos", ...fields })

describe("what the host accepts from an app's frame", () => {
  it("takes each request type, rebuilt from the fields it may carry", () => {
    expect(parseAppMessage(request({ type: "second:data:list", cursor: "c", limit: 20, extra: "dropped" }))).toEqual({
      source: "second-app",
      type: "second:data:list",
      requestId: "r1",
      collection: "todos",
      cursor: "c",
      limit: 20,
    })
    expect(parseAppMessage(request({ type: "second:data:list" }))).toMatchObject({ cursor: null, limit: null })
    expect(parseAppMessage(request({ type: "second:data:doc", id }))).toMatchObject({ id })
    expect(parseAppMessage(request({ type: "second:data:insert", data: { title: "Milk" } }))).toMatchObject({ data: { title: "Milk" } })
    expect(parseAppMessage(request({ type: "second:data:update", id, data: { done: true } }))).toMatchObject({ id, data: { done: true } })
    expect(parseAppMessage(request({ type: "second:data:delete", id }))).toMatchObject({ id })
    expect(parseAppMessage({ source: "second-app", type: "second:ready", requestId: "ignored" })).toEqual({ source: "second-app", type: "second:ready" })
    expect(parseAppMessage({ source: "second-app", type: "second:data:subscribe", collection: "todos" })).toEqual({
      source: "second-app",
      type: "second:data:subscribe",
      collection: "todos",
    })
  })

  it("refuses anything else, whatever it looks like", () => {
    const refused: unknown[] = [
      null,
      "second:ready",
      [],
      { type: "second:ready" },
      { source: "second-host", type: "second:ready" },
      request({ type: "second:data:drop" }),
      request({ type: "second:data:list", requestId: "" }),
      request({ type: "second:data:list", requestId: "x".repeat(65) }),
      request({ type: "second:data:list", requestId: "has space" }),
      request({ type: "second:data:list", requestId: 7 }),
      request({ type: "second:data:list", collection: "../other-app" }),
      request({ type: "second:data:list", collection: "1todos" }),
      request({ type: "second:data:list", limit: 0 }),
      request({ type: "second:data:list", limit: 101 }),
      request({ type: "second:data:list", limit: 1.5 }),
      request({ type: "second:data:list", cursor: 5 }),
      request({ type: "second:data:list", cursor: "c".repeat(201) }),
      request({ type: "second:data:doc" }),
      request({ type: "second:data:doc", id: "not-an-id" }),
      request({ type: "second:data:insert", data: ["a list"] }),
      request({ type: "second:data:insert", data: null }),
      request({ type: "second:data:insert", data: new Date() }),
      request({ type: "second:data:update", id, data: "text" }),
      request({ type: "second:data:update", data: {} }),
      { source: "second-app", type: "second:data:subscribe", collection: "" },
    ]
    expect(refused.filter((message) => parseAppMessage(message) !== null)).toEqual([])
    // The app and the scope come from the page, never from a message: such fields are dropped.
    expect(parseAppMessage(request({ type: "second:data:list", appId: "x", scope: "published" }))).not.toHaveProperty("appId")
    expect(parseAppMessage(request({ type: "second:data:list", appId: "x", scope: "published" }))).not.toHaveProperty("scope")
  })

  it("answers with the request's type and id, and only the result or the error", () => {
    const asked = { type: "second:data:delete" as const, requestId: "r9" }
    expect(answerOk(asked, { deleted: true, id })).toEqual({
      source: "second-host",
      type: "second:data:delete-response",
      requestId: "r9",
      ok: true,
      result: { deleted: true, id },
    })
    expect(answerError(asked, { code: "NOT_FOUND", message: "No such document.", stack: "secret" } as never)).toEqual({
      source: "second-host",
      type: "second:data:delete-response",
      requestId: "r9",
      ok: false,
      error: { code: "NOT_FOUND", message: "No such document." },
    })
  })
})

describe("a live change", () => {
  const document = { id, collection: "todos", data: { title: "Milk" }, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" }
  const change = { appId: "app", scope: "draft", collection: "todos", op: "insert", documentId: id, document }

  it("is read field by field", () => {
    expect(parseAppDataChange({ ...change, extra: 1 })).toEqual(change)
    expect(parseAppDataChange({ ...change, op: "delete", document: null })).toEqual({ ...change, op: "delete", document: null })
  })

  it("is refused when malformed", () => {
    expect(parseAppDataChange({ ...change, scope: "other" })).toBeNull()
    expect(parseAppDataChange({ ...change, op: "delete" })).toBeNull()
    expect(parseAppDataChange({ ...change, document: null })).toBeNull()
    expect(parseAppDataChange({ ...change, document: { ...document, data: [] } })).toBeNull()
  })
})

describe("the agent and tool requests", () => {
  const runId = "abcdefghijklmnopqrstuvwx"
  const asked = (fields: Record<string, unknown>) => ({ source: "second-app", requestId: "r1", ...fields })

  it("restate the platform's own patterns", () => {
    expect([AGENT_ID_PATTERN.source, TOOL_NAME_PATTERN.source, RUN_ID_PATTERN.source]).toEqual([CONFIG_AGENT_ID.source, CONFIG_TOOL_NAME.source, ID_PATTERN.source])
  })

  it("are taken field by field, and nothing else passes", () => {
    expect(parseAppMessage(asked({ type: "second:agent:trigger", agentId: "inbox-triage", prompt: "Sort it", appId: "x", userId: "y" }))).toEqual({
      source: "second-app",
      type: "second:agent:trigger",
      requestId: "r1",
      agentId: "inbox-triage",
      prompt: "Sort it",
    })
    expect(parseAppMessage(asked({ type: "second:agent:status", runId, scope: "published" }))).toEqual({ source: "second-app", type: "second:agent:status", requestId: "r1", runId })
    expect(parseAppMessage(asked({ type: "second:tool:call", name: "lookup_customer", input: { email: "a@b.c" }, spec: { url: "https://evil" } }))).toEqual({
      source: "second-app",
      type: "second:tool:call",
      requestId: "r1",
      name: "lookup_customer",
      input: { email: "a@b.c" },
    })
  })

  it("are refused when malformed", () => {
    const refused: unknown[] = [
      asked({ type: "second:agent:trigger", agentId: "Inbox", prompt: "Hi" }),
      asked({ type: "second:agent:trigger", agentId: "inbox", prompt: "" }),
      asked({ type: "second:agent:trigger", agentId: "inbox", prompt: "  " }),
      asked({ type: "second:agent:trigger", agentId: "inbox", prompt: "x".repeat(20_001) }),
      asked({ type: "second:agent:trigger", agentId: "inbox", prompt: 5 }),
      asked({ type: "second:agent:trigger", agentId: "inbox", prompt: "Hi", requestId: "no spaces allowed" }),
      asked({ type: "second:agent:status", runId: "../x" }),
      asked({ type: "second:agent:status" }),
      asked({ type: "second:tool:call", name: "Lookup", input: {} }),
      asked({ type: "second:tool:call", name: "lookup", input: [] }),
      asked({ type: "second:tool:call", name: "lookup", input: null }),
      asked({ type: "second:tool:call", name: "lookup" }),
      asked({ type: "second:agent:update", runId, status: "running", error: null }),
    ]
    expect(refused.filter((message) => parseAppMessage(message) !== null)).toEqual([])
  })

  it("are answered like data requests, and a run's update carries its state only", () => {
    expect(answerOk({ type: "second:agent:trigger" as const, requestId: "r2" }, { runId })).toEqual({
      source: "second-host",
      type: "second:agent:trigger-response",
      requestId: "r2",
      ok: true,
      result: { runId },
    })
    expect(agentUpdateMessage(runId, { status: "failed", error: "It broke.", extra: 1 } as never)).toEqual({
      source: "second-host",
      type: "second:agent:update",
      runId,
      status: "failed",
      error: "It broke.",
    })
  })
})
