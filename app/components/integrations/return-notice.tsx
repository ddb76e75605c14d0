// What the OAuth callback's redirect back to Connected apps says (?connected=<key> or
// ?oauth_error=<code>), in words this page chose: a provider's name only when the page lists that
// key, an error only as a known code's sentence. Nothing else from the URL reaches the page.

import { useSearchParams } from "@remix-run/react"
import { Notice } from "../ui/notice.tsx"
import { oauthErrorSentence } from "./oauth-outcome-text.ts"

/** What the callback's redirect says, in words this page chose. */
export function ReturnNotice({ connections }: { connections: readonly { providerKey: string; displayName: string }[] }) {
  const [params] = useSearchParams()
  const connected = params.get("connected")
  const error = params.get("oauth_error")
  if (error !== null) {
    return (
      <Notice tone="error" title="Not connected" data-testid="oauth-error">
        {oauthErrorSentence(error)}
      </Notice>
    )
  }
  if (connected !== null) {
    const name = connections.find((connection) => connection.providerKey === connected)?.displayName
    return (
      <Notice tone="success" data-testid="oauth-connected">
        {name ? `Connected ${name}. Apps that need it now act with your account there.` : "Connected. Apps that need it now act with your account there."}
      </Notice>
    )
  }
  return null
}
