// Each tool call of a turn as one sentence a person reads at a glance ("Edited `src/App.tsx`
// +12 −3", "Ran `npm test` · exit 0"), with what its details show. Knows the three runtimes' own
// tools (Claude Code's Bash/Edit/Write/Read/Grep…, Codex's shell and apply_patch, OpenCode's
// bash/edit/write/read/grep…) and the broker's (second.*, app_data.*, an app agent's app_tools.*);
// any other tool is "Used `name`". Pure: tool-row.tsx draws the summary.

import { builderToolOf, isAppDataToolName, MOCK_ANSWER_PREFIX, REPORT_TOOL_FAILURE } from "#shared/mcp/tool-names.ts"
import type { TranscriptPart } from "#shared/runs/transcript.ts"
import { diffStats, lineDiff, readPatch, splitLines, type DiffLine, type DiffStats, type PatchFile } from "./tool-diff.ts"
import { toolInputFields, toolOutputFields } from "./tool-input.ts"
import { displayCommand, displayPath, NO_PATH_CONTEXT, type PathContext } from "./tool-paths.ts"

type ToolPart = Extract<TranscriptPart, { kind: "tool" }>
type Fields = Readonly<Record<string, unknown>>

export type ToolIcon = "run" | "read" | "create" | "edit" | "delete" | "search" | "list" | "web" | "todo" | "agent" | "plan" | "build" | "data" | "tool"

export type TodoStatus = "pending" | "in_progress" | "completed" | "cancelled"

export type ToolDetail =
  | { readonly kind: "command"; readonly command: string }
  | { readonly kind: "diff"; readonly path: string | null; readonly lines: readonly DiffLine[] }
  /** A whole file the call wrote. */
  | { readonly kind: "file"; readonly path: string; readonly content: string }
  | { readonly kind: "files"; readonly files: readonly PatchFile[] }
  | { readonly kind: "todos"; readonly items: readonly { readonly text: string; readonly status: TodoStatus }[] }
  | { readonly kind: "text"; readonly label: string; readonly text: string }
  /** The input as the runtime sent it, for tools nothing better is known of. */
  | { readonly kind: "input"; readonly text: string }

export interface ToolSummary {
  readonly icon: ToolIcon
  /** The sentence: `verb`, then `subject` as code (a path, a command, a pattern), then `tail`. */
  readonly verb: string
  readonly subject: string | null
  readonly tail: string | null
  readonly stats: DiffStats | null
  /** A finished command's exit code, when the runtime's report tells it. */
  readonly exitCode: number | null
  readonly details: readonly ToolDetail[]
  /** Whether the details show the tool's answer (a read file, a command's output); a failure's always is. */
  readonly showOutput: boolean
}

const str = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value : null)
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null)
const records = (value: unknown): Fields[] =>
  Array.isArray(value) ? value.filter((item): item is Fields => typeof item === "object" && item !== null && !Array.isArray(item)) : []

/** Claude Code names inputs in snake_case, OpenCode in camelCase. */
const field = (fields: Fields, ...names: string[]): string | null => names.map((name) => str(fields[name])).find((value) => value !== null) ?? null

interface Sentence {
  readonly icon: ToolIcon
  readonly verb: string
  readonly subject?: string | null
  readonly tail?: string | null
  readonly stats?: DiffStats | null
  readonly details?: readonly ToolDetail[]
  readonly showOutput?: boolean
}

interface Call {
  readonly part: ToolPart
  readonly fields: Fields
  readonly paths: PathContext
  /** The present participle while the call runs, the past once it has returned (or was cut short). */
  readonly say: (doing: string, did: string) => string
}

const pathOf = (call: Call, ...names: string[]) => {
  const path = field(call.fields, ...names)
  return path === null ? null : displayPath(path, call.paths)
}

function command(call: Call): Sentence {
  const raw = field(call.fields, "command", "cmd")
  const shown = raw === null ? null : displayCommand(raw, call.paths)
  return {
    icon: "run",
    verb: call.say(shown ? "Running" : "Running a command", shown ? "Ran" : "Ran a command"),
    subject: shown,
    details: shown ? [{ kind: "command", command: shown }] : [],
    showOutput: true,
  }
}

function read(call: Call): Sentence {
  const path = pathOf(call, "file_path", "filePath", "notebook_path", "path")
  const from = num(call.fields["offset"])
  return { icon: "read", verb: call.say(path ? "Reading" : "Reading a file", path ? "Read" : "Read a file"), subject: path, tail: from ? `from line ${from}` : null, showOutput: true }
}

