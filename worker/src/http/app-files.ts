// The app's current source as the web persists it: every regular file under the working
// directory, by relative POSIX path — text as text, anything else (images, fonts) as base64.
// Dotfiles and dot-directories (.env, .git, runtime configs), node_modules and symlinks are never
// read, so no secret file rides along; files over the per-file limit are named, not sent; and the
// whole answer has size limits (base64 counted as sent).

import { isUtf8 } from "node:buffer"
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { AppSourceAnswer } from "#shared/runs/internal-api.ts"

export const FILE_LIMITS = { maxFileBytes: 512 * 1024, maxTotalBytes: 12 * 1024 * 1024, maxFiles: 2_000 } as const

export type AppFiles =
  | {
      readonly ok: true
      readonly files: Record<string, string>
      /** Files that are not text, base64-encoded. */
      readonly binaryFiles: Record<string, string>
      /** Files over the per-file limit: named, not sent. */
      readonly skipped: readonly string[]
    }
  | { readonly ok: false; readonly reason: string }

const SKIPPED_DIRECTORIES = new Set(["node_modules"])
// Claude Code's own command sandbox creates these, empty, in the working directory as mount
// points when they are missing. Empty, they are not source (an empty package.json is not even valid).
const SANDBOX_MOUNT_POINTS = new Set(["bunfig.toml", "package-lock.json", "package.json", "pnpm-lock.yaml", "yarn.lock"])

export function readAppFiles(workdir: string, limits = FILE_LIMITS): AppFiles {
  const files: Record<string, string> = {}
  const binaryFiles: Record<string, string> = {}
  const skipped: string[] = []
  let total = 0
  let count = 0
  // NOTE: every directory is opened (never through a link) and read through its descriptor
  // (/proc/self/fd/N/name, Linux's openat), so a directory swapped for a link while the runtime's
  // processes still run cannot lead the worker out of the app's directory.
  const walk = (directory: number, relative: string): string | null => {
    const at = (name: string) => `/proc/self/fd/${directory}/${name}`
    for (const name of readdirSync(`/proc/self/fd/${directory}`).sort()) {
      if (name.startsWith(".") || SKIPPED_DIRECTORIES.has(name)) continue
      const path = relative ? `${relative}/${name}` : name
      const info = lstatOrNull(at(name))
      if (info === null) continue
      if (info.isDirectory()) {
        const child = openNoFollow(at(name), constants.O_DIRECTORY)
        if (child === null) continue
        try {
          const problem = walk(child, path)
          if (problem) return problem
        } finally {
          closeSync(child)
        }
      } else if (info.isFile()) {
        if (info.size === 0 && relative === "" && SANDBOX_MOUNT_POINTS.has(name)) continue
        if (info.size > limits.maxFileBytes) {
          skipped.push(path)
          continue
        }
        const content = readRegularFile(at(name), info)
        if (content === null) continue
        const binary = content.subarray(0, 8_192).includes(0) || !isUtf8(content)
        const sent = binary ? content.toString("base64") : content.toString("utf8")
        count += 1
        total += binary ? sent.length : info.size
        if (count > limits.maxFiles) return `more than ${limits.maxFiles} files`
        if (total > limits.maxTotalBytes) return `more than ${limits.maxTotalBytes / (1024 * 1024)} MiB of source`
        if (binary) binaryFiles[path] = sent
        else files[path] = sent
      }
      // Symlinks, sockets and devices are never followed or read.
    }
    return null
  }
  const root = openNoFollow(workdir, constants.O_DIRECTORY)
  if (root === null) return { ok: true, files: {}, binaryFiles: {}, skipped: [] }
  try {
    const problem = walk(root, "")
    return problem ? { ok: false, reason: problem } : { ok: true, files, binaryFiles, skipped }
  } finally {
    closeSync(root)
  }
}

/** Gone between the listing and the look (the runtime deleted it): skipped. */
function lstatOrNull(path: string) {
  try {
    return lstatSync(path)
  } catch {
    return null
  }
}

/** A descriptor for the path unless its last component is a link (or it is gone): null then. */
function openNoFollow(path: string, flags = 0): number | null {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | flags)
  } catch {
    return null
  }
}

/**
 * The file's content, or null when it is no longer the regular file `seen` was (swapped for a
 * link or another file between the lstat and the read).
 */
function readRegularFile(path: string, seen: { readonly dev: number; readonly ino: number }): Buffer | null {
  const fd = openNoFollow(path)
  if (fd === null) return null
  try {
    const opened = fstatSync(fd)
    return opened.isFile() && opened.dev === seen.dev && opened.ino === seen.ino ? readFileSync(fd) : null
  } finally {
    closeSync(fd)
  }
}

/** The app's source as the contract with the web carries it: its files, or why they are too large. */
export function readAppSource(workdir: string, limits = FILE_LIMITS): AppSourceAnswer {
  const read = readAppFiles(workdir, limits)
  return read.ok ? { files: read.files, binaryFiles: read.binaryFiles, skipped: [...read.skipped] } : { tooLarge: read.reason }
}
