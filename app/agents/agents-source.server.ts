// The app's agents.json as its draft source holds it now (the latest snapshot the web kept), read,
// validated against the collections the app declares in second.json, and hashed the way approvals
// are. Everything that asks "is this still what was approved?" starts here.

import { AGENTS_CONFIG_FILE, type AgentsConfig } from "#shared/agents/agents-config.ts"
import { agentsConfigHash, JsonTooDeepError } from "#shared/agents/canonical-hash.ts"
import type { ConfigProblem } from "#shared/agents/config-problems.ts"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import { APP_MANIFEST_FILE, COLLECTION_NAME_PATTERN } from "#shared/apps/app-data.ts"
import { loadSnapshot } from "../apps/snapshots.server.ts"
import type { WebServices } from "../services.server.ts"
import type { AppDocument, SnapshotDocument } from "../store/collections.server.ts"

export interface DraftAgentsConfig {
  /** Whether the source has an agents.json at all. */
  readonly present: boolean
  /** The file's text as the builder wrote it; null when absent (or not text). */
  readonly raw: string | null
  /** The validated configuration; null when absent or invalid. */
  readonly config: AgentsConfig | null
  /** What is wrong with it, each at its JSON path; empty when valid or absent. */
  readonly problems: readonly ConfigProblem[]
  /** agentsConfigHash of the valid configuration; null otherwise. */
  readonly hash: string | null
}

const ABSENT: DraftAgentsConfig = { present: false, raw: null, config: null, problems: [], hash: null }

/**
 * second.json's dataCollections, read as the worker reads them (worker/src/mcp/AppDataTools.ts): a
 * missing or broken manifest declares none, so an agent naming a collection is told to declare it.
 */
export function declaredCollectionsIn(files: Readonly<Record<string, string>>): string[] {
  const text = files[APP_MANIFEST_FILE]
  if (text === undefined) return []
  try {
    const manifest: unknown = JSON.parse(text)
    const names = typeof manifest === "object" && manifest !== null ? (manifest as Record<string, unknown>)["dataCollections"] : undefined
    return Array.isArray(names) ? [...new Set(names.filter((name): name is string => typeof name === "string" && COLLECTION_NAME_PATTERN.test(name)))] : []
  } catch {
    return []
  }
}

/** agents.json of one snapshot (null: the app has no source yet). */
export function agentsConfigOf(snapshot: Pick<SnapshotDocument, "files" | "binaryFiles"> | null): DraftAgentsConfig {
  if (!snapshot) return ABSENT
  const raw = snapshot.files[AGENTS_CONFIG_FILE]
  if (raw === undefined) {
    if (snapshot.binaryFiles?.[AGENTS_CONFIG_FILE] === undefined) return ABSENT
    return { ...ABSENT, present: true, problems: [{ path: "$", message: `${AGENTS_CONFIG_FILE} is not UTF-8 text; write it as plain JSON` }] }
  }
  const result = validateAgentsConfig(raw, { declaredCollections: declaredCollectionsIn(snapshot.files) })
  if (!result.ok) return { present: true, raw, config: null, problems: result.problems, hash: null }
  const hash = hashOrNull(result.config)
  // Validation refuses what cannot be hashed; should the two ever disagree, the file is invalid
  // (so a standing approval is cleared, and audited) rather than a reader failing with a 500.
  if (hash === null) return { present: true, raw, config: null, problems: [UNHASHABLE], hash: null }
  return { present: true, raw, config: result.config, problems: [], hash }
}

const UNHASHABLE: ConfigProblem = { path: "$", message: `${AGENTS_CONFIG_FILE} nests its values too deeply to be reviewed; flatten mock data, body and responseSchema` }

function hashOrNull(config: AgentsConfig): string | null {
  try {
    return agentsConfigHash(config)
  } catch (error) {
    if (error instanceof JsonTooDeepError || error instanceof RangeError) return null
    throw error
  }
}

// Snapshots never change once stored, so what one holds is read (and validated, and hashed) once:
// every agent tool call asks whether the draft still hashes as approved, and a snapshot carries
// the whole source, dist/ included.
const READ_CACHE_ENTRIES = 256
const readCache = new Map<string, DraftAgentsConfig>()

/** The draft's agents.json, from the app's latest kept source. */
export async function readDraftAgentsConfig(services: WebServices, app: AppDocument): Promise<DraftAgentsConfig> {
  if (!app.snapshotId) return ABSENT
  const key = `${app.workspaceId}:${app.snapshotId}`
  const cached = readCache.get(key)
  if (cached) return cached
  const snapshot = await loadSnapshot(services, app)
  // A snapshot not found (deleted with its app, or not written yet) is not remembered.
  if (!snapshot) return ABSENT
  const read = agentsConfigOf(snapshot)
  readCache.set(key, read)
  if (readCache.size > READ_CACHE_ENTRIES) readCache.delete(readCache.keys().next().value!)
  return read
}