function write(call: Call): Sentence {
  const path = pathOf(call, "file_path", "filePath")
  const content = typeof call.fields["content"] === "string" ? call.fields["content"] : null
  // The call does not say whether the file was there before; the transcript's file change does.
  const created = path !== null && call.paths.changes.get(path) === "created"
  return {
    icon: "create",
    verb: call.say(path ? "Writing" : "Writing a file", path ? (created ? "Created" : "Wrote") : "Wrote a file"),
    subject: path,
    stats: content === null ? null : { added: splitLines(content).length, removed: 0 },
    details: path !== null && content !== null ? [{ kind: "file", path, content }] : [],
  }
}

function edits(call: Call): Sentence {
  const path = pathOf(call, "file_path", "filePath", "notebook_path")
  const pairs = [call.fields, ...records(call.fields["edits"])].flatMap((edit) => {
    const before = edit["old_string"] ?? edit["oldString"]
    const after = edit["new_string"] ?? edit["newString"] ?? edit["new_source"]
    return typeof after === "string" ? [lineDiff(typeof before === "string" ? before : "", after)] : []
  })
  const lines = pairs.flatMap((diff, index) => (index === 0 ? diff : [{ kind: "meta" as const, text: "…" }, ...diff]))
  return {
    icon: "edit",
    verb: call.say(path ? "Editing" : "Editing a file", path ? "Edited" : "Edited a file"),
    subject: path,
    stats: pairs.length > 0 ? diffStats(lines) : null,
    details: lines.length > 0 ? [{ kind: "diff", path, lines }] : [],
  }
}

const CHANGE_VERBS = { created: ["Creating", "Created"], modified: ["Editing", "Edited"], deleted: ["Deleting", "Deleted"] } as const
const CHANGE_ICONS = { created: "create", modified: "edit", deleted: "delete" } as const

function patch(call: Call): Sentence {
  const text = field(call.fields, "patchText", "patch", "input")
  const read = text ? readPatch(text) : null
  // Codex reports the files only: [{ path, kind: "add" | "update" | "delete" }].
  const files: PatchFile[] = (read?.files ?? records(call.fields["changes"]).map((change) => ({
    path: str(change["path"]) ?? "a file",
    change: change["kind"] === "add" ? ("created" as const) : change["kind"] === "delete" ? ("deleted" as const) : ("modified" as const),
  }))).map((file) => ({ ...file, path: displayPath(file.path, call.paths) }))
  const only = files.length === 1 ? files[0]! : null
  const [doing, did] = CHANGE_VERBS[only?.change ?? "modified"]
  const details: ToolDetail[] = read && read.lines.length > 0 ? [{ kind: "diff", path: null, lines: read.lines }] : files.length > 1 ? [{ kind: "files", files }] : []
  return {
    icon: CHANGE_ICONS[only?.change ?? "modified"],
    verb: call.say(only ? doing : "Editing", only ? did : "Edited"),
    subject: only?.path ?? null,
    tail: only ? null : files.length > 1 ? `${files.length} files` : "files",
    stats: read ? diffStats(read.lines) : null,
    details,
  }
}

function search(call: Call, files: boolean): Sentence {
  const pattern = field(call.fields, "pattern", "query")
  const where = pathOf(call, "path")
  const scope = where && where !== "." ? `in ${where}` : null
  if (files) return { icon: "search", verb: call.say("Finding files matching", "Found files matching"), subject: pattern, tail: scope, showOutput: true }
  return { icon: "search", verb: call.say(pattern ? "Searching for" : "Searching the code", pattern ? "Searched for" : "Searched the code"), subject: pattern, tail: scope, showOutput: true }
}

function list(call: Call): Sentence {
  const where = pathOf(call, "path")
  if (!where || where === ".") return { icon: "list", verb: call.say("Listing the app's files", "Listed the app's files"), showOutput: true }
  return { icon: "list", verb: call.say("Listing", "Listed"), subject: where, showOutput: true }
}

const TODO_STATUSES: ReadonlySet<string> = new Set(["pending", "in_progress", "completed", "cancelled"])

function todos(call: Call): Sentence {
  // Claude Code and OpenCode: todos [{ content, status }]; Codex's update_plan: plan [{ step, status }].
  const items = [...records(call.fields["todos"]), ...records(call.fields["plan"])].flatMap((item) => {
    const text = str(item["content"]) ?? str(item["step"])
    const status = String(item["status"])
    return text ? [{ text, status: (TODO_STATUSES.has(status) ? status : "pending") as TodoStatus }] : []
  })
  const done = items.filter((item) => item.status === "completed").length
  return {
    icon: "todo",
    verb: call.say("Updating the to-do list", "Updated the to-do list"),
    tail: items.length > 0 ? `(${done} of ${items.length} done)` : null,
    details: items.length > 0 ? [{ kind: "todos", items }] : [],
  }
}

function helper(call: Call): Sentence {
  const task = field(call.fields, "description")
  const prompt = field(call.fields, "prompt")
  return {
    icon: "agent",
    verb: call.say("Asking a helper agent", "Asked a helper agent"),
    tail: task ? `to ${task.charAt(0).toLowerCase()}${task.slice(1)}` : null,
    details: prompt ? [{ kind: "text", label: "Task", text: prompt }] : [],
    showOutput: true,
  }
}

