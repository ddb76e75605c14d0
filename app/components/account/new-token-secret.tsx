// A token right after it was made: shown this once, selectable without JavaScript, with a Copy
// button and the warning that it cannot be shown again; beside it the workspace id scripts name
// (with its own Copy button) and the header they send.

import { CopyButton } from "../settings/copy-button.tsx"
import { Input } from "../ui/input.tsx"
import { Notice } from "../ui/notice.tsx"

export function NewTokenSecret({ token, workspace }: { token: string; workspace: { readonly id: string; readonly name: string | null } }) {
  return (
    <div className="grid gap-3" data-testid="new-api-token">
      <Notice tone="warning" title="Copy your new token now">
        It will not be shown again: only its first characters are kept for the list.
        {workspace.name ? (
          <>
            {" "}
            It works in <span className="font-medium text-foreground wrap-anywhere">{workspace.name}</span> only.
          </>
        ) : null}
      </Notice>
      <div className="grid gap-1.5">
        <span className="text-sm font-medium">API token</span>
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
      </div>
      <div className="grid gap-1.5">
        <span className="text-sm font-medium">Workspace id</span>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Input
            readOnly
            value={workspace.id}
            aria-label="Workspace id for scripts"
            className="font-mono text-xs"
            onFocus={(event) => event.currentTarget.select()}
            data-testid="new-api-token-workspace-id"
          />
          <CopyButton text={workspace.id} label="Copy workspace id" />
        </div>
      </div>
      <p className="text-xs text-muted-foreground">
        Scripts send it as <code className="break-all text-foreground">Authorization: Bearer {token.slice(0, 8)}…</code> and pass the workspace id as{" "}
        <code>workspaceId</code>; the example script reads them from <code>SECOND_TOKEN</code> and <code>SECOND_WORKSPACE_ID</code>. Keep the token
        secret, like a password.
      </p>
    </div>
  )
}
