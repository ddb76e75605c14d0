// Puts an app's last persisted source back into a working directory that a new worker does not
// have yet (a fresh pod, a wiped disk). It only ever fills an EMPTY directory, so it can never
// overwrite work in progress, and every path is checked to stay inside the directory.

import { mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { dirname, join, normalize, sep } from "node:path"

/** True when the directory holds anything an app would call its source. */
export function hasSource(workdir: string): boolean {
  try {
    return readdirSync(workdir).some((name) => !name.startsWith("."))
  } catch {
    return false
  }
}

const isSafeRelativePath = (path: string) => {
  if (path.length === 0 || path.length > 240 || path.includes("\0") || path.startsWith("/")) return false
  const normalized = normalize(path)
  return normalized === path.replaceAll("/", sep) && !normalized.split(sep).some((part) => part === ".." || part === "" || part.startsWith("."))
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
  const entries = [
    ...Object.entries(files).map(([path, text]) => [path, Buffer.from(text, "utf8")] as const),
    ...Object.entries(binaryFiles).map(([path, base64]) => [path, Buffer.from(base64, "base64")] as const),
  ].filter(([path]) => isSafeRelativePath(path))
  for (const [path, content] of entries) {
    const target = join(workdir, path)
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 })
    writeFileSync(target, content, { mode: 0o600 })
  }
  return entries.length
}
