// The environment a runtime starts with, built from an allowlist rather than the worker's env
// minus a denylist: nothing the worker holds (internal token, store URLs, other runtimes' keys)
// can reach a runtime unless it is named here.

import { createHash } from "node:crypto"
import { lstatSync, mkdirSync } from "node:fs"
import { join } from "node:path"

export const SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

export interface RuntimeEnvironmentInput {
  readonly home: string
  /** Directories to put in front of the system PATH (where the runtime's binary lives). */
  readonly extraPath?: readonly string[]
  /** What this runtime needs: its config locations, switches, and only its own provider key. */
  readonly variables: Readonly<Record<string, string | undefined>>
}

export function runtimeEnvironment(input: RuntimeEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: [...(input.extraPath ?? []), SANDBOX_PATH].join(":"),
    HOME: input.home,
    TMPDIR: `${input.home}/tmp`,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
  }
  for (const [name, value] of Object.entries(input.variables)) if (value !== undefined) env[name] = value
  return env
}

/**
 * A short temp directory private to one runtime home, for running without bubblewrap: the
 * home's own tmp when it is short enough, else /tmp/second-<hash>, made 0700 and used only if it
 * is a real directory owned by us (not something another user planted there).
 */
export function shortPrivateTmpdir(home: string): string {
  const inHome = join(home, "tmp")
  if (inHome.length <= 60) return inHome
  const candidate = join("/tmp", `second-${createHash("sha256").update(home).digest("hex").slice(0, 16)}`)
  try {
    mkdirSync(candidate, { mode: 0o700 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return inHome
  }
  const info = lstatSync(candidate)
  const ours = info.isDirectory() && !info.isSymbolicLink() && info.uid === process.getuid?.() && (info.mode & 0o077) === 0
  return ours ? candidate : inHome
}
