// What is wrong with a configuration file (agents.json, integration-setup.json), as the builder and
// the Agents page read it: one problem per fault, each at its JSON path with a message that says
// what to write instead. Schema issues are walked as Effect's issue tree (never parsed from its
// formatted message) so every path is exact.

import { Schema, SchemaAST, SchemaIssue } from "effect"
import { COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE } from "../apps/app-data.ts"
import { type FreeJsonAt, jsonDepthProblems } from "./json-depth.ts"
import { jsonSyntaxError } from "./json-syntax.ts"
import { AGENT_ID_PATTERN, DOMAIN_PATTERN, PARAMETER_NAME_PATTERN, SECRET_NAME_PATTERN, TOOL_NAME_PATTERN } from "./agents-config.ts"

export interface ConfigProblem {
  /** `agents[0].tools[1].endpoint.url`; `$` for the whole file. */
  readonly path: string
  readonly message: string
}

export type ConfigResult<A> = { readonly ok: true; readonly config: A } | { readonly ok: false; readonly problems: readonly ConfigProblem[] }

export type PathSegment = string | number

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `["agents", 0, "id"]` → `agents[0].id`; keys that are not identifiers are quoted: `headers["X-Api-Key"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = ""
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`
    else if (IDENTIFIER.test(segment)) path += path === "" ? segment : `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path === "" ? "$" : path
}

/** One line per problem, at most `max` of them, so a refusal stays readable (and fits a tool result). */
export function describeProblems(problems: readonly ConfigProblem[], max = 20): string {
  const lines = problems.slice(0, max).map((problem) => `${problem.path}: ${problem.message}`)
  if (problems.length > max) lines.push(`… and ${problems.length - max} more`)
  return lines.join("\n")
}

/**
 * A file's text (or an already-parsed value) as a JSON value, refusing what is too big to review or
 * nested too deeply to walk (json-depth.ts; `freeJsonAt` names its free JSON values).
 * NOTE: the engine's own JSON.parse message is not used: it may lack a position and may echo the file.
 */
export function readJsonInput(input: unknown, fileName: string, maxBytes: number, freeJsonAt?: FreeJsonAt): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  let value: unknown = input
  if (typeof input === "string") {
    if (new TextEncoder().encode(input).length > maxBytes) return { ok: false, problems: [tooBig(fileName, maxBytes)] }
    try {
      value = JSON.parse(input)
    } catch {
      const where = jsonSyntaxError(input) ?? "it could not be parsed"
      return { ok: false, problems: [{ path: "$", message: `${fileName} is not valid JSON: ${where}` }] }
    }
  }
  // Before anything that walks the value by recursion, measuring its size included.
  const deep = jsonDepthProblems(value, fileName, freeJsonAt)
  if (deep.length > 0) return { ok: false, problems: deep.map((problem) => ({ path: formatPath(problem.path), message: problem.message })) }
  if (typeof input !== "string" && jsonSize(input) > maxBytes) return { ok: false, problems: [tooBig(fileName, maxBytes)] }
  return { ok: true, value }
}

const tooBig = (fileName: string, maxBytes: number): ConfigProblem => ({
  path: "$",
  message: `${fileName} is larger than ${Math.round(maxBytes / 1024)} KB; shorten it (fewer tools, shorter prompts or mock data)`,
})

function jsonSize(value: unknown): number {
  try {
    return new TextEncoder().encode(JSON.stringify(value) ?? "").length
  } catch {
    return 0
  }
}

/** Decodes with every issue collected and unknown fields refused (a misspelt field would otherwise vanish silently). */
export function decodeWithProblems<S extends Schema.Top>(schema: S, value: unknown): ConfigResult<S["Type"]> {
  const decoded = Schema.decodeUnknownResult(schema as unknown as Schema.Codec<S["Type"], unknown>)(value, { errors: "all", onExcessProperty: "error" })
  if (decoded._tag === "Success") return { ok: true, config: decoded.success }
  return { ok: false, problems: issueProblems(decoded.failure.issue, value) }
}

/**
 * Flattens an issue tree into path-bearing problems, worded as what to fix. `input` is what was
 * decoded: a tagged union that rejects every member says only "no member matched", so the member
 * the input's `type` names is decoded again to say which of its fields is wrong.
 */
export function issueProblems(issue: SchemaIssue.Issue, input: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const seen = new Set<string>()
  const add = (path: readonly PathSegment[], message: string) => {
    const problem = { path: formatPath(path), message }
    const key = `${problem.path}\u0000${message}`
    if (seen.has(key)) return
    seen.add(key)
    problems.push(problem)
  }
  const walk = (issue: SchemaIssue.Issue, path: PathSegment[], subject: SchemaAST.AST | undefined): void => {
    switch (issue._tag) {
      case "Pointer":
        return walk(issue.issue, [...path, ...issue.path.map((key) => (typeof key === "number" ? key : String(key)))], undefined)
      case "Encoding":
        return walk(issue.issue, path, subject)
      case "Composite":
        for (const child of issue.issues) walk(child, path, issue.ast)
        return
      case "AnyOf": {
        if (issue.issues.length > 0) {
          for (const child of issue.issues) walk(child, path, subject)
          return
        }
        const value = valueAt(input, path)
        const member = taggedMember(issue.ast, value)
        const again = member && Schema.decodeUnknownResult(Schema.make<Schema.Codec<unknown>>(member))(value, { errors: "all", onExcessProperty: "error" })
        if (again?._tag === "Failure") return walk(again.failure.issue, path, undefined)
        return add(path, unionMessage(issue.ast))
      }
      default:
        return add(path, leafMessage(issue, subject))
    }
  }
  walk(issue, [], undefined)
  return problems
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined
    value = (value as Record<PathSegment, unknown>)[segment]
  }
  return value
}

/** The member of a union of `{ type: "…" }` objects that `value`'s own `type` names. */
function taggedMember(union: SchemaAST.Union, value: unknown): SchemaAST.AST | undefined {
  if (value === null || typeof value !== "object" || !("type" in value)) return undefined
  return union.types.find((member) => typeTag(member) === (value as { type: unknown }).type)
}

function typeTag(member: SchemaAST.AST): SchemaAST.LiteralValue | undefined {
  if (!SchemaAST.isObjects(member)) return undefined
  const type = member.propertySignatures.find((signature) => signature.name === "type")?.type
  return type && SchemaAST.isLiteral(type) ? type.literal : undefined
}

function leafMessage(issue: Exclude<SchemaIssue.Issue, SchemaIssue.Pointer | SchemaIssue.Encoding | SchemaIssue.Composite | SchemaIssue.AnyOf>, subject: SchemaAST.AST | undefined): string {
  switch (issue._tag) {
    case "Filter":
      return filterMessage(issue.filter, subject)
    case "MissingKey":
      return "is missing"
    case "UnexpectedKey":
      return "is not a field of this object; remove it (or check its spelling)"
    case "InvalidType":
      return expectedMessage(issue.ast)
    default:
      return SchemaIssue.defaultLeafHook(issue)
  }
}

const PATTERN_WORDS = new Map<string, string>([
  [AGENT_ID_PATTERN.source, `lower-case letters, digits and "-", starting with a letter, at most 48 characters, like "inbox-triage"`],
  [TOOL_NAME_PATTERN.source, `snake_case: lower-case letters, digits and "_", starting with a letter, at most 48 characters, like "get_ticket"`],
  [PARAMETER_NAME_PATTERN.source, `a lower-case letter, then letters, digits or "_", like "ticketId"`],
  [SECRET_NAME_PATTERN.source, `UPPER_SNAKE_CASE, like "API_KEY"`],
  [DOMAIN_PATTERN.source, `a bare lower-case host name like "api.example.com", without https://, port or path`],
  [COLLECTION_NAME_PATTERN.source, COLLECTION_NAME_RULE],
])

