// What each runtime is called where people read it (pickers, run cards, refusals).

import type { RuntimeId } from "./run-event.ts"

const RUNTIME_LABELS: Readonly<Record<RuntimeId, string>> = { claude: "Claude Code", codex: "Codex", opencode: "OpenCode" }

export const runtimeLabel = (id: RuntimeId): string => RUNTIME_LABELS[id] ?? id
