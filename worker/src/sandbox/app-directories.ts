// Where an app's files and its runtimes' private homes live. An app id is checked before it is
// ever joined into a path, so no request can name a directory outside the workspaces root.

import { chmodSync, mkdirSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import type { RuntimeId } from "#shared/runtime/run-event.ts"

export const APP_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/
/** Beside the apps' directories: the template's packages (see sharedModulesPath), never an app. */
const RESERVED_APP_IDS = new Set(["node_modules"])
export const isAppId = (appId: string) => APP_ID_PATTERN.test(appId) && !RESERVED_APP_IDS.has(appId)

/** The app template's node_modules: the packages every app builds with. */
export const templateModules = (templateDir: string) => join(templateDir, "node_modules")

/** Where an app finds them: the node_modules beside the app's directory, found by Node's and Vite's walk up. */
export const sharedModulesPath = (workdir: string) => join(dirname(workdir), "node_modules")

export class InvalidAppIdError extends Error {
  constructor() {
    super("The app id must be 1–64 lowercase letters, digits, '-' or '_', starting with a letter or digit.")
    this.name = "InvalidAppIdError"
  }
}

export interface AppDirectories {
  /** The app's source: the runtime's working directory and the only tree it may write besides its homes. */
  readonly workdir: string
  /** The runtime's private HOME (its config, caches and session files). */
  readonly home: string
  /** A separate HOME for shell commands the runtime runs (Codex), so they cannot read its config. */
  readonly shellHome: string
}

const privateDir = (path: string) => {
  mkdirSync(path, { recursive: true, mode: 0o700 })
  chmodSync(path, 0o700)
  return path
}

export function appDirectories(root: string, appId: string, runtime: RuntimeId): AppDirectories {
  if (!isAppId(appId)) throw new InvalidAppIdError()
  const home = privateDir(join(root, "homes", appId, runtime, "home"))
  // TMPDIR points inside the private home, away from the shared /tmp.
  privateDir(join(home, "tmp"))
  return {
    workdir: privateDir(join(root, "apps", appId)),
    home,
    shellHome: privateDir(join(root, "homes", appId, runtime, "shell-home")),
  }
}

export const appWorkdir = (root: string, appId: string) => {
  if (!isAppId(appId)) throw new InvalidAppIdError()
  return join(root, "apps", appId)
}

/** Removes everything the worker holds for an app: its source and every runtime's private homes. */
export function removeAppDirectories(root: string, appId: string): void {
  if (!isAppId(appId)) throw new InvalidAppIdError()
  rmSync(join(root, "apps", appId), { recursive: true, force: true })
  rmSync(join(root, "homes", appId), { recursive: true, force: true })
}
