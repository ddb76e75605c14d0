import { describe, expect, it } from "vitest"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"
import { lineDiff } from "./tool-diff.ts"
import { describeTool, toolSentence } from "./tool-summary.ts"
import { displayCommand, pathContextOf } from "./tool-paths.ts"

type ToolPart = Extract<TranscriptPart, { kind: "tool" }>

const WORKDIR = "/var/lib/second/apps/k3mx7q2vb4n5c6d7e8f9g2h3"

const call = (name: string, input: unknown, output: string | null = "ok", extra: Partial<ToolPart> = {}): ToolPart => ({
  kind: "tool",
  callId: `call-${name}`,
  name,
  input,
  inputText: "",
  output,
  isError: false,
  ...extra,
})

/** The row's sentence for a call in a transcript (which tells where the app's folder is). */
const sentence = (part: ToolPart, transcript: Transcript = [part]) => toolSentence(describeTool(part, pathContextOf(transcript)))

describe("Claude Code's tools", () => {
  it("say what changed where, relative to the app's folder, with the lines added and removed", () => {
    const write = call("Write", { file_path: `${WORKDIR}/src/lib/x.ts`, content: "export const x = 1\nexport const y = 2\n" }, "File created successfully at: …")
    expect(sentence(write, [write, { kind: "file", path: "src/lib/x.ts", change: "created" }])).toBe("Created src/lib/x.ts +2")
    const edit = call("Edit", { file_path: `${WORKDIR}/src/App.tsx`, old_string: "a\nb\nc", new_string: "a\nB\nc\nd" })
    expect(sentence(edit)).toBe("Edited src/App.tsx +2 −1")
    const multi = call("MultiEdit", { file_path: `${WORKDIR}/src/App.tsx`, edits: [{ old_string: "x", new_string: "y" }, { old_string: "", new_string: "z" }] })
    expect(sentence(multi)).toBe("Edited src/App.tsx +2 −1")
  })

  it("say which command ran and how it exited", () => {
    expect(sentence(call("Bash", { command: "npm test", description: "Run the tests" }, "4 passed"))).toBe("Ran npm test · exit 0")
    expect(sentence(call("Bash", { command: "npm test" }, "Exit code 1\nFAIL src/App.test.tsx", { isError: true }))).toBe("Ran npm test · exit 1")
    expect(sentence(call("Bash", { command: `cd ${WORKDIR} && npm run build` }, null))).toBe("Running npm run build")
    expect(sentence(call("Bash", { command: "sleep 600" }, null, { cutShort: "stopped" }))).toBe("Ran sleep 600")
  })

  it("say what was read and searched", () => {
    expect(sentence(call("Read", { file_path: `${WORKDIR}/package.json` }))).toBe("Read package.json")
    expect(sentence(call("Read", { file_path: `${WORKDIR}/src/App.tsx`, offset: 40, limit: 20 }))).toBe("Read src/App.tsx from line 40")
    expect(sentence(call("Grep", { pattern: "useCollection", path: `${WORKDIR}/src` }))).toBe("Searched for useCollection in src")
    expect(sentence(call("Glob", { pattern: "**/*.tsx" }))).toBe("Found files matching **/*.tsx")
    expect(sentence(call("WebSearch", { query: "vite env variables" }))).toBe("Searched the web for vite env variables")
    expect(sentence(call("TodoWrite", { todos: [{ content: "Form", status: "completed", activeForm: "Building the form" }, { content: "Totals", status: "pending" }] }))).toBe("Updated the to-do list (1 of 2 done)")
  })

  it("names a tool while its input still streams, before the path is known", () => {
    expect(sentence(call("Write", undefined, null, { inputText: '{"file_path": "/var/li' }))).toBe("Writing a file")
  })

  it("says another MCP server's tool in words", () => {
    expect(sentence(call("mcp__github__create_issue", { title: "Bug" }))).toBe("Used create_issue from github")
  })
})

describe("Codex's tools", () => {
  it("unwraps the shell it runs a command in", () => {
    expect(sentence(call("shell", { command: "/bin/bash -lc 'npm test'" }, "ok"))).toBe("Ran npm test · exit 0")
    expect(displayCommand(`/bin/bash -lc 'echo '\\''hi'\\'' > out.txt'`, pathContextOf([]))).toBe("echo 'hi' > out.txt")
    expect(sentence(call("shell", { command: "bash -lc \"npm run lint\"" }, "1 problem", { isError: true }))).toBe("Ran npm run lint")
  })

  it("says which files a patch created, changed or deleted", () => {
    expect(sentence(call("apply_patch", { changes: [{ path: `${WORKDIR}/src/App.tsx`, kind: "update" }] }, "M src/App.tsx"))).toBe("Edited src/App.tsx")
    expect(sentence(call("apply_patch", { changes: [{ path: `${WORKDIR}/notes.md`, kind: "add" }] }, "A notes.md"))).toBe("Created notes.md")
    const two = describeTool(call("apply_patch", { changes: [{ path: "a.ts", kind: "add" }, { path: "b.ts", kind: "delete" }] }))
    expect(toolSentence(two)).toBe("Edited 2 files")
    expect(two.details).toEqual([{ kind: "files", files: [{ path: "a.ts", change: "created" }, { path: "b.ts", change: "deleted" }] }])
    expect(sentence(call("web_search", { query: "remix 2 links" }))).toBe("Searched the web for remix 2 links")
  })
})

