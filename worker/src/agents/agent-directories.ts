// Where an agent run lives on the worker and how it goes: its directories are an app's layout
// under the key `agent-<runId>` (their own workdir and private homes, never the app's), removed
// when the run ends and, for runs a stopped worker left behind, when the worker starts again.
// Also where its runtime reaches the broker.

import { readdirSync } from "node:fs"
import { join } from "node:path"
import { isAppId, removeAppDirectories } from "../sandbox/app-directories.ts"

const AGENT_KEY_PREFIX = "agent-"

/** Removes a run's directories (its key is checked before it is joined into a path). */
export function removeAgentRunDirectories(workspacesDir: string, key: string): void {
  if (key.startsWith(AGENT_KEY_PREFIX) && isAppId(key)) removeAppDirectories(workspacesDir, key)
}

/** Removes every agent run's directories: at startup no run of this worker is running yet. */
export function removeLeftoverAgentRunDirectories(workspacesDir: string): void {
  const keys = new Set<string>()
  for (const parent of ["apps", "homes"]) {
    try {
      for (const name of readdirSync(join(workspacesDir, parent))) if (name.startsWith(AGENT_KEY_PREFIX)) keys.add(name)
    } catch {
      // No such directory yet: nothing left over.
    }
  }
  for (const key of keys) removeAgentRunDirectories(workspacesDir, key)
}
