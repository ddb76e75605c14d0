// Each runtime's name for a broker tool becomes `<set>.<tool>` (`second.present_plan`,
// `app_tools.get_weather`); everything else keeps its name.

import { describe, expect, it } from "vitest"
import { isApprovalStop } from "#shared/mcp/tool-names.ts"
import { claudeToolName, codexMcpToolName, opencodeToolName } from "./mcp-tool-names.ts"

describe("claudeToolName", () => {
  it("names the second server's tools canonically", () => {
    expect(claudeToolName("mcp__second__present_plan")).toBe("second.present_plan")
    expect(claudeToolName("mcp__second__list_app_integration_keys")).toBe("second.list_app_integration_keys")
    expect(isApprovalStop(claudeToolName("mcp__second__present_suggestions"))).toBe(true)
  })

  it("keeps built-in tools and other servers' tools as Claude names them", () => {
    for (const name of ["Bash", "Write", "mcp__github__create_issue", "mcp__secondary__present_plan", "mcp__second__", "second.present_plan"]) {
      expect(claudeToolName(name)).toBe(name)
    }
  })
})

describe("an app agent's app_tools, whose names come from agents.json", () => {
  it("names any declared tool and report_tool_call_failed canonically, in every runtime's spelling", () => {
    for (const tool of ["get_weather", "list_issues", "report_tool_call_failed"]) {
      expect(claudeToolName(`mcp__app_tools__${tool}`)).toBe(`app_tools.${tool}`)
      expect(codexMcpToolName("app_tools", tool)).toBe(`app_tools.${tool}`)
      expect(opencodeToolName(`app_tools_${tool}`)).toBe(`app_tools.${tool}`)
    }
    expect(isApprovalStop(claudeToolName("mcp__app_tools__present_plan"))).toBe(false)
  })

  it("keeps a name agents.json could not declare as the runtime gave it", () => {
    for (const name of ["mcp__app_tools__", "mcp__app_tools__Get-Weather", "mcp__app_tools__9lives"]) expect(claudeToolName(name)).toBe(name)
    for (const name of ["app_tools_", "app_tools_Get_weather", "app_toolsget_weather"]) expect(opencodeToolName(name)).toBe(name)
    expect(codexMcpToolName("app_tools", "Get-Weather")).toBe("mcp__app_tools__Get-Weather")
  })
})

describe("codexMcpToolName", () => {
  it("names the second server's tools canonically, and others as before", () => {
    expect(codexMcpToolName("second", "present_plan")).toBe("second.present_plan")
    expect(codexMcpToolName("github", "create_issue")).toBe("mcp__github__create_issue")
    expect(codexMcpToolName("second_brain", "recall")).toBe("mcp__second_brain__recall")
  })
})

describe("opencodeToolName", () => {
  it("names the builder tools of the second server canonically", () => {
    expect(opencodeToolName("second_present_plan")).toBe("second.present_plan")
    expect(opencodeToolName("second_done_building")).toBe("second.done_building")
    expect(opencodeToolName("second_present_agents")).toBe("second.present_agents")
    expect(opencodeToolName("app_data_insert_document")).toBe("app_data.insert_document")
  })

  it("keeps OpenCode's own tools and other servers' tools, even one whose name starts with second_", () => {
    for (const name of ["bash", "write", "github_create_issue", "second_brain_recall", "second_", "secondpresent_plan"]) {
      expect(opencodeToolName(name)).toBe(name)
    }
  })
})
