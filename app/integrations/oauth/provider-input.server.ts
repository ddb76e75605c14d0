// What an admin may save as a workspace's OAuth client, checked before anything is written: the
// provider key as agents.json spells it, bounded texts, and endpoint URLs a browser or the egress
// guard can use. The token and revocation endpoints are called by the server through the egress
// guard, which only speaks HTTPS; the authorization endpoint is visited by the browser, so a
// loopback http:// one is allowed outside production (a provider run on the developer's machine).

import { z } from "zod"
import { KEY_SLUG_PATTERN } from "#shared/agents/agents-config.ts"
import { isLoopbackHost } from "#shared/config/common.ts"
import { MAX_SECRET_BYTES } from "#shared/secrets/secret-store.ts"

export const TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"] as const

export const providerKeySchema = z
  .string()
  .regex(KEY_SLUG_PATTERN, "must be a provider key as agents.json names it: lower-case letters, digits and dashes, starting with a letter, at most 48")

const MAX_URL_LENGTH = 2048
/** Authorization parameters the flow itself sets: an admin may not override them. */
const RESERVED_AUTHORIZATION_PARAMS = new Set(["response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"])

const PRINTABLE = /^[\x21-\x7e]+$/

function endpointUrl(what: string, options: { readonly browserVisited: boolean }) {
  return z
    .string()
    .max(MAX_URL_LENGTH, `${what} must be at most ${MAX_URL_LENGTH} characters`)
    .superRefine((value, ctx) => {
      let url: URL
      try {
        url = new URL(value)
      } catch {
        ctx.addIssue({ code: "custom", message: `${what} must be a full URL such as https://accounts.example.com/o/oauth2/token` })
        return
      }
      if (url.username !== "" || url.password !== "") {
        ctx.addIssue({ code: "custom", message: `${what} must not carry credentials (user:password@); the client secret is its own field` })
      } else if (url.hash !== "") {
        ctx.addIssue({ code: "custom", message: `${what} must not have a #fragment` })
      } else if (url.protocol === "http:") {
        // Production refuses even this in saveProvider (config is known per request, not here).
        const loopbackAllowed = options.browserVisited && isLoopbackHost(url.hostname)
        if (!loopbackAllowed) {
          ctx.addIssue({
            code: "custom",
            message: options.browserVisited
              ? `${what} must use https:// (http:// is accepted only for localhost outside production)`
              : `${what} must use https://: the server calls it through the egress guard, which only speaks HTTPS`,
          })
        }
      } else if (url.protocol !== "https:") {
        ctx.addIssue({ code: "custom", message: `${what} must use https://` })
      }
    })
}

const textField = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), `${what} must not contain control characters`)

const authorizationParamsSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "authorization parameter names are letters, digits, _ . - (at most 64)"),
    z.string().max(512, "authorization parameter values must be at most 512 characters").regex(/^[^\u0000-\u001f\u007f]*$/, "authorization parameter values must not contain control characters"),
  )
  .refine((params) => Object.keys(params).length <= 20, "at most 20 authorization parameters")
  .refine(
    (params) => Object.keys(params).every((name) => !RESERVED_AUTHORIZATION_PARAMS.has(name)),
    `authorization parameters may not set ${[...RESERVED_AUTHORIZATION_PARAMS].join(", ")}: the connect flow sets those itself`,
  )

/** The save input beside workspaceId. */
export const providerSaveSchema = z.object({
  providerKey: providerKeySchema,
  displayName: textField("displayName", 100),
  clientId: textField("clientId", 512).refine((value) => PRINTABLE.test(value), "clientId must not contain spaces or non-ASCII characters"),
  clientSecret: z.string().max(MAX_SECRET_BYTES, `clientSecret must be at most ${MAX_SECRET_BYTES} bytes`).optional(),
  authorizationUrl: endpointUrl("authorizationUrl", { browserVisited: true }),
  tokenUrl: endpointUrl("tokenUrl", { browserVisited: false }),
  revocationUrl: endpointUrl("revocationUrl", { browserVisited: false }).nullable().optional(),
  tokenAuthMethod: z.enum(TOKEN_AUTH_METHODS, { message: `tokenAuthMethod must be one of ${TOKEN_AUTH_METHODS.join(", ")}` }),
  authorizationParams: authorizationParamsSchema.optional(),
})

export type ProviderSaveInput = z.infer<typeof providerSaveSchema>
