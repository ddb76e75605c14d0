// The paths and commands in an agent's tool calls as a person reads them: relative to the app's
// folder ("src/App.tsx", not "/var/lib/second/apps/k3…/src/App.tsx"). The runtimes report absolute
// paths in a call's input but the app-relative path in its file change, so a transcript that
// changed a file tells where the app's folder is; the worker's own layout is the fallback.

import type { Transcript } from "#shared/runs/transcript.ts"
import { toolInputFields } from "./tool-input.ts"

export interface PathContext {
  /** Absolute folders (ending in "/") that are the app's folder, learnt from the transcript. */
  readonly roots: readonly string[]
  /** How the transcript says each file it changed changed, by app-relative path. */
  readonly changes: ReadonlyMap<string, "created" | "modified" | "deleted">
}

export const NO_PATH_CONTEXT: PathContext = { roots: [], changes: new Map() }

/**
 * An app's folder as the worker lays it out: `<root>/apps/<appId>/`.
 * NOTE: mirrors worker/src/sandbox/app-directories.ts (appDirectories, APP_ID_PATTERN); only a
 * fallback for transcripts that changed no file, so a change there makes paths longer, not wrong.
 */
const WORKER_APP_FOLDER = /^\/(?:[^/\s]+\/)*?apps\/[a-z0-9][a-z0-9_-]{0,63}\//

const PATH_FIELDS = ["file_path", "filePath", "notebook_path", "path"] as const

/** The absolute path a call's input names, if any. */
function absolutePathsOf(fields: Readonly<Record<string, unknown>> | null): string[] {
  if (fields === null) return []
  return PATH_FIELDS.map((key) => fields[key]).filter((value): value is string => typeof value === "string" && value.startsWith("/"))
}

/** The app's folder, from each call whose absolute path ends with a path the transcript says changed. */
export function pathContextOf(parts: Transcript): PathContext {
  const changes = new Map(parts.flatMap((part) => (part.kind === "file" ? [[part.path, part.change] as const] : [])))
  if (changes.size === 0) return NO_PATH_CONTEXT
  const changed = [...changes.keys()]
  const roots = new Set<string>()
  for (const part of parts) {
    if (part.kind !== "tool") continue
    for (const path of absolutePathsOf(toolInputFields(part))) {
      const relative = changed.find((file) => path.endsWith(`/${file}`))
      if (relative) roots.add(path.slice(0, path.length - relative.length))
    }
  }
  return { roots: [...roots], changes }
}

/** The folder `path` lies in that is the app's, with its trailing "/", or null. */
function appFolderOf(path: string, context: PathContext): string | null {
  const known = context.roots.find((root) => path.startsWith(root) || `${path}/` === root)
  if (known) return known
  return WORKER_APP_FOLDER.exec(`${path}/`)?.[0] ?? null
}

/** A path relative to the app's folder ("." for the folder itself); other paths as they are. */
export function displayPath(path: string, context: PathContext): string {
  if (!path.startsWith("/")) return path
  const folder = appFolderOf(path, context)
  if (folder === null) return path
  return `${path}/` === folder ? "." : path.slice(folder.length)
}

/** Unwraps `bash -lc '…'` (how Codex reports a command) to the command the agent wrote. */
function unwrapShell(command: string): string {
  const wrapped = /^(?:\S*\/)?(?:ba|z)?sh\s+-l?c\s+(['"])([\s\S]*)\1$/.exec(command.trim())
  if (!wrapped?.[2]) return command.trim()
  // Inside single quotes a quote is written '\''; inside double quotes \" and \\ are escapes.
  return wrapped[1] === "'" ? wrapped[2].replaceAll(`'\\''`, "'") : wrapped[2].replace(/\\(["\\$`])/g, "$1")
}

/** A shell command as the agent meant it: unwrapped, without a leading `cd <app folder> &&`, app paths shortened. */
export function displayCommand(command: string, context: PathContext): string {
  let shown = unwrapShell(command).replace(/^cd\s+(\S+)\s*&&\s*/, (whole, folder: string) =>
    displayPath(folder.replace(/^(['"])(.*)\1$/, "$2"), context) === "." ? "" : whole,
  )
  for (const root of context.roots) shown = shown.replaceAll(root, "").replaceAll(root.slice(0, -1), ".")
  return shown
}
