// A workspace's API tokens: name, hint ("sec_abcd…"), role, when made, when it expires, when last
// used, and Revoke behind a question. Admins also see whose each token is ("You" for their own).
// Names of up to 80 characters without a space wrap anywhere, so a phone never scrolls sideways.

import { Trash2 } from "lucide-react"
import type { ApiTokenView } from "../../api-tokens/api-tokens.server.ts"
import { shownHint } from "../../api-tokens/api-token-text.ts"
import { ConfirmForm } from "../settings/confirm-form.tsx"
import { RoleBadge } from "../settings/role-badge.tsx"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"

export function ApiTokenList({ tokens, workspaceId, showOwner }: { tokens: readonly ApiTokenView[]; workspaceId: string; showOwner: boolean }) {
  if (tokens.length === 0) return <p className="text-sm text-muted-foreground">No API tokens in this workspace yet.</p>
  return (
    <ul className="divide-y rounded-lg border" aria-label="API tokens">
      {tokens.map((token) => (
        <li key={token.id} data-testid="api-token-row" className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center">
          <div className="grid min-w-0 flex-1 gap-1">
            <p className="flex flex-wrap items-center gap-2">
              <span className="min-w-0 font-medium wrap-anywhere">{token.name}</span>
              <code className="text-xs text-muted-foreground">{shownHint(token.hint)}</code>
              <RoleBadge role={token.role} />
              {token.expired ? <Badge variant="outline">Expired</Badge> : null}
            </p>
            <p className="text-xs text-muted-foreground wrap-anywhere">
              {showOwner ? (
                <>
                  <span className="font-medium text-foreground" data-testid="api-token-owner">
                    {token.mine ? "You" : token.ownerName}
                  </span>
                  {" · "}
                </>
              ) : null}
              made <RelativeTime iso={token.createdAt} /> · {token.expired ? "expired" : "expires"}{" "}
              <time dateTime={token.expiresAt}>{token.expiresAt.slice(0, 10)}</time> · last used{" "}
              {token.lastUsedAt ? <RelativeTime iso={token.lastUsedAt} /> : "never"}
            </p>
          </div>
          <div className="shrink-0">
            <ConfirmForm
              trigger={
                <Button variant="outline" size="sm" aria-label={`Revoke ${token.name}`}>
                  <Trash2 aria-hidden />
                  Revoke
                </Button>
              }
              title={<span className="wrap-anywhere">Revoke “{token.name}”?</span>}
              description="Scripts using this token are refused from the next request on. This cannot be undone."
              confirmLabel="Revoke token"
              intent="revokeToken"
              fields={{ workspaceId, tokenId: token.id }}
              destructive
            />
          </div>
        </li>
      ))}
    </ul>
  )
}
