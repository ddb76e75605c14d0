// Whether a present_agents or present_integration_setup answer can be shown as its card, read
// cheaply in the page's own bundle: the card's details are read in full by its chunk
// (agents-summary-view.ts, loaded with agents-chat-chunk.tsx). A call that failed or answered
// something else gets the generic tool card.

import { toolOutputFields } from "../builder/tool-input.ts"

const isFields = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === "object" && value !== null && !Array.isArray(value)

/** The hash of the configuration present_agents showed, when its answer reads as presented agents. */
export function presentedAgentsHash(output: string | null): string | null {
  const fields = toolOutputFields(output)
  if (fields === null || fields["ok"] === false || typeof fields["hash"] !== "string" || fields["hash"] === "") return null
  const summary = fields["summary"]
  return isFields(summary) && Array.isArray(summary["agents"]) ? fields["hash"] : null
}

/** Whether present_integration_setup's answer lists integrations to set up. */
export function presentsIntegrationSetup(output: string | null): boolean {
  const fields = toolOutputFields(output)
  const summary = fields?.["ok"] === false ? null : fields?.["summary"]
  return isFields(summary) && Array.isArray(summary["integrations"]) && summary["integrations"].length > 0
}