/** The runtimes' own tools, by lower-cased name. */
const RUNTIME_TOOLS: Readonly<Record<string, (call: Call) => Sentence>> = {
  bash: command,
  shell: command,
  local_shell: command,
  exec_command: command,
  read: read,
  write: write,
  edit: edits,
  multiedit: edits,
  notebookedit: edits,
  apply_patch: patch,
  patch: patch,
  glob: (call) => search(call, true),
  grep: (call) => search(call, false),
  ls: list,
  list: list,
  webfetch: (call) => ({ icon: "web", verb: call.say("Fetching", "Fetched"), subject: field(call.fields, "url"), showOutput: true }),
  websearch: (call) => ({ icon: "web", verb: call.say("Searching the web for", "Searched the web for"), subject: field(call.fields, "query"), showOutput: true }),
  web_search: (call) => ({ icon: "web", verb: call.say("Searching the web for", "Searched the web for"), subject: field(call.fields, "query"), showOutput: true }),
  todowrite: todos,
  update_plan: todos,
  todoread: (call) => ({ icon: "todo", verb: call.say("Reading the to-do list", "Read the to-do list"), showOutput: true }),
  task: helper,
  bashoutput: (call) => ({ icon: "run", verb: call.say("Checking a background command", "Checked a background command"), showOutput: true }),
  killshell: (call) => ({ icon: "run", verb: call.say("Stopping a background command", "Stopped a background command") }),
  killbash: (call) => ({ icon: "run", verb: call.say("Stopping a background command", "Stopped a background command") }),
  exitplanmode: (call) => {
    const plan = field(call.fields, "plan")
    return { icon: "plan", verb: call.say("Presenting a plan", "Presented a plan"), details: plan ? [{ kind: "text", label: "Plan", text: plan }] : [] }
  },
}

/** The broker's builder tools, when their own card cannot show the call (a malformed input, a failure). */
const BUILDER_SENTENCES = {
  present_plan: ["plan", "Planning the app", "Planned the app"],
  present_suggestions: ["plan", "Suggesting next steps", "Suggested next steps"],
  present_agents: ["agent", "Presenting the agents", "Presented the agents for approval"],
  present_integration_setup: ["plan", "Presenting the integration setup", "Presented the integration setup"],
  set_app_metadata: ["plan", "Naming the app", "Named the app"],
  done_building: ["build", "Checking the build", "Checked the build"],
  list_app_integration_keys: ["data", "Checking the app's integration keys", "Checked the app's integration keys"],
} as const

const APP_DATA_SENTENCES = {
  list_documents: ["Reading documents in", "Read documents in"],
  insert_document: ["Adding a document to", "Added a document to"],
  update_document: ["Updating a document in", "Updated a document in"],
  delete_document: ["Deleting a document from", "Deleted a document from"],
} as const

/** The files present_agents and present_integration_setup read: a failed call is about the file (missing, or with problems). */
const PRESENTED_FILES = { present_agents: "agents.json", present_integration_setup: "integration-setup.json" } as const

/** The tool's answer, when it is a JSON object (the broker's tools answer JSON), however the runtime wrapped it. */
const outputFields = (part: ToolPart): Fields | null => (part.isError ? null : toolOutputFields(part.output))

function presented(call: Call, tool: keyof typeof PRESENTED_FILES): Sentence | null {
  if (call.part.isError) return { icon: BUILDER_SENTENCES[tool][0], verb: "Could not present", subject: PRESENTED_FILES[tool], showOutput: true }
  if (tool !== "present_agents") return null
  // present_agents answers with the summary its card shows: the count reads better than "the agents".
  const summary = outputFields(call.part)?.["summary"]
  const agents = typeof summary === "object" && summary !== null ? records((summary as Fields)["agents"]).length : null
  if (agents === null || agents === 0) return null
  return { icon: "agent", verb: `Presented ${agents} ${agents === 1 ? "agent" : "agents"} for approval`, showOutput: true }
}


/** An app agent's call of one of its custom tools (or its report of a failing one). */
function appTool(call: Call, tool: string): Sentence {
  if (tool === REPORT_TOOL_FAILURE) {
    const description = field(call.fields, "description")
    const failing = field(call.fields, "toolName")
    return {
      icon: "tool",
      verb: failing ? call.say("Reporting a failure of", "Reported a failure of") : call.say("Reporting a tool failure", "Reported a tool failure"),
      subject: failing,
      details: description ? [{ kind: "text", label: "Report", text: description }] : [],
    }
  }
  // A mock answer (the tool's declared mock data) says so: the worker starts its text with the
  // mock prefix (worker/src/mcp/AppTools.ts); an AppToolAnswer passed on as JSON has mock: true.
  const mock = (call.part.output?.startsWith(MOCK_ANSWER_PREFIX) ?? false) || outputFields(call.part)?.["mock"] === true
  return { icon: "tool", verb: call.say("Calling", "Called"), subject: tool, tail: mock ? "· mock" : null, details: inputDetails(call.part), showOutput: true }
}

