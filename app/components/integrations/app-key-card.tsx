// One app's integration keys on the Integrations page: per key what it lets the app do and why,
// the provider permissions to grant, how to get the credential, and for static keys each secret
// as a write-only field with Save and Remove. This app's secrets serve this app only.

import { Form } from "@remix-run/react"
import { Save, Trash2 } from "lucide-react"
import { ConfirmForm } from "../settings/confirm-form.tsx"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx"
import { Input } from "../ui/input.tsx"
import { Notice } from "../ui/notice.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { fieldProblems } from "./field-problems.ts"
import type { FormOutcome } from "./oauth-client-card.tsx"
import { secretFormTarget, type AppKeysView, type KeySecretView, type KeyView } from "./integration-views.ts"
import { SetupInstructions } from "./setup-instructions.tsx"

const AUTH_LABELS: Record<KeyView["authType"], string> = {
  none: "No credential",
  static: "Stored secret",
  oauth2: "Each person's own account (OAuth)",
}

export interface AppKeyCardProps {
  readonly app: AppKeysView
  /** The last action's answer, by form target (secretFormTarget). */
  readonly outcomes: Readonly<Record<string, FormOutcome>>
}

export function AppKeyCard({ app, outcomes }: AppKeyCardProps) {
  return (
    <Card data-testid="app-keys" role="region" aria-label={`Keys of ${app.name}`}>
      <CardHeader>
        <CardTitle className="break-words">{app.name}</CardTitle>
        <CardDescription>
          {app.keys.length === 1 ? "1 key" : `${app.keys.length} keys`}. What is stored here is used by {app.name} only.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        {app.keys.map((key) => (
          <KeySection key={`${key.domain} ${key.keySlug}`} appId={app.appId} appName={app.name} item={key} outcomes={outcomes} />
        ))}
      </CardContent>
    </Card>
  )
}

function KeySection({ appId, appName, item, outcomes }: { appId: string; appName: string; item: KeyView; outcomes: AppKeyCardProps["outcomes"] }) {
  return (
    <section data-testid="app-key" aria-label={item.keyName} className="grid gap-3 border-t pt-5 first:border-t-0 first:pt-0">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-semibold break-words">{item.keyName}</h3>
        {item.configured ? <Badge variant="success">Configured</Badge> : <Badge variant="warning">Needs setup</Badge>}
        <Badge variant="outline">{AUTH_LABELS[item.authType]}</Badge>
      </div>
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-muted-foreground">Lets the app</dt>
        <dd className="break-words">{item.capabilityLabel}</dd>
        <dt className="text-muted-foreground">Why</dt>
        <dd className="break-words">{item.why}</dd>
        <dt className="text-muted-foreground">Service</dt>
        <dd className="break-all">
          {item.name} · <code className="text-xs">{item.domain}</code>
          {item.keySlug === "default" ? null : <> · key “{item.keySlug}”</>}
        </dd>
        {item.authType === "oauth2" && item.providerKey ? (
          <>
            <dt className="text-muted-foreground">OAuth provider</dt>
            <dd className="break-words">
              <code className="text-xs">{item.providerKey}</code>
              {item.requiredScopes.length > 0 ? ` — scopes ${item.requiredScopes.join(", ")}` : ""}. Set up its OAuth client above; each person connects on
              Connected apps.
            </dd>
          </>
        ) : null}
      </dl>
      {item.permissionGroups.length > 0 ? (
        <div className="grid gap-2">
          <h4 className="text-sm font-medium">Permissions to grant</h4>
          <ul className="grid gap-2">
            {item.permissionGroups.map((group) => (
              <li key={group.name} className="rounded-lg border bg-muted/40 p-3 text-sm">
                <p className="font-medium">{group.name}</p>
                <p className="text-muted-foreground">{group.description}</p>
                {group.permissions.length > 0 ? (
                  <ul className="mt-1 flex flex-wrap gap-1" aria-label={`Permissions in ${group.name}`}>
                    {group.permissions.map((permission) => (
                      <li key={permission}>
                        <code className="rounded bg-background px-1.5 py-0.5 text-xs break-all">{permission}</code>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <details className="rounded-lg border p-3 text-sm open:pb-4">
        <summary className="cursor-pointer font-medium">How to get it</summary>
        <div className="mt-3">
          <SetupInstructions instructions={item.setupInstructions} />
        </div>
      </details>
      {item.secrets.length > 0 ? (
        <div className="grid gap-3">
          {item.secrets.map((secret) => (
            <SecretForm
              key={`${secret.name} ${secret.updatedAt ?? "unset"}`}
              appId={appId}
              appName={appName}
              item={item}
              secret={secret}
              outcome={outcomes[secretFormTarget(appId, item.domain, item.keySlug, secret.name)] ?? null}
            />
          ))}
        </div>
      ) : null}
    </section>
  )
}

/** One secret: write-only (the field is always empty), Save, and Remove once one is stored. */
function SecretForm({
  appId,
  appName,
  item,
  secret,
  outcome,
}: {
  appId: string
  appName: string
  item: KeyView
  secret: KeySecretView
  outcome: FormOutcome | null
}) {
  const fields = {
    appId,
    domain: item.domain,
    keySlug: item.keySlug,
    name: secret.name,
  }
  const formId = `secret-${appId}-${item.domain}-${item.keySlug}-${secret.name}`.replace(/[^\w-]/g, "-")
  const inputId = `${formId}-value`
  const problems = fieldProblems(outcome, ["value"], formId)
  const problem = problems.of("value")
  return (
    <div data-testid="key-secret" className="grid gap-2 rounded-lg border p-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor={inputId} className="font-medium">
          {secret.label}
        </label>
        <code className="text-xs text-muted-foreground">{secret.name}</code>
        {secret.required ? null : <span className="text-xs text-muted-foreground">(optional)</span>}
        {secret.configured ? <Badge variant="success">Stored</Badge> : <Badge variant={secret.required ? "warning" : "outline"}>Not set</Badge>}
        {secret.configured && secret.updatedAt ? <RelativeTime iso={secret.updatedAt} prefix="saved" className="text-xs text-muted-foreground" /> : null}
      </div>
      <p className="text-sm text-muted-foreground">{secret.description}</p>
      <Form method="post" id={formId} className="flex flex-col gap-2 sm:flex-row">
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <Input
          id={inputId}
          name="value"
          type="password"
          required
          maxLength={16384}
          autoComplete="new-password"
          spellCheck={false}
          placeholder={secret.configured ? "Stored — type a new value to replace it" : "Paste the value"}
          {...problems.attributes("value")}
        />
        <Button type="submit" name="intent" value="setSecret" className="sm:w-auto">
          <Save aria-hidden />
          Save<span className="sr-only"> {secret.label}</span>
        </Button>
      </Form>
      {problem ? (
        <p id={problem.id} className="text-xs font-medium text-destructive" data-testid="field-problem">
          {problem.message}
        </p>
      ) : null}
      {secret.configured ? (
        <div>
          <ConfirmForm
            trigger={
              <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive">
                <Trash2 aria-hidden />
                Remove<span className="sr-only"> {secret.label}</span>
              </Button>
            }
            title={`Remove ${secret.label}?`}
            description={`${appName}'s tools that use ${item.keyName} stop working until a new value is saved.`}
            confirmLabel="Remove"
            intent="clearSecret"
            fields={fields}
            destructive
          />
        </div>
      ) : null}
      {outcome && problems.rest !== "" ? <Notice tone={outcome.ok ? "success" : "error"}>{problems.rest}</Notice> : null}
    </div>
  )
}
