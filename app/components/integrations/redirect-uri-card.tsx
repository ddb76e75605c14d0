// The top of the Integrations page: the redirect URI to register at each provider (with Copy),
// and whether the secret store can keep client secrets and tokens (and what to set if not).

import { CopyButton } from "../settings/copy-button.tsx"
import { Badge } from "../ui/badge.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx"
import { Input } from "../ui/input.tsx"
import { Notice } from "../ui/notice.tsx"
import type { SecretStoreStatus } from "./integration-views.ts"

export function RedirectUriCard({ redirectUri }: { redirectUri: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Redirect URI</CardTitle>
        <CardDescription>The redirect (callback) URI of every OAuth client at its provider.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-2">
        <div className="flex min-w-0 gap-2">
          <Input
            readOnly
            value={redirectUri}
            aria-label="Redirect URI"
            data-testid="redirect-uri"
            className="font-mono text-xs"
            onFocus={(event) => event.currentTarget.select()}
          />
          <CopyButton text={redirectUri} />
        </div>
        {/* The URI is this server's public URL, whatever port it runs on: only the example is fixed. */}
        <p className="text-sm text-muted-foreground" data-testid="redirect-uri-help">
          At each provider, register exactly the URI shown above. Locally, Second runs on a plain loopback origin such as{" "}
          <code className="text-xs break-all">http://127.0.0.1:3000</code>, which providers accept for plain-HTTP redirect URIs.
        </p>
      </CardContent>
    </Card>
  )
}

const KIND_LABELS: Record<SecretStoreStatus["kind"], string> = {
  local: "Encrypted on this server",
  "workos-vault": "WorkOS Vault",
  unconfigured: "Not configured",
}

export function SecretStoreCard({ status }: { status: SecretStoreStatus }) {
  const details = Boolean(status.message) || status.kind === "unconfigured" || !status.ready
  return (
    <Card data-testid="secret-store">
      <CardHeader className={details ? undefined : "pb-4 sm:pb-5"}>
        <div className="flex flex-wrap items-center gap-2">
          <CardTitle>Secret store</CardTitle>
          {status.ready ? <Badge variant="success">Ready</Badge> : <Badge variant="destructive">Not ready</Badge>}
        </div>
        <CardDescription>
          {KIND_LABELS[status.kind]}. Client secrets, people's tokens and app keys are kept here, encrypted; no page, log or agent sees them.
        </CardDescription>
      </CardHeader>
      {details ? (
        <CardContent className="grid gap-2">
          {status.message ? <Notice tone={status.ready ? "info" : "warning"}>{status.message}</Notice> : null}
          {status.kind === "unconfigured" ? (
            <Notice tone="warning" title="Nothing can be stored yet">
              Set <code className="text-xs">SECOND_TOKEN_ENCRYPTION_KEY</code> (32 random bytes as base64, e.g. from{" "}
              <code className="text-xs">openssl rand -base64 32</code>) or <code className="text-xs">WORKOS_API_KEY</code> for WorkOS Vault, then restart
              Second.
            </Notice>
          ) : null}
        </CardContent>
      ) : null}
    </Card>
  )
}