function brokerTool(call: Call): Sentence | null {
  const builder = builderToolOf(call.part.name)
  if (builder) {
    const special = builder === "present_agents" || builder === "present_integration_setup" ? presented(call, builder) : null
    if (special) return special
    const [icon, doing, did] = BUILDER_SENTENCES[builder]
    return { icon, verb: call.say(doing, did), details: inputDetails(call.part), showOutput: true }
  }
  const [set, tool, ...rest] = call.part.name.split(".")
  if (set === "app_tools" && tool !== undefined && tool !== "" && rest.length === 0) return appTool(call, tool)
  if (set !== "app_data" || tool === undefined || !isAppDataToolName(tool)) return null
  const [doing, did] = APP_DATA_SENTENCES[tool]
  const collection = field(call.fields, "collection")
  return {
    icon: "data",
    verb: call.say(collection ? doing : `${doing} the app's data`, collection ? did : `${did} the app's data`),
    subject: collection,
    details: inputDetails(call.part),
    showOutput: true,
  }
}

/** The input as the runtime sent it: streamed input text (pretty when it is JSON), else the input object. */
export function toolInputText(part: Pick<ToolPart, "input" | "inputText">): string {
  if (part.inputText.length > 0) {
    try {
      return JSON.stringify(JSON.parse(part.inputText), null, 2)
    } catch {
      return part.inputText
    }
  }
  if (part.input === null || part.input === undefined) return ""
  return typeof part.input === "string" ? part.input : JSON.stringify(part.input, null, 2)
}

function inputDetails(part: ToolPart): ToolDetail[] {
  const text = toolInputText(part)
  return text === "" || text === "{}" ? [] : [{ kind: "input", text }]
}

function otherTool(call: Call): Sentence {
  // Another MCP server's tool, as Claude Code and Codex name it: mcp__<server>__<tool>.
  const mcp = /^mcp__(.+?)__(.+)$/.exec(call.part.name)
  return {
    icon: "tool",
    verb: call.say("Using", "Used"),
    subject: mcp ? mcp[2]! : call.part.name,
    tail: mcp ? `from ${mcp[1]}` : null,
    details: inputDetails(call.part),
    showOutput: true,
  }
}

/**
 * A finished command's exit code. Claude Code's Bash and Codex's shell report a non-zero exit as
 * an error, so a command that returned without one exited 0; a failure says its code when its
 * output starts with "Exit code N" (Claude Code). OpenCode's bash reports no exit code.
 */
function exitCodeOf(part: ToolPart): number | null {
  if (part.output === null) return null
  if (part.isError) {
    const said = /^(?:Error: )?Exit code (\d+)/i.exec(part.output.trimStart())
    return said ? Number(said[1]) : null
  }
  return part.name === "Bash" || part.name === "shell" ? 0 : null
}

export function describeTool(part: ToolPart, paths: PathContext = NO_PATH_CONTEXT): ToolSummary {
  const running = part.output === null && part.cutShort === undefined
  const call: Call = { part, fields: toolInputFields(part) ?? {}, paths, say: (doing, did) => (running ? doing : did) }
  const runtimeTool = RUNTIME_TOOLS[part.name.toLowerCase()]
  const sentence = runtimeTool ? runtimeTool(call) : (brokerTool(call) ?? otherTool(call))
  return {
    icon: sentence.icon,
    verb: sentence.verb,
    subject: sentence.subject ?? null,
    tail: sentence.tail ?? null,
    // A failed edit changed nothing.
    stats: part.isError ? null : (sentence.stats ?? null),
    exitCode: sentence.icon === "run" ? exitCodeOf(part) : null,
    details: sentence.details ?? [],
    showOutput: (sentence.showOutput ?? false) || part.isError,
  }
}

/** The summary as one line of plain text ("Edited src/App.tsx +12 −3"), for tests and titles. */
export function toolSentence(summary: ToolSummary): string {
  const stats = summary.stats ? ` ${statsText(summary.stats)}` : ""
  const exit = summary.exitCode !== null ? ` · exit ${summary.exitCode}` : ""
  return [summary.verb, summary.subject, summary.tail].filter((piece) => piece !== null).join(" ") + stats + exit
}

/** "+12 −3"; a side that is zero is left out, unless both are. */
export function statsText({ added, removed }: DiffStats): string {
  if (removed === 0) return `+${added}`
  return added === 0 ? `−${removed}` : `+${added} −${removed}`
}
