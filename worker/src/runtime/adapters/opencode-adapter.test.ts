// What OpenCode may run without asking: `opencode run` rejects every call that would ask.

import { describe, expect, it } from "vitest"
import { BUILDER_TOOL_NAMES } from "#shared/mcp/tool-names.ts"
import { OPENCODE_PERMISSION } from "./opencode-adapter.ts"

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
