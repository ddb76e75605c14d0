// The environment as the web reads it, read leniently: every variable is parsed with the web's own
// spec (app/config/config.server.ts), and the web's own loader lists what it would refuse to start
// on. A refused variable becomes a problem to report instead of stopping the doctor.

import { loadWebConfig, webEnvSpec, type WebConfig } from "#app/config/config.server.ts"
import { credentialPieces, withoutCredentials } from "./connection-string.server.ts"
import { ConfigError, type Env, type Parsed, type VarSpec } from "#shared/config/env.ts"

type WebEnvValues = { -readonly [K in keyof Parsed<typeof webEnvSpec>]?: Parsed<typeof webEnvSpec>[K] }

export interface ConfigProblem {
  readonly variable: string
  readonly message: string
}

export interface DoctorEnv {
  /** The raw environment: only checks that must look at a value the spec refused (e.g. a short token) read it. */
  readonly env: Env
  readonly production: boolean
  /** Each variable that parsed; one that did not is absent here and listed in `problems`. */
  readonly values: WebEnvValues
  /** Everything the web would refuse to start on, one problem per variable. */
  readonly problems: readonly ConfigProblem[]
  /** Variables named by a problem: checks treat their values as not there. */
  readonly invalid: ReadonlySet<string>
  /** The whole configuration when the web would start with it. */
  readonly config: WebConfig | null
  /** Every secret value in the environment, so the printer can make sure none is ever shown. */
  readonly secretValues: readonly string[]
}

export function readDoctorEnv(env: Env): DoctorEnv {
  const values: Record<string, unknown> = {}
  for (const [key, variable] of Object.entries(webEnvSpec)) {
    try {
      values[key] = variable.parse(env[variable.name])
    } catch {
      // Listed with the web's own message by startupProblems below.
    }
  }
  const { problems, config } = startupProblems(env)
  const invalid = new Set(problems.map((problem) => problem.variable))
  return {
    env,
    production: env["NODE_ENV"]?.trim() === "production",
    values: values as WebEnvValues,
    problems,
    invalid,
    config,
    secretValues: secretValuesOf(env),
  }
}

// Stand-ins that get past one variable's problem, so the next problem shows: its example, else a
// long filler (the token's example is a shell command, too short to pass).
const standIns = (variable: VarSpec<unknown> | undefined) => [variable?.example ?? "", "0123456789abcdef".repeat(4)]

/**
 * Every problem the web would refuse to start on, not just the first: the web's loader stops at
 * one, so each refused variable is replaced by a stand-in and the loader asked again.
 */
function startupProblems(env: Env): { problems: ConfigProblem[]; config: WebConfig | null } {
  const problems: ConfigProblem[] = []
  const trial: Record<string, string | undefined> = { ...env }
  const attempts = new Map<string, number>()
  const specs = Object.values(webEnvSpec) as VarSpec<unknown>[]
  for (let round = 0; round <= specs.length * 2; round += 1) {
    try {
      const config = loadWebConfig(trial)
      return { problems, config: problems.length === 0 ? config : null }
    } catch (error) {
      const problem = problemOf(error, "configuration")
      const attempt = attempts.get(problem.variable) ?? 0
      if (attempt === 0) problems.push(problem)
      const standIn = standIns(specs.find((variable) => variable.name === problem.variable))[attempt]
      if (standIn === undefined) break
      attempts.set(problem.variable, attempt + 1)
      trial[problem.variable] = standIn
    }
  }
  return { problems, config: null }
}

function problemOf(error: unknown, fallbackVariable: string): ConfigProblem {
  if (error instanceof ConfigError) return { variable: error.variable, message: error.message }
  // Not a ConfigError: a bug in a parser; say so without echoing anything that might hold a value.
  return { variable: fallbackVariable, message: `${fallbackVariable} could not be read (${error instanceof Error ? error.name : "error"})` }
}

/** Values of the spec's secret variables, plus the passwords inside connection strings. */
function secretValuesOf(env: Env): string[] {
  const found: string[] = []
  for (const variable of Object.values(webEnvSpec)) {
    const value = env[variable.name]?.trim()
    if (!variable.secret || !value) continue
    // A connection string without credentials or options (redis://redis:6379) hides nothing and is
    // how the doctor names what it is waiting on; anything more is masked whole.
    const showable = /^[a-z+]+:\/\//i.test(value) && withoutCredentials(value) === value
    if (!showable) found.push(value)
    // Every "user:password" reading, the password and its "@"/"/"-separated pieces (a password may
    // hold "@" or "/" unencoded; a driver's error may quote a piece of it).
    if (/^[a-z+]+:\/\//i.test(value)) found.push(...credentialPieces(value))
  }
  // Longest first, so a value containing another is redacted whole.
  return [...new Set(found)].filter((value) => value.length >= 4).sort((a, b) => b.length - a.length)
}
