// What OpenCode may run without asking: `opencode run` rejects every call that would ask.

import { describe, expect, it } from "vitest"
import { BUILDER_TOOL_NAMES } from "#shared/mcp/tool-names.ts"
import { OPENCODE_PERMISSION, opencodeAgentPermission } from "./opencode-adapter.ts"
import type { SessionSetup } from "./runtime-adapter.ts"

const wildcard = (pattern: string) => new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`)

/** OpenCode's rule for a tool: the last key whose wildcard pattern matches its name (checked live with 1.18.33). */
const ruleFor = (permission: Readonly<Record<string, string>>, tool: string) =>
  Object.entries(permission).findLast(([pattern]) => wildcard(pattern).test(tool))?.[1]

describe("OPENCODE_PERMISSION", () => {
  it("allows every broker tool by the name OpenCode gives it, even with a catch-all rule that asks", () => {
    for (const permission of [OPENCODE_PERMISSION, { "*": "ask", ...OPENCODE_PERMISSION }]) {
      for (const tool of BUILDER_TOOL_NAMES) expect(ruleFor(permission, `second_${tool}`), tool).toBe("allow")
      expect(ruleFor(permission, "webfetch")).toBe("deny")
    }
  })
})

describe("opencodeAgentPermission", () => {
  it("denies every tool but the run's tool sets and granted built-ins", () => {
    const setup = {
      purpose: "agent",
      allowedBuiltins: ["WebFetch"],
      mcp: { servers: { app_tools: "http://127.0.0.1:1/mcp/app_tools", app_data: "http://127.0.0.1:1/mcp/app_data" }, token: "t" },
    } as unknown as SessionSetup
    const permission = opencodeAgentPermission(setup)
    for (const tool of ["bash", "edit", "write", "read", "glob", "grep", "list", "task", "todowrite", "websearch", "second_present_plan"]) {
      expect(ruleFor(permission, tool), tool).toBe("deny")
    }
    for (const tool of ["app_tools_get_weather", "app_tools_report_tool_call_failed", "app_data_list_documents", "webfetch"]) expect(ruleFor(permission, tool), tool).toBe("allow")
  })
})
