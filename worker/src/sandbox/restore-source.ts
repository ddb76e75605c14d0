// Puts an app's persisted source into its working directory. restoreSource fills a directory that
// a new worker does not have yet (a fresh pod, a wiped disk): it only ever fills an EMPTY
// directory, so it can never overwrite work in progress. replaceSource is for the turn after the
// person restored an earlier version: the directory's source is replaced by that version's, keeping
// only what is not source (dot-entries: runtime configs, caches; node_modules: installed packages).
// Every path is checked to stay inside the directory.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, normalize, sep } from "node:path"

/** True when the directory holds anything an app would call its source. */
export function hasSource(workdir: string): boolean {
  try {
    return readdirSync(workdir).some((name) => !name.startsWith("."))
  } catch {
    return false
  }
}

/** Kept by a replace: not source, and slow or impossible to recreate inside the sandbox. */
const KEPT_ON_REPLACE = "node_modules"

const isSafeRelativePath = (path: string) => {
  if (path.length === 0 || path.length > 240 || path.includes("\0") || path.startsWith("/")) return false
  const normalized = normalize(path)
  return normalized === path.replaceAll("/", sep) && !normalized.split(sep).some((part) => part === ".." || part === "" || part.startsWith("."))
}

function writeFiles(workdir: string, files: Readonly<Record<string, string>>, binaryFiles: Readonly<Record<string, string>>): number {
  const entries = [
    ...Object.entries(files).map(([path, text]) => [path, Buffer.from(text, "utf8")] as const),
    ...Object.entries(binaryFiles).map(([path, base64]) => [path, Buffer.from(base64, "base64")] as const),
    // Never into the kept node_modules: it may be a link to the shared, read-only packages.
  ].filter(([path]) => isSafeRelativePath(path) && path.split("/")[0] !== KEPT_ON_REPLACE)
  for (const [path, content] of entries) {
    const target = join(workdir, path)
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 })
    writeFileSync(target, content, { mode: 0o600 })
  }
  return entries.length
}

/**
 * Writes the files (text, and base64 for the others) into an empty workdir; returns how many were
 * written (0 when it had source).
 */
export function restoreSource(
  workdir: string,
  files: Readonly<Record<string, string>>,
  binaryFiles: Readonly<Record<string, string>> = {},
): number {
  if (hasSource(workdir)) return 0
  return writeFiles(workdir, files, binaryFiles)
}

/**
 * Removes every entry of the workdir but dot-entries and node_modules (a link is removed, never
 * followed), then writes the files; returns how many were written.
 */
export function replaceSource(
  workdir: string,
  files: Readonly<Record<string, string>>,
  binaryFiles: Readonly<Record<string, string>> = {},
): number {
  mkdirSync(workdir, { recursive: true, mode: 0o700 })
  for (const name of readdirSync(workdir)) {
    if (name.startsWith(".") || name === KEPT_ON_REPLACE) continue
    rmSync(join(workdir, name), { recursive: true, force: true })
  }
  return writeFiles(workdir, files, binaryFiles)
}
