// Reads the OAuth client form into oauthProviders.save's input. The server checks everything
// (URLs, required fields); this only turns the browser's strings into the procedure's shape and
// keeps what was typed — except the client secret — for showing the form again when refused.

import type { FieldProblem } from "./field-problems.ts"
import { TOKEN_AUTH_METHODS, type TokenAuthMethod } from "./integration-views.ts"
import type { ProviderFormValues } from "./oauth-client-card.tsx"

export interface ProviderSaveInput {
  readonly providerKey: string
  readonly displayName: string
  readonly clientId: string
  /** Absent: keep the stored one. */
  readonly clientSecret?: string
  readonly authorizationUrl: string
  readonly tokenUrl: string
  readonly revocationUrl: string | null
  readonly tokenAuthMethod: TokenAuthMethod
  readonly authorizationParams: Record<string, string>
}

export type ProviderFormRead =
  | {
      readonly ok: true
      readonly input: ProviderSaveInput
      readonly values: ProviderFormValues
    }
  | {
      readonly ok: false
      readonly message: string
      /** The same problem, placed under its field. */
      readonly issues: readonly FieldProblem[]
      readonly values: ProviderFormValues
    }

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim()
const isMethod = (value: string): value is TokenAuthMethod => TOKEN_AUTH_METHODS.some((method) => method.value === value)

/** "name=value" a line; blank lines skipped. */
export function parseAuthorizationParams(lines: string): { ok: true; params: Record<string, string> } | { ok: false; message: string } {
  const params: Record<string, string> = {}
  for (const [index, raw] of lines.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === "") continue
    const at = line.indexOf("=")
    const name = at < 0 ? "" : line.slice(0, at).trim()
    if (!name)
      return {
        ok: false,
        message: `Extra authorization parameters, line ${index + 1}: write it as name=value (e.g. access_type=offline).`,
      }
    if (Object.hasOwn(params, name))
      return {
        ok: false,
        message: `Extra authorization parameters: "${name}" is given twice; keep one.`,
      }
    params[name] = line.slice(at + 1).trim()
  }
  return { ok: true, params }
}

export function readProviderForm(form: FormData): ProviderFormRead {
  const method = text(form, "tokenAuthMethod")
  const values: ProviderFormValues = {
    providerKey: text(form, "providerKey"),
    displayName: text(form, "displayName"),
    clientId: text(form, "clientId"),
    authorizationUrl: text(form, "authorizationUrl"),
    tokenUrl: text(form, "tokenUrl"),
    revocationUrl: text(form, "revocationUrl"),
    tokenAuthMethod: isMethod(method) ? method : "client_secret_post",
    authorizationParams: String(form.get("authorizationParams") ?? ""),
  }
  const refuse = (path: string, message: string): ProviderFormRead => ({ ok: false, message, issues: [{ path, message }], values })
  if (!isMethod(method)) return refuse("tokenAuthMethod", "Choose a token auth method: client_secret_post, client_secret_basic or none.")
  const params = parseAuthorizationParams(values.authorizationParams)
  if (!params.ok) return refuse("authorizationParams", params.message)
  // Trimmed: a pasted secret often brings a newline, never part of a client secret. Empty keeps the stored one.
  const clientSecret = text(form, "clientSecret")
  return {
    ok: true,
    values,
    input: {
      providerKey: values.providerKey,
      displayName: values.displayName,
      clientId: values.clientId,
      ...(clientSecret === "" ? {} : { clientSecret }),
      authorizationUrl: values.authorizationUrl,
      tokenUrl: values.tokenUrl,
      revocationUrl: values.revocationUrl === "" ? null : values.revocationUrl,
      tokenAuthMethod: method,
      authorizationParams: params.params,
    },
  }
}
