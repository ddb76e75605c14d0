// integrationKeys: each app's integration keys (its grants, from the integration-setup.json its
// builder presented) as admins see them on Settings → Integrations, and the static secrets they
// store for one app and key. Values are write-only: nothing here ever answers one.

import { TRPCError } from "@trpc/server"
import { z } from "zod"
import { DOMAIN_PATTERN, KEY_SLUG_PATTERN, SECRET_NAME_PATTERN } from "#shared/agents/agents-config.ts"
import { MAX_SECRET_BYTES, SecretKeyError, SecretStoreUnavailable } from "#shared/secrets/secret-store.ts"
import { clearIntegrationSecret, setIntegrationSecret } from "../../integrations/grants/grant-secrets.server.ts"
import { listAppKeys } from "../../integrations/grants/grant-views.server.ts"
import { createTRPCRouter, idSchema, workspaceProcedure } from "../init.server.ts"

const secretInput = z.object({
  appId: idSchema,
  domain: z.string().regex(DOMAIN_PATTERN, "domain must be the key's API domain as the Integrations page shows it (like api.example.com)"),
  keySlug: z.string().regex(KEY_SLUG_PATTERN, 'keySlug must be the key\'s slug as the Integrations page shows it (like "default")'),
  name: z.string().regex(SECRET_NAME_PATTERN, "name must be the secret's name as the key declares it (UPPER_SNAKE_CASE, like API_KEY)"),
})

const valueSchema = z
  .string()
  .min(1, "value must not be empty: paste the secret, or clear it instead")
  .refine((value) => Buffer.byteLength(value, "utf8") <= MAX_SECRET_BYTES, { message: `value must be at most ${MAX_SECRET_BYTES / 1024} KiB` })

/** The secret store could not be used: the server's state, said without its details (they are logged). */
async function withSecretStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof SecretStoreUnavailable) {
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The secret store cannot be reached just now; try again in a moment.", cause: error })
    }
    // Its message says what an operator must set (never a key): no store configured, or a key that cannot be used.
    if (error instanceof SecretKeyError) throw new TRPCError({ code: "PRECONDITION_FAILED", message: error.message, cause: error })
    throw error
  }
}

export const integrationKeysRouter = createTRPCRouter({
  /** Every app that has integration keys, each key with its secrets' state (never a value). */
  list: workspaceProcedure("integrations:manage").query(({ ctx }) => listAppKeys(ctx.services, ctx.scope.workspace.id)),

  /** Stores (or replaces) one secret of one app's key; the old value is deleted. */
  setSecret: workspaceProcedure("integrations:manage")
    .input(secretInput.extend({ value: valueSchema }))
    .mutation(({ ctx, input }) => withSecretStore(() => setIntegrationSecret(ctx.services, ctx.scope, input))),

  /** Deletes one stored secret; `cleared` is false when none was stored. */
  clearSecret: workspaceProcedure("integrations:manage")
    .input(secretInput)
    .mutation(({ ctx, input }) => withSecretStore(() => clearIntegrationSecret(ctx.services, ctx.scope, input))),
})
