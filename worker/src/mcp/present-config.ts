// What present_agents and present_integration_setup answer: the file the builder wrote in the
// app's directory (agents.json, integration-setup.json), read safely and validated with the shared
// rules. A valid file is presented — its summary (and for agents.json the canonical hash the
// person's approval names) goes back in the result, which the chat's card shows; a missing or
// invalid one is a tool error saying what to fix, so the turn goes on (only an approval stop that
// returned without error ends it) and the builder can fix the file and call again. A valid
// integration-setup.json is presented only once the web recorded it as the app's keys (BuilderTools).

import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs"
import { AGENTS_CONFIG_FILE, AGENTS_CONFIG_LIMITS, type AgentsConfig } from "#shared/agents/agents-config.ts"
import { summarizeAgents } from "#shared/agents/agents-summary.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import {
  INTEGRATION_SETUP_FILE,
  INTEGRATION_SETUP_LIMITS,
  type IntegrationSetup,
  summarizeIntegrationSetup,
  validateIntegrationSetup,
} from "#shared/agents/integration-setup.ts"
import { describeProblems, validateAgentsConfig, type ConfigProblem } from "#shared/agents/validate-agents-config.ts"
import { APP_MANIFEST_FILE, COLLECTION_NAME_PATTERN } from "#shared/apps/app-data.ts"
import type { SyncIntegrationSetupResult } from "#shared/mcp/builder-tools.ts"
import type { ToolAnswer } from "./BuilderTools.ts"

export type AppConfigFile =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "missing" }
  /** There, but not something the worker reads: a link, a directory, too large. */
  | { readonly kind: "refused"; readonly reason: string }

/**
 * One file directly in the app's directory, never through a symbolic link (the runtime could
 * point one anywhere the worker can read), and at most `maxBytes`.
 * NOTE: the directory is opened without following a link and the file opened through its
 * descriptor (/proc/self/fd/N/name, as app-files.ts does), so neither can be swapped for a link
 * between a check and the read.
 */
export function readAppConfigFile(workdir: string, name: string, maxBytes: number): AppConfigFile {
  if (name.includes("/") || name.startsWith(".")) throw new Error(`not a file name in the app's directory: ${name}`)
  const directory = openOrCode(workdir, constants.O_DIRECTORY)
  if (typeof directory === "string") return { kind: "missing" }
  try {
    const file = openOrCode(`/proc/self/fd/${directory}/${name}`, 0)
    if (file === "ENOENT") return { kind: "missing" }
    if (file === "ELOOP") return { kind: "refused", reason: `${name} is a symbolic link; write it as a regular file in the app's directory.` }
    if (typeof file === "string") return { kind: "refused", reason: `${name} cannot be read (${file}); write it as a regular file in the app's directory.` }
    try {
      const info = fstatSync(file)
      if (!info.isFile()) return { kind: "refused", reason: `${name} is not a regular file; write it as one in the app's directory.` }
      // Read one byte past the limit rather than trust the size: the file may grow while it is read.
      const buffer = Buffer.alloc(maxBytes + 1)
      let length = 0
      while (length < buffer.length) {
        const read = readSync(file, buffer, length, buffer.length - length, null)
        if (read === 0) break
        length += read
      }
      if (length > maxBytes) return { kind: "refused", reason: `${name} is larger than ${Math.floor(maxBytes / 1024)} KiB; make it smaller.` }
      return { kind: "text", text: buffer.subarray(0, length).toString("utf8") }
    } finally {
      closeSync(file)
    }
  } finally {
    closeSync(directory)
  }
}

/** A descriptor, or the error's code (ENOENT, ELOOP for a link, …). */
function openOrCode(path: string, flags: number): number | string {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | flags)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return typeof code === "string" ? code : "EIO"
  }
}

/** second.json's dataCollections; missing or broken, it declares none (the validation then says which to add). */
export function declaredCollectionsIn(workdir: string): string[] {
  const manifest = readAppConfigFile(workdir, APP_MANIFEST_FILE, AGENTS_CONFIG_LIMITS.fileBytes)
  if (manifest.kind !== "text") return []
  try {
    const parsed: unknown = JSON.parse(manifest.text)
    const names = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["dataCollections"] : undefined
    return Array.isArray(names) ? [...new Set(names.filter((name): name is string => typeof name === "string" && COLLECTION_NAME_PATTERN.test(name)))] : []
  } catch {
    return []
  }
}

const presentedAnswer = (value: unknown): ToolAnswer => ({ text: JSON.stringify(value), isError: false })
const refusal = (text: string): ToolAnswer => ({ text, isError: true })

