// Paths in file.changed events are relative to the app's working directory, while CLIs report
// them absolute (as they see the filesystem) or relative to their own cwd. This turns either into
// the relative form, purely by string (no filesystem access: parsers stay pure and fast).

import { posix } from "node:path"

/**
 * The path relative to `workdir`, or undefined when it lies outside it (or is the directory
 * itself): a change outside the app is not the app's file, and "../x" would mislead the UI.
 */
export function relativeToWorkdir(path: string, workdir: string): string | undefined {
  if (path === "" || workdir === "") return undefined
  const root = posix.normalize(workdir)
  const absolute = posix.isAbsolute(path) ? posix.normalize(path) : posix.join(root, path)
  const relative = posix.relative(root, absolute)
  if (relative === "" || relative === ".." || relative.startsWith("../") || posix.isAbsolute(relative)) return undefined
  return relative
}
