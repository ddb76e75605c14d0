import { describe, expect, it } from "vitest"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import { APP_DATA_TOOL_NAMES, BUILDER_TOOL_NAMES, isAppDataToolName, isBuilderToolName, TOOL_SETS } from "#shared/mcp/tool-names.ts"
import { approvalPrompt } from "./approval-prompt.ts"
import { AGENTS_JSON_EXAMPLE, BUILDER_SYSTEM_PROMPT } from "./builder-system-prompt.server.ts"

/** Words shaped like a tool's name (snake_case): the prompt has no other use for them. */
const toolLikeWords = (text: string) => new Set(text.match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g) ?? [])

/** Runtime tools the prompt may name: Codex keeps MCP tools behind its own tool search. */
const RUNTIME_TOOLS = new Set(["tool_search"])
/**
 * snake_case words of the agents.json format that are not tools: the OAuth literals, and the
 * custom tools the example declares (an app's tools, not the builder's).
 */
const AGENTS_JSON_WORDS = new Set([
  "triggering_user",
  "client_secret_post",
  "client_secret_basic",
  ...AGENTS_JSON_EXAMPLE.agents.flatMap((agent) => agent.tools.map((tool) => tool.name)),
])
const isServedName = (word: string) => isBuilderToolName(word) || isAppDataToolName(word) || (TOOL_SETS as readonly string[]).includes(word)

describe("the builder's system prompt", () => {
  it("names only tools the broker serves", () => {
    const unknown = [...toolLikeWords(BUILDER_SYSTEM_PROMPT)].filter((word) => !isServedName(word) && !RUNTIME_TOOLS.has(word) && !AGENTS_JSON_WORDS.has(word))
    expect(unknown, "tool names in the prompt that are not in BUILDER_TOOL_NAMES").toEqual([])
  })

  it("tells the agent when to use every builder tool", () => {
    const named = toolLikeWords(BUILDER_SYSTEM_PROMPT)
    expect([...BUILDER_TOOL_NAMES, ...APP_DATA_TOOL_NAMES].filter((tool) => !named.has(tool)), "builder tools the prompt never mentions").toEqual([])
  })

  it("names tools bare, as every runtime's prefix differs", () => {
    expect(BUILDER_SYSTEM_PROMPT).not.toMatch(/second\.(?!json)|mcp__/)
  })

  it("shows an agents.json the shared validation accepts, so the builder learns a format that passes", () => {
    expect(BUILDER_SYSTEM_PROMPT).toContain(JSON.stringify(AGENTS_JSON_EXAMPLE, null, 2))
    const checked = validateAgentsConfig(JSON.stringify(AGENTS_JSON_EXAMPLE), { declaredCollections: ["drafts"] })
    expect(checked.ok ? [] : checked.problems).toEqual([])
  })

  it("quotes the message an approval sends, so the agent recognises it", () => {
    expect(BUILDER_SYSTEM_PROMPT).toContain(approvalPrompt("Lunch orders"))
  })
})
