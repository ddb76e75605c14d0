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
