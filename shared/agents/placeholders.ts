// The only placeholders a custom tool's templates may hold: `{{input.NAME}}` (a parameter the tool
// declares) and `{{secrets.NAME}}` (a secret an admin stores, static auth only). Everything else
// between `{{` and `}}` is refused with what to write instead, because the executor leaves unknown
// text as it is and a template that silently sends `{{token}}` to a company API is a bug nobody sees.

import { type IntegrationAuth, PARAMETER_NAME_PATTERN, SECRET_NAME_PATTERN } from "./agents-config.ts"

/** A whole placeholder, as the executor fills it (no spaces inside the braces). */
export const PLACEHOLDER_PATTERN = /\{\{([^{}]*)\}\}/g

export type AuthType = IntegrationAuth["type"]

/** What a tool's templates may reference, and what they did reference (filled in while checking). */
export interface TemplateContext {
  readonly authType: AuthType
  readonly parameters: ReadonlySet<string>
  readonly usedInputs: Set<string>
  readonly usedSecrets: Set<string>
}

/** Problems with the placeholders in one template string; records the names it uses in `context`. */
export function placeholderProblems(text: string, context: TemplateContext): string[] {
  const problems: string[] = []
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    const problem = placeholderProblem(match[0], match[1] ?? "", context)
    if (problem) problems.push(problem)
  }
  if (text.replace(PLACEHOLDER_PATTERN, "").includes("{{")) {
    problems.push(`has a "{{" that is not a complete placeholder; write {{input.NAME}} or {{secrets.NAME}}, or remove it`)
  }
  return problems
}

/** The template with every placeholder replaced by a harmless value, to check what is left (e.g. parse a URL). */
export const withoutPlaceholders = (text: string, filler = "x") => text.replace(PLACEHOLDER_PATTERN, filler)

export const hasPlaceholder = (text: string) => text.replace(PLACEHOLDER_PATTERN, "") !== text || text.includes("{{")

function placeholderProblem(raw: string, inner: string, context: TemplateContext): string | null {
  const trimmed = inner.trim()
  if (trimmed !== inner) return `write {{${trimmed}}} without spaces inside the braces (not ${raw})`
  const input = /^input\.(.*)$/.exec(inner)
  if (input) return inputProblem(raw, input[1] ?? "", context)
  const secret = /^secrets\.(.*)$/.exec(inner)
  if (secret) return secretProblem(raw, secret[1] ?? "", context)
  return unknownProblem(raw, inner, context)
}

function inputProblem(raw: string, name: string, context: TemplateContext): string | null {
  if (!PARAMETER_NAME_PATTERN.test(name)) {
    return `${raw} is not a placeholder this platform fills: write {{input.NAME}} with the name of one declared parameter (nested fields are not filled)`
  }
  if (!context.parameters.has(name)) {
    const declared = [...context.parameters]
    const choices = declared.length > 0 ? `, or use one of: ${declared.join(", ")}` : ""
    return `${raw} names no declared parameter: declare "${name}" in this tool's input${choices}`
  }
  context.usedInputs.add(name)
  return null
}

function secretProblem(raw: string, name: string, context: TemplateContext): string | null {
  if (!SECRET_NAME_PATTERN.test(name)) {
    return `${raw} is not a secret placeholder: write {{secrets.NAME}} with NAME in UPPER_SNAKE_CASE, like {{secrets.${secretName(name)}}}`
  }
  if (context.authType === "oauth2") {
    return `${raw} is not allowed with auth "oauth2": the platform sends the person's OAuth token itself; remove it`
  }
  if (context.authType === "none") {
    return `${raw} needs a stored secret: set integration.auth to {"type": "static"}, or remove the placeholder`
  }
  context.usedSecrets.add(name)
  return null
}

const SECRET_LOOKING = /token|key|secret|password|passwd|auth|bearer|credential/i

function unknownProblem(raw: string, inner: string, context: TemplateContext): string {
  const lastWord = inner.split(".").at(-1) ?? inner
  if (SECRET_LOOKING.test(inner)) {
    if (context.authType === "oauth2") return `${raw} is not filled: with auth "oauth2" the platform adds the person's bearer token itself; remove it`
    const placeholder = `{{secrets.${secretName(lastWord)}}}`
    if (context.authType === "static") return `${raw} is not filled: write ${placeholder} for a secret the admin stores`
    return `${raw} is not filled: set integration.auth to {"type": "static"} and write ${placeholder}`
  }
  const parameter = PARAMETER_NAME_PATTERN.test(lastWord) ? lastWord : "NAME"
  const declare = context.parameters.has(parameter) ? "" : ` and declare "${parameter}" in this tool's input`
  return `${raw} is not a placeholder this platform fills: write {{input.${parameter}}}${declare}`
}

/** "apiKey" / "api-key" / "x.y" → "API_KEY", the form a secret's name takes. */
function secretName(text: string): string {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase()
  return /^[A-Z]/.test(name) ? name : `SECRET_${name || "NAME"}`
}

/** The secret names a tool's templates reference, whatever its auth (the caller decides whether that is allowed). */
export function secretsUsedBy(tool: { readonly endpoint: { readonly url: string; readonly headers?: Readonly<Record<string, string>> | undefined; readonly queryParams?: Readonly<Record<string, string>> | undefined; readonly body?: unknown } }): Set<string> {
  const names = new Set<string>()
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      for (const match of value.matchAll(PLACEHOLDER_PATTERN)) {
        const secret = /^secrets\.(.+)$/.exec(match[1] ?? "")
        if (secret?.[1] && SECRET_NAME_PATTERN.test(secret[1])) names.add(secret[1])
      }
    } else if (Array.isArray(value)) value.forEach(visit)
    else if (value !== null && typeof value === "object") Object.values(value).forEach(visit)
  }
  visit([tool.endpoint.url, tool.endpoint.headers ?? {}, tool.endpoint.queryParams ?? {}, tool.endpoint.body ?? null])
  return names
}
