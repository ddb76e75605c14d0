// One provider on Connected apps: whether this person's account is connected, what it granted
// against what the apps need (missing scopes stand out), which apps need it, when it was connected
// and last refreshed, and Connect / Reconnect / Disconnect. Not set up by an admin: no Connect.
// Connect says "Connecting…" from the click until the browser leaves for the provider's sign-in.

import { Form, useNavigation } from "@remix-run/react"
import { Link2, LoaderCircle, Plug, RefreshCw, Unplug } from "lucide-react"
import { ConfirmForm } from "../settings/confirm-form.tsx"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import type { ConnectionView } from "./integration-views.ts"

const STATUS = {
  not_connected: { label: "Not connected", variant: "outline" },
  connected: { label: "Connected", variant: "success" },
  reconnect_needed: { label: "Reconnect needed", variant: "warning" },
} as const

/** Why a reconnect is needed, in words: an admin's replaced client is not the provider's doing. */
const reconnectReason = (code: string | null) =>
  code === "provider_changed"
    ? "An admin replaced this provider's OAuth client: reconnect to keep using it."
    : "The provider no longer accepts this connection. Reconnect to keep the apps working with your account."

export function ConnectionRow({ connection }: { connection: ConnectionView }) {
  const { providerKey, displayName, status } = connection
  const shown = STATUS[status]
  // This row's Connect is on its way (the action, then the redirect to the provider).
  const navigation = useNavigation()
  const connecting =
    navigation.state !== "idle" && navigation.formData?.get("intent") === "connect" && navigation.formData.get("providerKey") === providerKey
  // Reconnecting a working connection is the quiet choice; anything else is what the row is for.
  const connectVariant = status === "connected" && connection.missingScopes.length === 0 ? "outline" : "default"
  const missing = new Set(connection.missingScopes)
  const scopes = [...new Set([...connection.requiredScopes, ...connection.grantedScopes])]
  return (
    <li
      data-testid="connection"
      data-provider={providerKey}
      data-status={status}
      aria-label={displayName}
      className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-start"
    >
      <div className="flex min-w-0 flex-1 gap-3">
        <span className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full bg-muted">
          <Link2 className="size-4 text-muted-foreground" aria-hidden />
        </span>
        <div className="grid min-w-0 flex-1 gap-1.5">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium break-words">{displayName}</span>
            <Badge variant={shown.variant} data-testid="connection-status">
              {shown.label}
            </Badge>
          </p>
          {connection.apps.length > 0 ? (
            <p className="text-sm text-muted-foreground break-words">Used by {connection.apps.map((app) => app.name).join(", ")}</p>
          ) : null}
          {scopes.length > 0 ? (
            <ul className="flex flex-wrap items-center gap-1" aria-label="Access the apps need">
              <li className="text-xs text-muted-foreground" aria-hidden>
                Access:
              </li>
              {scopes.map((scope) => {
                const isMissing = status !== "not_connected" && missing.has(scope)
                return (
                  <li key={scope}>
                    <code
                      className={
                        isMissing
                          ? "rounded border border-destructive/40 bg-destructive/8 px-1.5 py-0.5 text-xs break-all text-destructive"
                          : "rounded bg-muted px-1.5 py-0.5 text-xs break-all"
                      }
                    >
                      {scope}
                      {isMissing ? " — not granted" : ""}
                    </code>
                  </li>
                )
              })}
            </ul>
          ) : null}
          {status === "reconnect_needed" ? (
            <p className="text-sm" data-testid="reconnect-reason">
              {reconnectReason(connection.lastErrorCode)}
            </p>
          ) : null}
          {status !== "not_connected" && connection.missingScopes.length > 0 ? (
            <p className="text-sm text-destructive">Some access the apps need was not granted. Reconnect and allow every permission asked for.</p>
          ) : null}
          {/* "Connected just now" beside "Reconnect needed" reads as a contradiction. */}
          {connection.connectedAt && status !== "reconnect_needed" ? (
            <p className="flex flex-wrap gap-x-1.5 text-xs text-muted-foreground">
              <RelativeTime iso={connection.connectedAt} prefix="Connected" />
              {connection.lastRefreshAt ? <RelativeTime iso={connection.lastRefreshAt} prefix="· refreshed" /> : null}
            </p>
          ) : null}
          {!connection.configured ? <p className="text-sm text-muted-foreground">Not set up yet — ask an admin.</p> : null}
        </div>
      </div>
      <div className="flex shrink-0 flex-wrap gap-2 pl-11 empty:hidden sm:pl-0">
        {connection.configured ? (
          <Form method="post">
            <input type="hidden" name="providerKey" value={providerKey} />
            {connecting ? (
              <Button type="submit" name="intent" value="connect" disabled aria-busy="true" variant={connectVariant}>
                <LoaderCircle className="animate-spin motion-reduce:animate-none" aria-hidden />
                Connecting…<span className="sr-only"> {displayName}</span>
              </Button>
            ) : status === "not_connected" ? (
              <Button type="submit" name="intent" value="connect">
                <Plug aria-hidden />
                Connect<span className="sr-only"> {displayName}</span>
              </Button>
            ) : (
              <Button
                type="submit"
                name="intent"
                value="connect"
                variant={connectVariant}
              >
                <RefreshCw aria-hidden />
                Reconnect<span className="sr-only"> {displayName}</span>
              </Button>
            )}
          </Form>
        ) : null}
        {status !== "not_connected" ? (
          <ConfirmForm
            trigger={
              <Button variant="ghost" className="text-destructive hover:text-destructive">
                <Unplug aria-hidden />
                Disconnect<span className="sr-only"> {displayName}</span>
              </Button>
            }
            title={`Disconnect ${displayName}?`}
            description="Second deletes your tokens (and asks the provider to revoke them). Apps that act with your account there stop until you connect again."
            confirmLabel="Disconnect"
            intent="disconnect"
            fields={{ providerKey }}
            destructive
          />
        ) : null}
      </div>
    </li>
  )
}
