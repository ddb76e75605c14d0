// Settings → Integrations (owners and admins): the redirect URI to register at providers, the
// secret store's state, the workspace's OAuth clients (one per provider key; for one its apps need,
// the endpoints their setup names shown as a builder's suggestion, never filled in) and each app's
// keys with their write-only secrets. Members get the 403 page.
// NOTE: no action answer carries a submitted secret back: only which form it was and a sentence.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { data } from "@remix-run/node"
import { useActionData, useLoaderData } from "@remix-run/react"
import { KeyRound } from "lucide-react"
import { AppKeyCard } from "../components/integrations/app-key-card.tsx"
import { providerFormTarget, secretFormTarget } from "../components/integrations/integration-views.ts"
import { formValues, OAuthClientCard, type FormOutcome, type ProviderFormValues } from "../components/integrations/oauth-client-card.tsx"
import { readProviderForm } from "../components/integrations/provider-form.ts"
import { RedirectUriCard, SecretStoreCard } from "../components/integrations/redirect-uri-card.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain, SectionTitle } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, type FieldIssue } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Integrations")

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, providers, keys] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.oauthProviders.list({ workspaceId }),
      caller.integrationKeys.list({ workspaceId }),
    ])
    return { workspaceName: workspace.name, ...providers, apps: keys.apps }
  })
}

/** The answer to one form: which form, what happened, and for a refused provider form what was typed (never the secret). */
interface Answer {
  readonly target: string
  readonly outcome: FormOutcome
  readonly values?: ProviderFormValues
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  const providerKey = field(form, "providerKey")
  const answer = (
    target: string,
    result: { ok: true; data: string } | { ok: false; message: string; status: number; issues?: readonly FieldIssue[] | null },
    values?: ProviderFormValues
  ) =>
    data<Answer>(
      {
        target,
        outcome: {
          ok: result.ok,
          message: result.ok ? result.data : result.message,
          // Each field's problem shows under that field (oauth-client-card.tsx, app-key-card.tsx).
          ...(!result.ok && result.issues ? { issues: result.issues } : {}),
        },
        ...(values && !result.ok ? { values } : {}),
      },
      { status: result.ok ? 200 : result.status }
    )

  switch (intent) {
    case "saveProvider": {
      // The new-provider form names its own key; a saved or needed provider's form carries it hidden.
      const isNew = form.get("isNew") === "1"
      const target = providerFormTarget(isNew ? null : providerKey)
      const read = readProviderForm(form)
      if (!read.ok) return answer(target, { ok: false, message: read.message, status: 400, issues: read.issues }, read.values)
      const result = await act(args, intent, async (caller) => {
        const saved = await caller.oauthProviders.save({
          workspaceId,
          ...read.input,
          // The new-provider form only ever creates: a key already set up is refused (409
          // provider_exists, its message shown beside this form), never overwritten.
          create: isNew,
        })
        return `Saved ${saved.displayName}.${read.input.clientSecret ? " The client secret is stored encrypted." : ""}`
      })
      return answer(target, result, read.values)
    }
    case "deleteProvider": {
      const result = await act(args, intent, async (caller) => {
        const { deleted, connectionsRemoved } = await caller.oauthProviders.delete({ workspaceId, providerKey })
        if (!deleted) return `${providerKey} was already removed.`
        return `Removed ${providerKey}${
          connectionsRemoved > 0 ? ` and disconnected ${connectionsRemoved === 1 ? "1 person" : `${connectionsRemoved} people`}` : ""
        }.`
      })
      return answer("page", result)
    }
    case "setSecret":
    case "clearSecret": {
      const key = {
        workspaceId,
        appId: field(form, "appId"),
        domain: field(form, "domain"),
        keySlug: field(form, "keySlug"),
        name: field(form, "name"),
      }
      const target = secretFormTarget(key.appId, key.domain, key.keySlug, key.name)
      const result = await act(args, intent, async (caller) => {
        if (intent === "setSecret") {
          await caller.integrationKeys.setSecret({
            ...key,
            value: field(form, "value"),
          })
          return `Saved ${key.name}. It is stored encrypted and not shown again.`
        }
        const { cleared } = await caller.integrationKeys.clearSecret(key)
        return cleared ? `Removed ${key.name}.` : `${key.name} was not stored.`
      })
      return answer(target, result)
    }
    default:
      return answer("page", {
        ok: false,
        message: "Choose Save or Remove on one of the forms.",
        status: 400,
      })
  }
}

export default function Integrations() {
  const { workspaceName, redirectUri, secretStore, providers, needed, apps } = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>()
  const outcomeFor = (target: string) => (answer?.target === target ? answer.outcome : null)
  const valuesFor = (target: string) => (answer?.target === target ? answer.values : undefined)
  // One card per provider key: those the apps need first, then the rest saved.
  const saved = new Map(providers.map((provider) => [provider.providerKey, provider]))
  const keys = [...new Set([...needed.map((item) => item.providerKey), ...providers.map((provider) => provider.providerKey)])]
  const outcomes = answer && answer.target.startsWith("secret:") ? { [answer.target]: answer.outcome } : {}
  const newTarget = providerFormTarget(null)
  return (
    <PageMain>
      <PageHeader
        title="Integrations"
        description={`The OAuth clients and keys ${workspaceName}'s apps use to reach other services. Secrets are write-only: once saved, nobody sees them again.`}
      />
      {answer?.target === "page" ? (
        <div className="mb-6">
          <Notice tone={answer.outcome.ok ? "success" : "error"}>{answer.outcome.message}</Notice>
        </div>
      ) : null}
      <div className="grid gap-4 md:grid-cols-2">
        <RedirectUriCard redirectUri={redirectUri} />
        <SecretStoreCard status={secretStore} />
      </div>

      <section className="mt-10" aria-labelledby="oauth-clients">
        <SectionTitle id="oauth-clients">OAuth clients</SectionTitle>
        <p className="mb-4 text-sm text-muted-foreground">
          Your organisation's own OAuth app at each provider. Each person then connects their own account on Connected apps; apps act only with the account of
          whoever asked them.
        </p>
        <div className="grid gap-4">
          {keys.map((key) => {
            const provider = saved.get(key) ?? null
            const need = needed.find((item) => item.providerKey === key) ?? null
            const target = providerFormTarget(key)
            return (
              <OAuthClientCard
                key={key}
                provider={provider}
                needed={need}
                values={valuesFor(target) ?? formValues(provider ?? undefined, need ?? undefined, key)}
                outcome={outcomeFor(target)}
              />
            )
          })}
          <OAuthClientCard
            provider={null}
            needed={null}
            values={valuesFor(newTarget) ?? formValues(undefined, undefined, "")}
            outcome={outcomeFor(newTarget)}
            first={keys.length === 0}
          />
        </div>
      </section>

      <section className="mt-10" aria-labelledby="app-keys">
        <SectionTitle id="app-keys">App keys</SectionTitle>
        <p className="mb-4 text-sm text-muted-foreground">
          The credentials each app's tools need, as its builder described them. A key stored for one app never serves another.
        </p>
        {apps.length === 0 ? (
          <EmptyState icon={KeyRound} title="No app needs a key yet" data-testid="no-app-keys">
            When an app's agents call a service that needs a credential, the builder lists it here with how to get it.
          </EmptyState>
        ) : (
          <div className="grid gap-4">
            {apps.map((app) => (
              <AppKeyCard key={app.appId} app={app} outcomes={outcomes} />
            ))}
          </div>
        )}
      </section>
    </PageMain>
  )
}
