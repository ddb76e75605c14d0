// The app's name and description as the builder agent sets them (set_app_metadata). The description
// is always the agent's; the name only until a person names the app themselves (nameSetBy "user"),
// and that decision is made atomically, so a rename at the same moment is never overwritten.

import type { AppMetadataResult } from "#shared/mcp/builder-tools.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, type AppDocument, type RunDocument } from "../store/collections.server.ts"
import { nowIso } from "../workspaces/scope.server.ts"
import { appAudience } from "./app-access.server.ts"

export interface AgentMetadata {
  /** Already cleaned (app/text/names.ts cleanName) and not empty. */
  readonly name: string
  readonly description: string
}

/** How often a name change may lose a race with another change before the agent's name is dropped. */
const ATTEMPTS = 3

/** Null when the app is gone or being deleted. */
export async function setAppMetadataByAgent(
  services: WebServices,
  app: AppDocument,
  run: RunDocument,
  metadata: AgentMetadata,
): Promise<AppMetadataResult | null> {
  const collection = services.store.collection(apps)
  let current: AppDocument | null = app
  for (let attempt = 1; current && !current.deleting; attempt += 1) {
    const nameSetBy = current.nameSetBy ?? "prompt"
    const applyName = nameSetBy !== "user" && attempt <= ATTEMPTS
    const ofApp = { id: app.id, workspaceId: app.workspaceId, deleting: null }
    const updated = applyName
      ? // Only if nobody named it in the meantime: `null` also matches older apps without the field.
        await collection.updateOne(
          { ...ofApp, nameSetBy: current.nameSetBy ?? null },
          { name: metadata.name, nameSetBy: "agent", description: metadata.description, updatedAt: nowIso() },
        )
      : await collection.updateOne(ofApp, { description: metadata.description, updatedAt: nowIso() })
    if (updated) {
      if (updated.name !== current.name) await auditRename(services, run, current.name, updated.name)
      void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.updated", appId: app.id }, appAudience(updated), services.log)
      return { nameApplied: applyName, name: updated.name, description: metadata.description }
    }
    current = await collection.findOne({ id: app.id, workspaceId: app.workspaceId })
  }
  return null
}

/** Renames are audited whoever makes them; the agent acts in the turn of the person who sent the message. */
const auditRename = (services: WebServices, run: RunDocument, before: string, after: string) =>
  recordAudit(services.store, {
    workspaceId: run.workspaceId,
    actorUserId: run.createdByUserId,
    action: "app.renamed",
    target: { type: "app", id: run.appId },
    before: { name: before },
    after: { name: after, by: "builder agent", runId: run.id },
  })
