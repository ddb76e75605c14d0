// The environment a runtime starts with, built from an allowlist rather than the worker's env
// minus a denylist: nothing the worker holds (internal token, store URLs, other runtimes' keys)
// can reach a runtime unless it is named here.

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
