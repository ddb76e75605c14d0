// A token right after it was made: shown this once, selectable without JavaScript, with a Copy
// button and the warning that it cannot be shown again.

import { CopyButton } from "../settings/copy-button.tsx"
import { Input } from "../ui/input.tsx"
import { Notice } from "../ui/notice.tsx"

export function NewTokenSecret({ token }: { token: string }) {
  return (
    <div className="grid gap-2" data-testid="new-api-token">
      <Notice tone="warning" title="Copy your new token now">
        It will not be shown again: only its first characters are kept for the list.
      </Notice>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Input
          readOnly
          value={token}
          aria-label="Your new API token"
          className="font-mono text-xs"
          onFocus={(event) => event.currentTarget.select()}
          autoFocus
        />
        <CopyButton text={token} label="Copy token" />
      </div>
      <p className="text-xs text-muted-foreground">
        Send it as <code className="break-all">Authorization: Bearer {token.slice(0, 8)}…</code>. Keep it secret, like a password.
      </p>
    </div>
  )
}
