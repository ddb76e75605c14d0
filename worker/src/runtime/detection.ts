// Which runtimes this worker can run, and why not when it cannot: the binary (SECOND_*_PATH, else
// PATH, else this project's node_modules/.bin), its version, whether credentials look configured
// (never their values), OpenCode's JSON output support, and bubblewrap for Claude's env scrub.

import { spawnSync } from "node:child_process"
import { existsSync, realpathSync } from "node:fs"
import { dirname, join, resolve, sep } from "node:path"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { findBubblewrap } from "../sandbox/bubblewrap.ts"

export interface RuntimeDetection {
  readonly id: RuntimeId
  readonly usable: boolean
  /** Why it cannot be used, in words an operator can act on; null when usable. */
  readonly reason: string | null
  readonly binary: string | null
  readonly version: string | null
  readonly credentialsConfigured: boolean
  /** Trees the sandbox must show read-only for the binary to run (its installation). */
  readonly installation: readonly string[]
}

const BINARY_NAMES: Readonly<Record<RuntimeId, string>> = { claude: "claude", codex: "codex", opencode: "opencode" }
const KEY_HINTS: Readonly<Record<RuntimeId, string>> = {
  claude: "set ANTHROPIC_API_KEY",
  codex: "set CODEX_API_KEY or OPENAI_API_KEY",
  opencode: "set OPENAI_API_KEY (or ANTHROPIC_API_KEY / GOOGLE_API_KEY for those providers)",
}

export interface DetectionInput {
  readonly configuredPath: string | undefined
  readonly searchPath: string
  readonly credentialsConfigured: boolean
  readonly claudeEnvScrub: boolean
}

/**
 * Where this project's own devDependencies keep the CLIs (for `npm start` and the tests).
 * OpenCode is installed as its Linux x64 build directly: its wrapper package's other platform
 * builds are not on every registry, and then `npm ci` refuses the lockfile.
 */
const PROJECT_BINARIES = ["node_modules/.bin", "node_modules/opencode-linux-x64/bin"]

export function findBinary(runtime: RuntimeId, configuredPath: string | undefined, searchPath: string): string | null {
  if (configuredPath) return existsSync(configuredPath) ? configuredPath : null
  const directories = [...searchPath.split(":").filter(Boolean), ...PROJECT_BINARIES.map((directory) => resolve(directory))]
  for (const directory of directories) {
    const candidate = join(directory, BINARY_NAMES[runtime])
    if (existsSync(candidate)) return candidate
  }
  return null
}

function findOnPath(name: string): string | null {
  for (const directory of ["/usr/local/bin", "/usr/bin", "/bin"]) if (existsSync(join(directory, name))) return join(directory, name)
  return null
}

/** The installation a binary needs visible: its node_modules tree when installed by npm, and node. */
export function installationOf(binary: string): string[] {
  const real = realpathSync(binary)
  const marker = `${sep}node_modules${sep}`
  const index = real.lastIndexOf(marker)
  const tree = index >= 0 ? real.slice(0, index + marker.length - 1) : dirname(real)
  return [...new Set([tree, dirname(process.execPath)])]
}

/** What the command printed on stdout and stderr together (OpenCode prints help on stderr); null if it could not run. */
function run(binary: string, args: readonly string[]): string | null {
  const result = spawnSync(binary, [...args], {
    encoding: "utf8",
    timeout: 15_000,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: "/nonexistent", NO_COLOR: "1" } as unknown as NodeJS.ProcessEnv,
  })
  if (result.error) return null
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`
  return result.status === 0 || output.length > 0 ? output : null
}

export function detectRuntime(runtime: RuntimeId, input: DetectionInput): RuntimeDetection {
  const base = { id: runtime, credentialsConfigured: input.credentialsConfigured }
  const binary = findBinary(runtime, input.configuredPath, input.searchPath)
  const variable = `SECOND_${runtime.toUpperCase()}_PATH`
  if (!binary) {
    return { ...base, usable: false, binary: null, version: null, installation: [], reason: `${BINARY_NAMES[runtime]} was not found on PATH; install it or set ${variable}.` }
  }
  const version = run(binary, ["--version"])?.trim().split("\n")[0] || null
  const installation = installationOf(binary)
  const found = { ...base, binary, version, installation }
  if (version === null) return { ...found, usable: false, reason: `${binary} did not answer --version; check the installation.` }
  if (runtime === "opencode" && !(run(binary, ["run", "--help"]) ?? "").includes("--format")) {
    return { ...found, usable: false, reason: "this OpenCode does not support `run --format json`; upgrade it." }
  }
  if (runtime === "claude" && input.claudeEnvScrub && process.platform === "linux") {
    // Claude's own sandbox for its commands uses bubblewrap, and socat to bridge its proxy sockets.
    const missing = [findBubblewrap() === null ? "bubblewrap (bwrap)" : null, findOnPath("socat") === null ? "socat" : null].filter(Boolean)
    if (missing.length > 0) {
      return {
        ...found,
        usable: false,
        reason: `Claude Code's subprocess env scrubbing needs ${missing.join(" and ")}; install them, or set CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=0 on an externally isolated worker.`,
      }
    }
  }
  if (!input.credentialsConfigured) return { ...found, usable: false, reason: `no provider key is configured: ${KEY_HINTS[runtime]}.` }
  return { ...found, usable: true, reason: null }
}
