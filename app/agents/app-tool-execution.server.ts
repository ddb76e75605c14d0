// The one way an agent's custom tool or an app's appTool reaches the network. The caller names a
// tool and gives its input, nothing more: the definition is looked up by name in the approved
// configuration (draft: only while the draft's hash still equals the approved one; published: the
// published payload), for that agent only, and input is checked against the declared parameters.
// What is approved for mock data only, or whose credentials are not set up yet (this app's key and
// its stored secrets; the OAuth provider's client), answers the tool's declared mock data,
// labelled as such; a person who must connect or reconnect their account is a refusal. Every live
// call, and every refusal of an agent's call, is audited by what was called and how it ended,
// never by its input, a credential or the provider's answer; a mock answer touches nothing
// outside and is not audited (an app's code may call its appTools in a loop, and each call must
// not grow the audit log).

import type { AgentTool, CustomTool } from "#shared/agents/agents-config.ts"
import type { AppToolInput } from "#shared/mcp/app-tools.ts"
import type { AppToolAnswer } from "#shared/mcp/tool-execute.ts"
import { recordAudit, type AuditAction } from "../audit/audit.server.ts"
import { executeHttpTool, type HttpToolOutcome } from "../integrations/execute-http-tool.server.ts"
import { HttpToolError } from "../integrations/http-tool-error.server.ts"
import { checkToolInput } from "../integrations/tool-request.server.ts"
import type { WebServices } from "../services.server.ts"
import type { AppDocument } from "../store/collections.server.ts"
import { effectiveAgentsApproval } from "./approvals.server.ts"
import { credentialsFor } from "./tool-credentials.server.ts"

export type AppToolScope = "draft" | "published"

export interface AppToolCall {
  readonly workspaceId: string
  readonly app: AppDocument
  readonly scope: AppToolScope
  /** The agent whose tool this is; null for the app's own appTools (called through the SDK). */
  readonly agentId: string | null
  readonly toolName: string
  readonly input: AppToolInput
  /** Whose account an OAuth tool would use: the agent run's triggering person, or the viewer calling an appTool. */
  readonly identityUserId: string
  /** For an agent run: the hash it started under. A payload approved since (another hash) does not count for it. */
  readonly approvedHash?: string
  /**
   * For an agent run: the mode it started in (agent_runs.mode). The call uses the more restrictive
   * of it and the approval's current mode, so a run started on mock data stays on mock data.
   */
  readonly runMode?: "live" | "mock"
}

/**
 * Why a call was not made, or failed at the provider: a status for the boundary (403 not allowed,
 * 400 bad input, 502 the provider could not be reached or answered unusably) and a message the
 * agent or the app's code can act on. `retryable` says whether the same call may work later.
 */
export interface AppToolRefusal {
  readonly refused: true
  readonly status: 400 | 403 | 502
  readonly code: string
  readonly message: string
  readonly retryable: boolean
}

export const isAppToolRefusal = (outcome: AppToolAnswer | AppToolRefusal): outcome is AppToolRefusal => "refused" in outcome

export const MOCK_REASONS = {
  mockOnly: "Approved for mock data only (approved by a non-admin)",
  runStartedMock: "This run started while the agents were approved for mock data only, so it keeps using mock data",
} as const

const refusal = (status: AppToolRefusal["status"], code: string, message: string, retryable = false): AppToolRefusal => ({
  refused: true,
  status,
  code,
  message,
  retryable,
})

const notApproved = (call: AppToolCall) =>
  refusal(
    403,
    "agents_not_approved",
    call.scope === "draft"
      ? "This app's agents.json is not approved, or changed since it was approved: an owner or admin must approve it on the app's Agents page before its tools can run."
      : "The published version of this app has no approved agents.json: publish it with its agents approved.",
  )

function toolNotAllowed(call: AppToolCall, allowed: readonly string[]): AppToolRefusal {
  const whose = call.agentId === null ? "the app's approved appTools" : `the approved tools of agent "${call.agentId}"`
  const list = allowed.length > 0 ? `Allowed: ${allowed.join(", ")}.` : "It has none."
  return refusal(403, "tool_not_allowed", `"${call.toolName}" is not one of ${whose}. ${list}`)
}

const enabledCustomTools = (tools: readonly AgentTool[]): CustomTool[] =>
  tools.filter((tool): tool is CustomTool => tool.type === "custom" && tool.enabled !== false)

/** Live, or mock with the reason the answer carries: the more restrictive of the approval's mode and the run's. */
type Mode = { readonly live: true } | { readonly live: false; readonly reason: string }

