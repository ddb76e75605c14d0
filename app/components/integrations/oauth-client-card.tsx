// One OAuth client on the Integrations page: a provider the workspace's apps need or one an admin
// saved, as a form that works without script. The client secret is write-only: its field is always
// empty, and says so when one is stored. The endpoints an app's setup names are shown beside the
// form, never put into it (see suggested-endpoints.tsx): an app's builder is not the provider.

import { Form } from "@remix-run/react"
import { KeyRound, Save, Trash2 } from "lucide-react"
import type { ReactNode } from "react"
import { ConfirmForm } from "../settings/confirm-form.tsx"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx"
import { Input, Select, Textarea } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { fieldProblems, type FieldProblem } from "./field-problems.ts"
import { TOKEN_AUTH_METHODS, type AppRef, type NeededProvider, type ProviderView, type TokenAuthMethod } from "./integration-views.ts"
import { SuggestedEndpoints } from "./suggested-endpoints.tsx"

/**
 * What the form shows: what was saved, else nothing. The URLs an app's setup names never become
 * values (the admin copies the provider's own); only its token auth method is a default.
 */
export interface ProviderFormValues {
  readonly providerKey: string
  readonly displayName: string
  readonly clientId: string
  readonly authorizationUrl: string
  readonly tokenUrl: string
  readonly revocationUrl: string
  readonly tokenAuthMethod: TokenAuthMethod
  readonly authorizationParams: string
}

export const paramsText = (params: Readonly<Record<string, string>>) =>
  Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")

export function formValues(provider: ProviderView | undefined, needed: NeededProvider | undefined, providerKey: string): ProviderFormValues {
  return {
    providerKey,
    // A name is safe to suggest (unlike the endpoints): nothing secret goes to it, and the admin sees it before saving.
    displayName: provider?.displayName ?? needed?.suggestedName ?? "",
    clientId: provider?.clientId ?? "",
    authorizationUrl: provider?.authorizationUrl ?? "",
    tokenUrl: provider?.tokenUrl ?? "",
    revocationUrl: provider?.revocationUrl ?? "",
    tokenAuthMethod: provider?.tokenAuthMethod ?? needed?.tokenAuthMethod ?? "client_secret_post",
    authorizationParams: provider ? paramsText(provider.authorizationParams) : "",
  }
}

/** The answer to this form's last submission, when it was this form's. */
export interface FormOutcome {
  readonly ok: boolean
  readonly message: string
  /** Invalid input: each problem with the field it is about (the procedure input's path). */
  readonly issues?: readonly FieldProblem[] | null
}

export interface OAuthClientCardProps {
  /** null: the "Add another provider" form, which asks for the provider key too. */
  readonly provider: ProviderView | null
  readonly needed: NeededProvider | null
  readonly values: ProviderFormValues
  readonly outcome: FormOutcome | null
  /** The new-provider form when no other card is on the page: "Add a provider" rather than "another". */
  readonly first?: boolean
}

/** A field in the two-column grid: top-aligned, so a hint under one does not stretch its neighbour. */
const CELL = "content-start"

const appNames = (apps: readonly AppRef[]) => apps.map((app) => app.name).join(", ")

/** The form's fields, by the save input's names: where each field's problem is shown. */
const FIELDS = ["providerKey", "displayName", "clientId", "clientSecret", "tokenAuthMethod", "authorizationUrl", "tokenUrl", "revocationUrl", "authorizationParams"] as const

