// Before a build: every package the app's package.json names must be one the template installed,
// since the app's node_modules is the template's and this worker cannot install from a registry
// (the sandbox has no network). Saying so up front, in one line per package, beats the bundler's
// "failed to resolve import" halfway through. Versions are not compared: the installed one is used.
// NOTE: installing extra packages (a registry or an offline mirror) is out of scope for now.

import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { BuildProblem } from "#shared/runtime/run-event.ts"
import { templateModules } from "../sandbox/app-directories.ts"

const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/

const problem = (message: string, file: string | null = "package.json"): BuildProblem => ({
  step: "dependencies",
  file,
  line: null,
  column: null,
  message,
})

/** The names in a package.json's dependencies and devDependencies; null when it cannot be read. */
function declaredPackages(packageJson: string): string[] | null {
  try {
    const parsed = JSON.parse(readFileSync(packageJson, "utf8")) as Record<string, unknown>
    const names = (field: unknown) => (field !== null && typeof field === "object" ? Object.keys(field) : [])
    return [...new Set([...names(parsed["dependencies"]), ...names(parsed["devDependencies"])])]
  } catch {
    return null
  }
}

/** What keeps this app from building with the template's packages; empty when nothing does. */
export function dependencyProblems(workdir: string, templateDir: string): BuildProblem[] {
  const modules = templateModules(templateDir)
  if (!existsSync(join(modules, "vite", "package.json"))) {
    return [
      problem(
        `This worker's app template has no installed packages (${modules}): the operator must run npm ci in Second's directory (or node scripts/prepare-app-template.mjs).`,
        null,
      ),
    ]
  }
  const declared = declaredPackages(join(workdir, "package.json"))
  if (declared === null) return [problem("package.json is missing or is not valid JSON; restore it from the template's shape (dependencies, devDependencies, scripts).")]
  const installed = declaredPackages(join(templateDir, "package.json")) ?? []
  return declared
    .filter((name) => !PACKAGE_NAME.test(name) || !existsSync(join(modules, name, "package.json")))
    .map((name) =>
      problem(
        `${JSON.stringify(name)} is not installed, and this worker cannot install packages (no registry access); use what is installed: ${installed.join(", ")}. Remove it from package.json and write what you needed from it yourself.`,
      ),
    )
}
