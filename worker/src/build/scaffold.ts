// An app's working directory as the builder agent and the build find it: a new app starts as a
// copy of the template, and the template's prepared packages are found one level up, in the
// node_modules beside every app's directory (Node and Vite resolve packages by walking up). They
// are not linked inside the app's directory: Claude Code's own command sandbox guards a
// node_modules there with a mount of its own, which fails on a link (every Bash call then fails).
// Runs at the start of every turn and of every build; idempotent.

import { cpSync, lstatSync, readlinkSync, rmSync, symlinkSync } from "node:fs"
import { basename, join, relative } from "node:path"
import { Effect } from "effect"
import { sharedModulesPath, templateModules } from "../sandbox/app-directories.ts"
import { hasSource } from "../sandbox/restore-source.ts"

/**
 * Never copied from the template: its installed dependencies (linked instead), what a build of
 * the template left there, and dot-entries (caches; an app's dotfiles are never persisted).
 */
const notCopied = (relative: string) => {
  const name = basename(relative)
  return name === "node_modules" || name.startsWith(".") || relative === "dist"
}


/**
 * Makes the node_modules beside the app's directory a link to the template's (for runs without
 * bubblewrap, and for tools outside it), and removes a node_modules inside the app's directory:
 * one made there would hide the prepared packages (and the build is promised those only).
 */
export function linkNodeModules(workdir: string, templateDir: string): void {
  const inside = join(workdir, "node_modules")
  if (lstatOrNull(inside)) rmSync(inside, { recursive: true, force: true })
  const link = sharedModulesPath(workdir)
  const target = templateModules(templateDir)
  const existing = lstatOrNull(link)
  if (existing?.isSymbolicLink() && readlinkSync(link) === target) return
  if (existing) rmSync(link, { recursive: true, force: true })
  try {
    symlinkSync(target, link, "dir")
  } catch (error) {
    // Another app's turn made it a moment ago.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
  }
}

/** Copies the template into an app directory that holds no source; returns whether it did. */
export function copyTemplate(workdir: string, templateDir: string): boolean {
  if (hasSource(workdir)) return false
  cpSync(templateDir, workdir, {
    recursive: true,
    filter: (source) => source === templateDir || !notCopied(relative(templateDir, source)),
  })
  return true
}

/** The turn's preparation of the app's directory: the template for a new app, the link always. */
export const scaffoldApp = (workdir: string, templateDir: string): Effect.Effect<void> =>
  Effect.try({
    try: () => {
      copyTemplate(workdir, templateDir)
      linkNodeModules(workdir, templateDir)
    },
    catch: (error) => (error instanceof Error ? error.message : String(error)),
  }).pipe(
    // The agent can still write the app by hand; its build then says what is missing.
    Effect.catch((reason) => Effect.logWarning(`could not prepare ${workdir} from the app template ${templateDir}: ${reason}`)),
  )

function lstatOrNull(path: string) {
  try {
    return lstatSync(path)
  } catch {
    return null
  }
}