export function OAuthClientCard({ provider, needed, values, outcome, first = false }: OAuthClientCardProps) {
  const isNew = provider === null && needed === null
  const key = values.providerKey
  const newTitle = first ? "Add a provider" : "Add another provider"
  const title = isNew ? newTitle : provider?.displayName || key
  const connections = provider?.connectionCount ?? 0
  const formId = isNew ? "provider-form-new" : `provider-form-${key}`
  const problems = fieldProblems(outcome, FIELDS, formId)
  const lastConnectError = provider?.lastConnectError ?? null
  return (
    <Card data-testid={isNew ? "oauth-client-new" : "oauth-client"} aria-label={isNew ? newTitle : `OAuth client ${key}`} role="region">
      <CardHeader>
        <div className="flex flex-wrap items-center gap-2">
          <KeyRound className="size-4 text-muted-foreground" aria-hidden />
          <CardTitle className="break-words">{title}</CardTitle>
          {isNew ? null : provider ? <Badge variant="success">Set up</Badge> : <Badge variant="warning">Not set up</Badge>}
          {isNew ? null : <code className="rounded bg-muted px-1.5 py-0.5 text-xs">{key}</code>}
        </div>
        <CardDescription>
          {isNew
            ? "For a provider no app asks for yet. The provider key is what an app's agents.json names in auth.providerKey."
            : needed && needed.apps.length > 0
            ? `Needed by ${appNames(needed.apps)}.`
            : "No app needs it at the moment."}
          {provider ? (
            <>
              {" "}
              {connections === 0 ? "Nobody has connected yet." : connections === 1 ? "1 person has connected." : `${connections} people have connected.`} Saved <RelativeTime iso={provider.updatedAt} />
              {provider.updatedByName ? ` by ${provider.updatedByName}` : ""}.
            </>
          ) : null}
        </CardDescription>
        {needed && needed.scopes.length > 0 ? (
          <div className="mt-1 flex flex-wrap items-center gap-1 text-xs text-muted-foreground">
            <span>Scopes the apps ask for:</span>
            {needed.scopes.map((scope) => (
              <code key={scope} className="rounded bg-muted px-1.5 py-0.5 break-all text-foreground">
                {scope}
              </code>
            ))}
          </div>
        ) : null}
        {lastConnectError ? (
          <Notice tone="warning" data-testid="last-connect-error" className="mt-2">
            Connecting failed for someone <RelativeTime iso={lastConnectError.at} />: the provider refused this client — check the client ID, secret and token auth
            method.
          </Notice>
        ) : null}
      </CardHeader>
      <CardContent>
        {/* Keyed by the saved time, so a save empties the secret field even when script submitted it. */}
        <Form method="post" id={formId} className="grid gap-4" key={provider?.updatedAt ?? "unsaved"}>
          {isNew ? (
            <Checked problem={problems.of("providerKey")}>
              <Field label="Provider key" hint="Lowercase letters, digits and dashes, as the app's auth.providerKey says (e.g. google, github-enterprise).">
                <Input name="providerKey" required defaultValue={values.providerKey} maxLength={64} autoComplete="off" {...problems.attributes("providerKey")} />
              </Field>
            </Checked>
          ) : (
            <input type="hidden" name="providerKey" value={key} />
          )}
          {isNew ? <input type="hidden" name="isNew" value="1" /> : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <Checked problem={problems.of("displayName")}>
              <Field className={CELL} label="Display name" hint="What members see on Connected apps.">
                <Input name="displayName" required maxLength={120} defaultValue={values.displayName} autoComplete="off" {...problems.attributes("displayName")} />
              </Field>
            </Checked>
            <Checked problem={problems.of("clientId")}>
              <Field className={CELL} label="Client ID">
                <Input name="clientId" required maxLength={2000} defaultValue={values.clientId} autoComplete="off" spellCheck={false} {...problems.attributes("clientId")} />
              </Field>
            </Checked>
            <Checked problem={problems.of("clientSecret")}>
              <Field
                className={CELL}
                label="Client secret"
                optional={values.tokenAuthMethod === "none"}
                hint={provider?.hasClientSecret ? "Stored — leave empty to keep." : "Stored encrypted; never shown again after saving."}
              >
                <Input name="clientSecret" type="password" autoComplete="new-password" maxLength={16384} spellCheck={false} {...problems.attributes("clientSecret")} />
              </Field>
            </Checked>
            <Checked problem={problems.of("tokenAuthMethod")}>
              <Field className={CELL} label="Token auth method">
                <Select name="tokenAuthMethod" defaultValue={values.tokenAuthMethod} {...problems.attributes("tokenAuthMethod")}>
                  {TOKEN_AUTH_METHODS.map((method) => (
                    <option key={method.value} value={method.value}>
                      {method.label}
                    </option>
                  ))}
                </Select>
              </Field>
            </Checked>
          </div>
          {provider === null && needed !== null ? (
            <SuggestedEndpoints apps={needed.apps} authorizationUrl={needed.authorizationUrl} tokenUrl={needed.tokenUrl} />
          ) : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <Checked problem={problems.of("authorizationUrl")}>
              <Field className={CELL} label="Authorization URL">
                <Input
                  name="authorizationUrl"
                  type="url"
                  required
                  defaultValue={values.authorizationUrl}
                  placeholder="https://"
                  spellCheck={false}
                  {...problems.attributes("authorizationUrl")}
                />
              </Field>
            </Checked>
            <Checked problem={problems.of("tokenUrl")}>
              <Field className={CELL} label="Token URL">
                <Input name="tokenUrl" type="url" required defaultValue={values.tokenUrl} placeholder="https://" spellCheck={false} {...problems.attributes("tokenUrl")} />
              </Field>
            </Checked>
            <Checked problem={problems.of("revocationUrl")}>
              <Field className={CELL} label="Revocation URL" optional hint="Disconnect revokes the person's token there.">
                <Input
                  name="revocationUrl"
                  type="url"
                  defaultValue={values.revocationUrl}
                  placeholder="https://"
                  spellCheck={false}
                  {...problems.attributes("revocationUrl")}
                />
              </Field>
            </Checked>
            <Checked problem={problems.of("authorizationParams")}>
              <Field className={CELL} label="Extra authorization parameters" optional hint="One name=value a line, e.g. access_type=offline.">
                <Textarea
                  name="authorizationParams"
                  rows={2}
                  defaultValue={values.authorizationParams}
                  spellCheck={false}
                  className="min-h-9 font-mono text-xs"
                  {...problems.attributes("authorizationParams")}
                />
              </Field>
            </Checked>
          </div>
          {outcome && problems.rest !== "" ? <Notice tone={outcome.ok ? "success" : "error"}>{problems.rest}</Notice> : null}
        </Form>
        {/* Outside the form: Remove's question has a form of its own. */}
        <div className="mt-4 flex flex-wrap gap-2">
          <Button type="submit" form={formId} name="intent" value="saveProvider">
            <Save aria-hidden />
            {isNew ? "Add provider" : "Save"}
            <span className="sr-only"> {title}</span>
          </Button>
          {provider ? (
            <ConfirmForm
              trigger={
                <Button variant="ghost" className="text-destructive hover:text-destructive">
                  <Trash2 aria-hidden />
                  Remove<span className="sr-only"> {title}</span>
                </Button>
              }
              title={`Remove the OAuth client ${title}?`}
              description={
                connections === 0
                  ? "Nobody has connected through it yet. Apps that need it stop working until it is set up again."
                  : `This disconnects ${
                      connections === 1 ? "1 person" : `${connections} people`
                    } and deletes their tokens. Apps that need it stop working until it is set up again and people reconnect.`
              }
              confirmLabel="Remove"
              intent="deleteProvider"
              fields={{ providerKey: key }}
              destructive
            />
          ) : null}
        </div>
      </CardContent>
    </Card>
  )
}

/** A field and, under it, what is wrong with it (the control points at it with aria-describedby). */
export function Checked({ problem, children }: { problem: { id: string; message: string } | null; children: ReactNode }) {
  if (!problem) return <>{children}</>
  return (
    <div className="grid min-w-0 content-start gap-1.5">
      {children}
      <p id={problem.id} className="text-xs font-medium text-destructive" data-testid="field-problem">
        {problem.message}
      </p>
    </div>
  )
}
