// What Claude Code is allowed to run without asking: a `claude -p` turn refuses anything else.

import { describe, expect, it } from "vitest"
import { BUILDER_TOOL_NAMES } from "#shared/mcp/tool-names.ts"
import { claudeArguments } from "./claude-adapter.ts"
import type { SessionSetup } from "./runtime-adapter.ts"

const setup = { model: null, systemPrompt: null } as unknown as SessionSetup

describe("claudeArguments", () => {
  it("allows every broker tool (checked live with 2.1.197: without it each call is refused)", () => {
    const args = claudeArguments(setup, "/home/x/.second/mcp.json", null)
    const allowed = args[args.indexOf("--allowedTools") + 1]!.split(",")
    // `mcp__<server>` is Claude's rule for every tool of that server.
    const covers = (tool: string) => allowed.some((rule) => rule === tool || tool.startsWith(`${rule}__`))
    for (const tool of BUILDER_TOOL_NAMES) expect(covers(`mcp__second__${tool}`), tool).toBe(true)
    expect(covers("mcp__github__create_issue")).toBe(false)
  })
})

describe("claudeArguments for an app agent", () => {
  const agent = {
    model: null,
    systemPrompt: "You are the weather agent.",
    purpose: "agent",
    allowedBuiltins: ["WebSearch"],
    mcp: { servers: { app_tools: "http://127.0.0.1:1/mcp/app_tools" }, token: "t" },
  } as unknown as SessionSetup
  const args = claudeArguments(agent, "/home/x/.second/mcp.json", null)
  const value = (flag: string) => args[args.indexOf(flag) + 1]

  it("makes only the granted built-ins exist, allows only them and its tool sets, and asks nobody", () => {
    expect(value("--tools")).toBe("WebSearch")
    expect(value("--allowedTools")!.split(",")).toEqual(["mcp__app_tools", "WebSearch"])
    expect(value("--permission-mode")).toBe("dontAsk")
    for (const tool of ["Bash", "Write", "Edit", "Read", "Task"]) expect(value("--disallowedTools")!.split(","), tool).toContain(tool)
    expect(args).toContain("--strict-mcp-config")
  })

  it("gives the agent's prompt as the whole system prompt, not an addition to Claude Code's", () => {
    expect(value("--system-prompt")).toBe("You are the weather agent.")
    expect(args).not.toContain("--append-system-prompt")
  })

  it("with no built-ins granted, offers none (an empty --tools)", () => {
    const none = claudeArguments({ ...agent, allowedBuiltins: [] }, null, null)
    expect(none[none.indexOf("--tools") + 1]).toBe("")
  })
})