describe("OpenCode's tools", () => {
  it("read camelCase inputs and do not claim an exit code bash did not report", () => {
    expect(sentence(call("bash", { command: "npm test", description: "Runs tests" }, "(no output)"))).toBe("Ran npm test")
    expect(sentence(call("edit", { filePath: `${WORKDIR}/src/App.tsx`, oldString: "x", newString: "y" }))).toBe("Edited src/App.tsx +1 −1")
    const write = call("write", { filePath: `${WORKDIR}/src/x.ts`, content: "a\n" }, "Wrote file successfully.")
    expect(sentence(write, [write, { kind: "file", path: "src/x.ts", change: "modified" }])).toBe("Wrote src/x.ts +1")
    expect(sentence(call("read", { filePath: `${WORKDIR}/package.json` }))).toBe("Read package.json")
    expect(sentence(call("list", { path: WORKDIR }))).toBe("Listed the app's files")
    expect(sentence(call("webfetch", { url: "https://example.com/docs" }))).toBe("Fetched https://example.com/docs")
  })

  it("counts a patch's lines", () => {
    const patchText = "*** Begin Patch\n*** Update File: src/App.tsx\n@@\n-old\n+new\n+more\n*** End Patch"
    const summary = describeTool(call("apply_patch", { patchText }))
    expect(toolSentence(summary)).toBe("Edited src/App.tsx +2 −1")
  })
})

describe("the builder's own tools", () => {
  it("are said in words when their card cannot show them", () => {
    expect(sentence(call("second.present_plan", { title: "x" }, "bad input", { isError: true }))).toBe("Planned the app")
    expect(sentence(call("second.done_building", {}, null))).toBe("Checking the build")
    expect(sentence(call("app_data.insert_document", { collection: "notes", data: { text: "Hi" } }))).toBe("Added a document to notes")
    expect(sentence(call("app_data.list_documents", {}))).toBe("Read documents in the app's data")
  })

  it("say how many agents were presented, and which file could not be presented when the call failed", () => {
    const summary = { agents: [{ id: "triage" }, { id: "digest" }], appTools: [], domains: [] }
    expect(sentence(call("second.present_agents", {}, JSON.stringify({ ok: true, status: "presented", hash: "v1:ab", summary })))).toBe("Presented 2 agents for approval")
    expect(sentence(call("second.present_agents", {}, JSON.stringify({ ok: true, summary: { agents: [{ id: "a" }] } })))).toBe("Presented 1 agent for approval")
    expect(sentence(call("second.present_agents", {}, null))).toBe("Presenting the agents")
    expect(sentence(call("second.present_agents", {}, "agents[0].id: …", { isError: true }))).toBe("Could not present agents.json")
    expect(sentence(call("second.present_integration_setup", {}, JSON.stringify({ ok: true })))).toBe("Presented the integration setup")
    expect(sentence(call("second.present_integration_setup", {}, "x", { isError: true }))).toBe("Could not present integration-setup.json")
  })

  it("say an app agent's tool calls by the tool's name, marking mock answers", () => {
    const live = JSON.stringify({ mock: false, mockReason: null, status: 200, body: { temp: 21 } })
    const mock = JSON.stringify({ mock: true, mockReason: "approved for mock data only", status: null, body: { temp: 20 } })
    expect(sentence(call("app_tools.get_weather", { city: "Oslo" }, live))).toBe("Called get_weather")
    expect(sentence(call("app_tools.get_weather", { city: "Oslo" }, mock))).toBe("Called get_weather · mock")
    const workerMock = `[mock data] Approved for mock data only. ${JSON.stringify({ mock: true, body: { temp: 20 } })}`
    expect(sentence(call("app_tools.get_weather", { city: "Oslo" }, workerMock))).toBe("Called get_weather · mock")
    expect(sentence(call("app_tools.get_weather", { city: "Oslo" }, JSON.stringify({ status: 200, body: { temp: 21 } })))).toBe("Called get_weather")
    expect(sentence(call("app_tools.get_weather", { city: "Oslo" }, null))).toBe("Calling get_weather")
    expect(sentence(call("app_tools.report_tool_call_failed", { description: "404 every time", toolName: "get_weather" }))).toBe("Reported a failure of get_weather")
    expect(sentence(call("app_tools.report_tool_call_failed", { description: "404 every time" }))).toBe("Reported a tool failure")
  })

  it("say any other tool as used, with its input kept for the details", () => {
    const summary = describeTool(call("frobnicate", { level: 3 }))
    expect(toolSentence(summary)).toBe("Used frobnicate")
    expect(summary.details).toEqual([{ kind: "input", text: '{\n  "level": 3\n}' }])
  })
})

describe("an edit's lines", () => {
  it("keep what stayed and mark what went and came", () => {
    expect(lineDiff("a\nb\nc\n", "a\nc\nd\n")).toEqual([
      { kind: "same", text: "a" },
      { kind: "remove", text: "b" },
      { kind: "same", text: "c" },
      { kind: "add", text: "d" },
    ])
  })
})
