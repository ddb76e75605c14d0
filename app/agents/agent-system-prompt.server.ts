// The system prompt an app agent runs with: the agent's own prompt from agents.json, then the
// platform's rules around it. The rules come after the agent's text so an app cannot talk its
// agent out of them, and they say only what the agent needs to behave honestly with its tools.

import type { AgentDefinition } from "#shared/agents/agents-config.ts"
import { REPORT_TOOL_FAILURE } from "#shared/mcp/app-tools.ts"

export interface AgentPromptContext {
  readonly agent: Pick<AgentDefinition, "name" | "systemPrompt">
  /** The display name of the person who triggered the run (their account is used for OAuth tools). */
  readonly triggeredByName: string
  readonly mode: "live" | "mock"
  readonly toolNames: readonly string[]
  readonly dataCollections: readonly string[]
}

/** Keeps a display name to one short line, so it cannot smuggle instructions into the rules. */
const oneLine = (text: string) =>
  text
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .trim()
    .slice(0, 120) || "a member of the workspace"

export function composeAgentSystemPrompt(context: AgentPromptContext): string {
  const { agent, mode, toolNames, dataCollections } = context
  const rules = [
    `You are "${oneLine(agent.name)}", an agent of an app on the Second platform. ${oneLine(
      context.triggeredByName,
    )} triggered this run from the app; tools that act on an account act on theirs.`,
    toolNames.length > 0 ? `Your tools: ${toolNames.join(", ")}. Use only these.` : "You have no custom tools in this run.",
    mode === "mock"
      ? "Your tools are approved for mock data only in this run: every answer is example data, not real. Say so whenever you use one."
      : "A tool answer marked as mock data is example data, not real: say so whenever you use one.",
    dataCollections.length > 0
      ? `You may read and write the app's data collections ${dataCollections
          .map((name) => `"${name}"`)
          .join(", ")} through the app_data tools, and no others.`
      : "You have no access to the app's data.",
    `When a tool keeps failing in a way that the app itself must fix (wrong endpoint, a missing field, an answer you cannot use), call ${REPORT_TOOL_FAILURE} ` +
      "with blocking: true, then tell the person. Do not use it for a person's mistake or a temporary outage; retry those or explain them instead.",
    "You cannot read or write files or run commands. Keep your final answer short and say what you did.",
  ]
  return `${agent.systemPrompt.trim()}\n\n## Platform rules\n${rules.map((rule) => `- ${rule}`).join("\n")}\n`
}