function filterMessage(filter: SchemaAST.Filter<unknown>, subject: SchemaAST.AST | undefined): string {
  const representation = filter.annotations?.representation as { id?: string; payload?: Record<string, unknown> } | undefined
  const payload = representation?.payload ?? {}
  const counted = subject !== undefined && SchemaAST.isArrays(subject) ? "entries" : "characters"
  switch (representation?.id) {
    case "effect/schema/isPattern": {
      const source = String(payload.source)
      const words = PATTERN_WORDS.get(source)
      return words ? `must match ${source} (${words})` : `must match ${source}`
    }
    case "effect/schema/isMinLength":
      return payload.minLength === 1 ? (counted === "entries" ? "must have at least one entry" : "must not be empty") : `must have at least ${payload.minLength} ${counted}`
    case "effect/schema/isMaxLength":
      return `must have at most ${payload.maxLength} ${counted}`
  }
  const expected = filter.annotations?.expected
  return typeof expected === "string" ? `must be ${expected}` : "is not valid here"
}

function unionMessage(ast: SchemaAST.Union): string {
  const literals = ast.types.flatMap((member) => (SchemaAST.isLiteral(member) ? [String(member.literal)] : []))
  if (literals.length === ast.types.length) return `must be one of ${literals.join(", ")}`
  const tags = ast.types.flatMap((member) => {
    const tag = typeTag(member)
    return tag === undefined ? [] : [JSON.stringify(tag)]
  })
  if (tags.length === ast.types.length) return `must be an object whose "type" is one of ${tags.join(", ")}`
  return "is not valid here"
}

function expectedMessage(ast: SchemaAST.AST): string {
  if (SchemaAST.isString(ast)) return "must be a string"
  if (SchemaAST.isNumber(ast)) return "must be a number"
  if (SchemaAST.isBoolean(ast)) return "must be true or false"
  if (SchemaAST.isArrays(ast)) return "must be an array"
  if (SchemaAST.isObjects(ast)) return "must be an object"
  if (SchemaAST.isLiteral(ast)) return `must be ${JSON.stringify(ast.literal)}`
  return "must be JSON (a string, number, boolean, null, array or object)"
}
