// What the worker answers to Codex's server requests: approvals declined by policy (nobody is there
// to approve), except a call of the broker's own tools; questions left unanswered; anything
// unknown a JSON-RPC error, thrown as CodexRpcError by the handler the session installs.

import { describe, expect, it } from "@effect/vitest"
import { answerCodexServerRequest, codexServerRequestHandler } from "./codex-app-server.ts"
import { CodexRpcError } from "./codex-rpc.ts"

describe("answers to server requests", () => {
  it.each([
    ["item/commandExecution/requestApproval", { result: { decision: "decline" } }],
    ["item/fileChange/requestApproval", { result: { decision: "decline" } }],
    ["mcpServer/elicitation/request", { result: { action: "decline", content: null, _meta: null } }],
    ["item/permissions/requestApproval", { result: { permissions: {}, scope: "turn" } }],
    ["item/tool/requestUserInput", { result: { answers: {} } }],
    ["account/chatgptAuthTokens/refresh", { error: { code: -32601, message: "the worker does not handle account/chatgptAuthTokens/refresh" } }],
    ["something/new", { error: { code: -32601, message: "the worker does not handle something/new" } }],
  ])("%s", (method, answer) => {
    expect(answerCodexServerRequest(method, {})).toEqual(answer)
  })

  it("accepts Codex's request to run a tool of the broker's server, and declines it for any other server or elicitation", () => {
    // What codex 0.171.0 sent (approval_policy "on-request", no pre-approval) before calling the tool.
    const approval = (serverName: string) => ({
      threadId: "thread-1", turnId: "turn-1", serverName, environmentId: null, mode: "form",
      _meta: {
        codex_approval_kind: "mcp_tool_call", persist: ["session", "always"], tool_name: "present_plan", tool_description: "Show a plan",
        tool_params: { title: "T" }, tool_params_display: [{ name: "title", value: "T", display_name: "title" }],
      },
      message: 'Allow the second MCP server to run tool "present_plan"?',
      requestedSchema: { type: "object", properties: {} },
    })
    expect(codexServerRequestHandler("mcpServer/elicitation/request", approval("second"))).toEqual({ action: "accept", content: null, _meta: null })
    expect(codexServerRequestHandler("mcpServer/elicitation/request", approval("other"))).toEqual({ action: "decline", content: null, _meta: null })
    expect(codexServerRequestHandler("mcpServer/elicitation/request", approval("second_brain"))).toMatchObject({ action: "decline" })
    // The server itself asking the person for input is not a tool approval: nobody is there to answer.
    const serverForm = { ...approval("second"), _meta: null, message: "Which repository?", requestedSchema: { type: "object", properties: { repo: { type: "string" } } } }
    expect(codexServerRequestHandler("mcpServer/elicitation/request", serverForm)).toMatchObject({ action: "decline" })
    expect(codexServerRequestHandler("mcpServer/elicitation/request", null)).toMatchObject({ action: "decline" })
  })

  it("codexServerRequestHandler throws the error answers as CodexRpcError", () => {
    expect(codexServerRequestHandler("item/fileChange/requestApproval", {})).toEqual({ decision: "decline" })
    expect(() => codexServerRequestHandler("x/y", {})).toThrow(CodexRpcError)
  })
})
