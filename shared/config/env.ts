// Declarative environment-variable specs shared by the web and worker config modules.
// Each variable knows how to parse itself, documents itself (the `.env.example` test reads
// `describe`), and fails with one line that names the variable, what is wrong and a good example.
// Values of secret variables never appear in an error message.

import { Secret } from "./secret.ts"

export type Env = Readonly<Record<string, string | undefined>>

export class ConfigError extends Error {
  readonly variable: string

  constructor(variable: string, problem: string, example: string) {
    super(`Invalid configuration: ${variable} ${problem}. Example: ${variable}=${example}`)
    this.name = "ConfigError"
    this.variable = variable
  }
}

export interface VarSpec<T> {
  readonly name: string
  /** One line, shown in `.env.example` and in docs. */
  readonly describe: string
  readonly example: string
  readonly secret: boolean
  parse(raw: string | undefined): T
}

type Parser<T> = (value: string, fail: (problem: string) => never) => T

interface VarOptions {
  readonly describe: string
  readonly example: string
  readonly secret?: boolean
}

function makeVar<T, D>(name: string, options: VarOptions, parser: Parser<T>, fallback: D): VarSpec<T | D> {
  const secret = options.secret ?? false
  const fail = (problem: string): never => {
    throw new ConfigError(name, problem, options.example)
  }
  return {
    name,
    describe: options.describe,
    example: options.example,
    secret,
    parse(raw) {
      // An empty value is how compose files and shells spell "unset".
      if (raw === undefined || raw.trim() === "") return fallback
      return parser(raw.trim(), fail)
    },
  }
}

const show = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)

/** A URL as typed, unless it carries credentials (user:password@host), which are never echoed. */
const showUrl = (value: string) => (/^[^/]*\/\/[^/]*@/.test(value) ? "a URL with credentials" : show(value))

export const text = (name: string, options: VarOptions) =>
  makeVar(name, options, (value) => value, undefined)

export const oneOf = <const Choice extends string>(name: string, choices: readonly Choice[], options: VarOptions) =>
  makeVar(
    name,
    options,
    (value, fail) => {
      if ((choices as readonly string[]).includes(value)) return value as Choice
      return fail(`must be one of ${choices.join(", ")} (got ${show(value)})`)
    },
    undefined,
  )

const truthy = ["1", "true", "yes", "on"]
const falsy = ["0", "false", "no", "off"]

/** A switch: 1/true/yes/on or 0/false/no/off. Unset is `undefined` so callers choose the default. */
export const flag = (name: string, options: VarOptions) =>
  makeVar(
    name,
    options,
    (value, fail) => {
      const lowered = value.toLowerCase()
      if (truthy.includes(lowered)) return true
      if (falsy.includes(lowered)) return false
      return fail(`must be 1 or 0 (got ${show(value)})`)
    },
    undefined,
  )

export const port = (name: string, options: VarOptions) =>
  makeVar(
    name,
    options,
    (value, fail) => {
      const parsed = Number(value)
      if (!/^\d+$/.test(value) || parsed > 65535) return fail(`must be a port number from 0 to 65535 (got ${show(value)})`)
      return parsed
    },
    undefined,
  )

interface IntegerOptions extends VarOptions {
  readonly min: number
  readonly max: number
}

export const integer = (name: string, options: IntegerOptions) =>
  makeVar(
    name,
    options,
    (value, fail) => {
      const parsed = Number(value)
      if (!/^\d+$/.test(value) || parsed < options.min || parsed > options.max) {
        return fail(`must be a whole number from ${options.min} to ${options.max} (got ${show(value)})`)
      }
      return parsed
    },
    undefined,
  )

interface UrlOptions extends VarOptions {
  readonly protocols: readonly string[]
  /** Reject paths, queries and fragments: the value is an origin such as https://host:port. */
  readonly originOnly?: boolean
}

export const url = (name: string, options: UrlOptions) =>
  makeVar(
    name,
    options,
    (value, fail) => {
      const expected = options.protocols.map((protocol) => `${protocol}//`).join(" or ")
      let parsed: URL
      try {
        parsed = new URL(value)
      } catch {
        return fail(`must be a URL starting with ${expected} (got ${showUrl(value)})`)
      }
      if (!options.protocols.includes(parsed.protocol)) return fail(`must start with ${expected} (got ${showUrl(value)})`)
      if (options.originOnly && (parsed.pathname !== "/" || parsed.search !== "" || parsed.hash !== "")) {
        return fail(`must be an origin without a path, query or fragment (got ${showUrl(value)})`)
      }
      return parsed
    },
    undefined,
  )

export const absolutePath = (name: string, options: VarOptions) =>
  makeVar(
    name,
    options,
    (value, fail) => (value.startsWith("/") ? value : fail(`must be an absolute path (got ${show(value)})`)),
    undefined,
  )

interface SecretOptions extends VarOptions {
  readonly minLength?: number
}

export const secret = (name: string, options: SecretOptions) =>
  makeVar(
    name,
    { ...options, secret: true },
    (value, fail) => {
      if (options.minLength !== undefined && value.length < options.minLength) {
        return fail(`is too short (${value.length} characters); it must be at least ${options.minLength} characters`)
      }
      return new Secret(value)
    },
    undefined,
  )

export type SpecShape = Readonly<Record<string, VarSpec<unknown>>>
export type Parsed<S extends SpecShape> = { readonly [K in keyof S]: ReturnType<S[K]["parse"]> }

/** Parses every variable of a spec. The first problem throws a one-line ConfigError. */
export function parseEnv<S extends SpecShape>(spec: S, env: Env): Parsed<S> {
  const result: Record<string, unknown> = {}
  for (const [key, variable] of Object.entries(spec)) {
    result[key] = variable.parse(env[variable.name])
  }
  return result as Parsed<S>
}

/** Helper for cross-variable rules, so they fail in the same one-line shape. */
/** `example`: a good value for this rule, where the variable's usual example would mislead. */
export function requireThat(condition: boolean, variable: VarSpec<unknown>, problem: string, example = variable.example): void {
  if (!condition) throw new ConfigError(variable.name, problem, example)
}