/** Said after a presented file: the person (or an admin) answers next. */
const NEXT_AGENTS = "Stop here: the person reviews the agents, and an owner or admin approves them before they run with real data. Your turn ends."
const NEXT_SETUP = "Stop here: an admin sets up the integrations from this; the person answers in the next message. Your turn ends."

const AGENTS_FORMAT =
  '{ "agents": [{ "id", "name", "description", "systemPrompt", "dataCollections": [...], "tools": [{ "type": "custom", "name", "description", "integration": { "name", "domain", "auth" }, "endpoint": { "method", "url" }, "input": {...}, "mockData": [...] }] }], "appTools": [...] }'
const SETUP_FORMAT =
  '{ "integrations": [{ "name", "domain", "keySlug", "keyName", "capabilityLabel", "why", "permissionGroups": [{ "name", "description", "permissions" }], "secrets": [{ "name", "label", "description", "required" }], "auth", "setupInstructions": { "overview", "steps": [{ "title", "description", "url" }], "links": [{ "label", "url" }] } }] }'

const problemsText = (file: string, tool: string, problems: readonly ConfigProblem[]) =>
  `${file} has problems:\n${describeProblems(problems)}\nFix ${file} and call ${tool} again.`

/** agents.json as it is now: the config when the file is there and valid. */
function readAgentsConfig(workdir: string): { readonly file: AppConfigFile; readonly config: AgentsConfig | null; readonly problems: readonly ConfigProblem[] } {
  const file = readAppConfigFile(workdir, AGENTS_CONFIG_FILE, AGENTS_CONFIG_LIMITS.fileBytes)
  if (file.kind !== "text") return { file, config: null, problems: [] }
  const checked = validateAgentsConfig(file.text, { declaredCollections: declaredCollectionsIn(workdir) })
  return checked.ok ? { file, config: checked.config, problems: [] } : { file, config: null, problems: checked.problems }
}

/** present_agents: agents.json, validated against the app's second.json, with its hash and summary. */
export function presentAgents(workdir: string): ToolAnswer {
  const { file, config, problems } = readAgentsConfig(workdir)
  if (file.kind === "missing") return refusal(`Write ${AGENTS_CONFIG_FILE} first (format: ${AGENTS_FORMAT}) in the app's directory, then call present_agents.`)
  if (file.kind === "refused") return refusal(file.reason)
  if (config === null) return refusal(problemsText(AGENTS_CONFIG_FILE, "present_agents", problems))
  return presentedAnswer({ ok: true, status: "presented", hash: agentsConfigHash(config), summary: summarizeAgents(config), next: NEXT_AGENTS })
}

/** integration-setup.json as it is now, checked against agents.json when that is there and valid: the setup, or the answer saying what to fix. */
export function readIntegrationSetup(workdir: string): { readonly ok: true; readonly setup: IntegrationSetup } | { readonly ok: false; readonly answer: ToolAnswer } {
  const file = readAppConfigFile(workdir, INTEGRATION_SETUP_FILE, INTEGRATION_SETUP_LIMITS.fileBytes)
  if (file.kind === "missing") {
    return { ok: false, answer: refusal(`Write ${INTEGRATION_SETUP_FILE} first (format: ${SETUP_FORMAT}) in the app's directory, then call present_integration_setup.`) }
  }
  if (file.kind === "refused") return { ok: false, answer: refusal(file.reason) }
  const { config } = readAgentsConfig(workdir)
  const checked = validateIntegrationSetup(file.text, config === null ? {} : { agentsConfig: config })
  if (!checked.ok) return { ok: false, answer: refusal(problemsText(INTEGRATION_SETUP_FILE, "present_integration_setup", checked.problems)) }
  return { ok: true, setup: checked.config }
}

/** present_integration_setup's answer once the web recorded the setup as the app's keys: the card's summary and what was synced. */
export function presentedSetupAnswer(setup: IntegrationSetup, synced: SyncIntegrationSetupResult): ToolAnswer {
  return presentedAnswer({ ok: true, status: "presented", summary: summarizeIntegrationSetup(setup), synced, next: NEXT_SETUP })
}

/**
 * When the file is valid but Second could not record it: an error (no card, the turn goes on), so
 * nobody is shown a setup the Integrations page does not have.
 */
export const setupNotSyncedAnswer = (why: string): ToolAnswer =>
  refusal(`${INTEGRATION_SETUP_FILE} is valid, but Second could not record it as the app's integration keys: ${why} Call present_integration_setup again in a moment.`)
