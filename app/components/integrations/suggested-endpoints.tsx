// The endpoints an app's integration-setup.json names for a provider nobody has set up yet, as
// read-only text above the empty URL fields — never as the fields' values. Whoever builds an app
// writes these, so they may point anywhere (`https://accounts.google.com.evil.example/…`): an
// admin who pasted the real client secret into a form prefilled with them would send it, and later
// every member's code and PKCE verifier, to that host. So the host is set apart in bold (not by
// colour alone), and the warning says where the real endpoints come from.

import { Notice } from "../ui/notice.tsx"
import type { AppRef } from "./integration-views.ts"

interface SuggestedEndpointsProps {
  readonly apps: readonly AppRef[]
  readonly authorizationUrl: string
  readonly tokenUrl: string
}

const appNames = (apps: readonly AppRef[]) => apps.map((app) => app.name).join(", ")

export function SuggestedEndpoints({ apps, authorizationUrl, tokenUrl }: SuggestedEndpointsProps) {
  const endpoints = [
    { label: "Authorization URL", url: authorizationUrl },
    { label: "Token URL", url: tokenUrl },
  ].filter((endpoint) => endpoint.url !== "")
  if (endpoints.length === 0) return null
  return (
    <Notice tone="warning" title={apps.length > 0 ? `Suggested by the builder of ${appNames(apps)}` : "Suggested by an app's builder"} data-testid="suggested-endpoints">
      <p>
        These came from an app's integration-setup.json, not from your provider. Copy the endpoints from your provider's documentation; use these only if the
        host is your provider's.
      </p>
      <dl className="mt-2 grid gap-1.5">
        {endpoints.map((endpoint) => (
          <div key={endpoint.label} className="grid min-w-0 gap-0.5">
            <dt className="text-xs">{endpoint.label}</dt>
            <dd className="min-w-0 font-mono text-xs break-all text-foreground">
              <UrlWithHost url={endpoint.url} />
            </dd>
          </div>
        ))}
      </dl>
    </Notice>
  )
}

/**
 * The URL as the parser reads it, with its host in bold and named once more in words, so what a
 * browser would contact is plain even for `https://accounts.google.com@evil.example/` or a
 * look-alike (the parser's host is punycode, `xn--…`).
 */
function UrlWithHost({ url }: { url: string }) {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return <span>{url}</span>
  }
  const userinfo = parsed.username || parsed.password ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ""}@` : ""
  return (
    <>
      <span className="text-muted-foreground">
        {parsed.protocol}//{userinfo}
      </span>
      <strong className="font-semibold underline decoration-dotted underline-offset-2">{parsed.host}</strong>
      <span className="text-muted-foreground">{`${parsed.pathname}${parsed.search}${parsed.hash}`}</span>
      <span className="mt-0.5 block font-sans">
        Host: <strong className="font-semibold">{parsed.host}</strong>
      </span>
    </>
  )
}