/** The approved definition of the called tool, or why there is none. */
async function approvedTool(services: WebServices, call: AppToolCall): Promise<{ tool: CustomTool; mode: Mode } | AppToolRefusal> {
  const approval = await effectiveAgentsApproval(services, call.app, call.scope)
  if (!approval) return notApproved(call)
  if (call.approvedHash !== undefined && approval.hash !== call.approvedHash) {
    return refusal(403, "agents_not_approved", "The app's agents.json was approved again, differently, since this run started: stop, and tell the person to run the agent again.")
  }
  let tools: CustomTool[]
  if (call.agentId === null) {
    tools = enabledCustomTools(approval.config.appTools ?? [])
  } else {
    const agent = approval.config.agents.find((candidate) => candidate.id === call.agentId)
    if (!agent) return refusal(403, "agent_not_approved", `The approved agents.json has no agent "${call.agentId}".`)
    tools = enabledCustomTools(agent.tools)
  }
  const tool = tools.find((candidate) => candidate.name === call.toolName)
  const mode: Mode =
    approval.mode === "mock"
      ? { live: false, reason: MOCK_REASONS.mockOnly }
      : call.runMode === "mock"
        ? { live: false, reason: MOCK_REASONS.runStartedMock }
        : { live: true }
  return tool ? { tool, mode } : toolNotAllowed(call, tools.map((candidate) => candidate.name))
}

/**
 * Why the input does not fit the tool's declared parameters, or null. The agent (or the app's
 * code) sends what it likes; only declared names of the declared types reach a template. The same
 * check the request builder makes, so a mock answer and a live call accept the same input.
 */
export function inputProblem(tool: Pick<CustomTool, "name" | "input">, input: AppToolInput): string | null {
  try {
    checkToolInput(tool, input)
    return null
  } catch (error) {
    if (error instanceof HttpToolError) return asSentence(error.message)
    throw error
  }
}

/** A message that ends as a sentence, so advice can follow it. */
const asSentence = (message: string) => (/[.!?]$/.test(message) ? message : `${message}.`)

const mockAnswer = (tool: CustomTool, mockReason: string): AppToolAnswer => ({
  mock: true,
  mockReason,
  status: null,
  // One example, as one real call would answer.
  body: tool.mockData[0] ?? null,
})

function fromHttpOutcome(outcome: HttpToolOutcome): AppToolAnswer | AppToolRefusal {
  if (outcome.ok) return { mock: false, mockReason: null, status: outcome.status, body: outcome.body }
  // The caller's input is what to fix (a value a header or URL cannot carry, a URL grown too long):
  // a bad request, not a broken provider or tool, and nothing to report.
  if (outcome.code === "invalid_input") return refusal(400, "invalid_input", asSentence(outcome.message))
  const advice = outcome.retryable
    ? "It may work if you try again shortly."
    : "Trying again will not help; if it keeps you from the task, report it with report_tool_call_failed."
  return refusal(502, outcome.code, `${asSentence(outcome.message)} ${advice}`, outcome.retryable)
}

/**
 * Runs the tool as approved: live over the egress guard with the credentials resolved for this app
 * and person (tool-credentials), or its mock data with the reason (mock approval, or not set up yet).
 */
async function run(services: WebServices, call: AppToolCall, tool: CustomTool, mode: Mode): Promise<AppToolAnswer | AppToolRefusal> {
  if (!mode.live) return mockAnswer(tool, mode.reason)
  const credentials = await credentialsFor(services, call.app, tool, call.identityUserId)
  if (credentials.kind === "mock") return mockAnswer(tool, credentials.reason)
  if (credentials.kind === "refused") return refusal(credentials.status, credentials.code, credentials.message, credentials.retryable)
  return fromHttpOutcome(await executeHttpTool({ tool, input: call.input, secrets: credentials.secrets, bearerToken: credentials.bearerToken }, services.egress))
}

async function audit(services: WebServices, call: AppToolCall, action: AuditAction, details: { domain: string | null; status: number | null; code?: string }) {
  await recordAudit(services.store, {
    workspaceId: call.workspaceId,
    actorUserId: call.identityUserId,
    action,
    target: { type: "app", id: call.app.id },
    after: { agentId: call.agentId, tool: call.toolName, scope: call.scope, ...details },
  })
}

export async function executeAppTool(services: WebServices, call: AppToolCall): Promise<AppToolAnswer | AppToolRefusal> {
  const found = await approvedTool(services, call)
  // An agent refused a tool is worth an audit record; a browser's refused request writes nothing
  // (anyone may send one, and a refusal must not grow the store).
  const auditDenial = (details: { domain: string | null; status: number; code: string }) =>
    call.agentId === null ? Promise.resolve() : audit(services, call, "tool.denied", details)
  if ("refused" in found) {
    await auditDenial({ domain: null, status: found.status, code: found.code })
    return found
  }
  const domain = found.tool.integration.domain
  const problem = inputProblem(found.tool, call.input)
  if (problem) {
    await auditDenial({ domain, status: 400, code: "invalid_input" })
    return refusal(400, "invalid_input", problem)
  }
  const outcome = await run(services, call, found.tool, found.mode)
  if (isAppToolRefusal(outcome)) {
    // Refused for its input before anything was sent: a denial like the check above, not a failed call.
    if (outcome.status === 400) await auditDenial({ domain, status: outcome.status, code: outcome.code })
    else await audit(services, call, "tool.failed", { domain, status: outcome.status, code: outcome.code })
  } else if (!outcome.mock) {
    await audit(services, call, "tool.executed", { domain, status: outcome.status })
  }
  return outcome
}
