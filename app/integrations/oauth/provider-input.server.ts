// What an admin may save as a workspace's OAuth client, checked before anything is written: the
// provider key as agents.json spells it, bounded texts, and endpoint URLs a browser or the egress
// guard can use. The token and revocation endpoints are called by the server through the egress
// guard, which only speaks HTTPS; the authorization endpoint is visited by the browser, so a
// loopback http:// one is allowed outside production (a provider run on the developer's machine).

import { z } from "zod"
import { KEY_SLUG_PATTERN } from "#shared/agents/agents-config.ts"
import { isLoopbackHost } from "#shared/config/common.ts"
import { MAX_SECRET_BYTES } from "#shared/secrets/secret-store.ts"
import { LABELLED } from "../../trpc/issue-messages.server.ts"
import { blankPasteMessage, isBlankPaste, pastedSecretValue } from "../pasted-secret.server.ts"

export const TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"] as const

/**
 * The OAuth client form's labels. Every message below starts with its field's label, so it reads
 * on its own beside the field (the UI maps issues[].path to the field) and in the combined message
 * (issue-messages drops the key when the message starts with the field's words).
 */
export const PROVIDER_FIELD_LABELS = {
  providerKey: "Provider key",
  displayName: "Display name",
  clientId: "Client ID",
  clientSecret: "Client secret",
  authorizationUrl: "Authorization URL",
  tokenUrl: "Token URL",
  revocationUrl: "Revocation URL",
  tokenAuthMethod: "Token auth method",
  authorizationParams: "Extra authorization parameters",
} as const
const LABELS = PROVIDER_FIELD_LABELS

export const providerKeySchema = z
  .string()
  .regex(KEY_SLUG_PATTERN, `${LABELS.providerKey} must be lower-case letters, digits and dashes, starting with a letter (at most 48), as the app's auth.providerKey names it.`)

const MAX_URL_LENGTH = 2048
/** Authorization parameters the flow itself sets: an admin may not override them. */
const RESERVED_AUTHORIZATION_PARAMS = new Set(["response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"])
const MAX_AUTHORIZATION_PARAMS = 20

const PRINTABLE = /^[\x21-\x7e]+$/
const CONTROL = /[\u0000-\u001f\u007f]/

function endpointUrl(label: string, example: string, options: { readonly browserVisited: boolean }) {
  // The token and revocation endpoints are called by the server through the egress guard.
  const httpsOnly = options.browserVisited
    ? `${label} must start with https:// (http:// is accepted only for localhost, outside production).`
    : `${label} must start with https:// (Second calls it from the server, over HTTPS only).`
  return z
    .string()
    .max(MAX_URL_LENGTH, `${label} must be at most ${MAX_URL_LENGTH} characters.`)
    .superRefine((value, ctx) => {
      let url: URL
      try {
        url = new URL(value)
      } catch {
        ctx.addIssue({ code: "custom", message: `${label} must be a full URL such as ${example}.` })
        return
      }
      if (url.username !== "" || url.password !== "") {
        ctx.addIssue({ code: "custom", message: `${label} must not contain a user name or password (user:password@); the client secret has its own field.` })
      } else if (url.hash !== "") {
        ctx.addIssue({ code: "custom", message: `${label} must not end with a #fragment.` })
      } else if (url.protocol === "http:") {
        // Production refuses even this in saveProvider (config is known per request, not here).
        if (!(options.browserVisited && isLoopbackHost(url.hostname))) ctx.addIssue({ code: "custom", message: httpsOnly })
      } else if (url.protocol !== "https:") {
        ctx.addIssue({ code: "custom", message: httpsOnly })
      }
    })
}

const textField = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${label} must not be empty.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((value) => !CONTROL.test(value), `${label} must not contain line breaks or other control characters.`)

/**
 * Checked as a whole so each problem says which parameter and why (a record's own key check only
 * says "Invalid key in record"). Issues sit on the authorizationParams field, labelled.
 */
const authorizationParamsSchema = z.record(z.string(), z.string()).superRefine((params, ctx) => {
  const say = (message: string) => ctx.addIssue({ code: "custom", message: `${LABELS.authorizationParams}: ${message}`, params: LABELLED })
  const names = Object.keys(params)
  if (names.length > MAX_AUTHORIZATION_PARAMS) say(`at most ${MAX_AUTHORIZATION_PARAMS} parameters.`)
  for (const name of names) {
    // An invalid name is not repeated back: it may be anything, line breaks included.
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
      say("a parameter name may only use letters, digits, _ . and - (at most 64 characters).")
      continue
    }
    if (RESERVED_AUTHORIZATION_PARAMS.has(name)) say(`${name} is set by the connect flow itself; remove it (the flow sets ${[...RESERVED_AUTHORIZATION_PARAMS].join(", ")}).`)
    const value = params[name] ?? ""
    if (value.length > 512) say(`the value of ${name} must be at most 512 characters.`)
    else if (CONTROL.test(value)) say(`the value of ${name} must not contain line breaks or other control characters.`)
  }
})

/**
 * The client secret as pasted (trailing line breaks dropped, see pasted-secret.server.ts). ""
 * or absent keeps the stored one; whitespace only is refused rather than stored.
 */
const clientSecretSchema = z
  .string()
  .refine((value) => Buffer.byteLength(value, "utf8") <= MAX_SECRET_BYTES, `${LABELS.clientSecret} must be at most ${MAX_SECRET_BYTES / 1024} KiB.`)
  .refine((value) => !isBlankPaste(value), blankPasteMessage(LABELS.clientSecret))
  .transform(pastedSecretValue)

/** The save input beside workspaceId. */
export const providerSaveSchema = z.object({
  providerKey: providerKeySchema,
  displayName: textField(LABELS.displayName, 100),
  clientId: textField(LABELS.clientId, 512).refine((value) => PRINTABLE.test(value), `${LABELS.clientId} must not contain spaces or non-ASCII characters: copy it exactly as your provider shows it.`),
  clientSecret: clientSecretSchema.optional(),
  authorizationUrl: endpointUrl(LABELS.authorizationUrl, "https://accounts.example.com/o/oauth2/auth", { browserVisited: true }),
  tokenUrl: endpointUrl(LABELS.tokenUrl, "https://oauth2.example.com/token", { browserVisited: false }),
  revocationUrl: endpointUrl(LABELS.revocationUrl, "https://oauth2.example.com/revoke", { browserVisited: false }).nullable().optional(),
  tokenAuthMethod: z.enum(TOKEN_AUTH_METHODS, { message: `${LABELS.tokenAuthMethod} must be one of ${TOKEN_AUTH_METHODS.join(", ")}.` }),
  authorizationParams: authorizationParamsSchema.optional(),
  /**
   * Sent by "Add another provider": the key must be new. An existing key is refused (409,
   * reasonCode provider_exists) instead of silently replacing a working client.
   */
  create: z.boolean().optional(),
})

export type ProviderSaveInput = z.infer<typeof providerSaveSchema>
