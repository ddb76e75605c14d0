// One HTTP tool as a reviewer needs to see it: its name, what it is for, and the three facts an
// approval turns on — the method (does it change anything?), the domain it calls, and whose
// credential it calls with (none, a key an admin stores, or the triggering person's own account
// with these scopes).

import { Globe, KeyRound, Unlock, UserRound } from "lucide-react"
import { Badge } from "../ui/badge.tsx"
import type { AgentToolView, AuthType } from "./agents-summary-view.ts"

/** Methods that change something at the other end get the warning colour. */
const READ_ONLY_METHODS = new Set(["GET"])

const AUTH: Readonly<Record<AuthType, { readonly label: string; readonly title: string; readonly icon: typeof Globe }>> = {
  none: { label: "public", title: "Calls a public API, with no credential.", icon: Unlock },
  static: { label: "app key", title: "Calls with a key an admin stores for this app.", icon: KeyRound },
  oauth2: { label: "user's account", title: "Calls with the account of the person who triggered it (OAuth).", icon: UserRound },
}

export function AuthBadge({ tool }: { tool: Pick<AgentToolView, "authType" | "providerKey"> }) {
  const { label, title, icon: Icon } = AUTH[tool.authType]
  return (
    <Badge variant="outline" title={title} data-testid="tool-auth" data-auth={tool.authType}>
      <Icon aria-hidden />
      <span className="sr-only">Credential: </span>
      {label}
      {tool.authType === "oauth2" && tool.providerKey ? ` · ${tool.providerKey}` : null}
    </Badge>
  )
}

export function AgentToolRow({ tool }: { tool: AgentToolView }) {
  const title = tool.displayName ?? tool.name
  return (
    <li className="grid min-w-0 gap-1 py-2 first:pt-0 last:pb-0" data-testid="agent-tool" data-tool-name={tool.name}>
      <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
        <span className="min-w-0 font-medium wrap-anywhere">{title}</span>
        {title !== tool.name ? <code className="min-w-0 font-mono text-xs text-muted-foreground wrap-anywhere">{tool.name}</code> : null}
      </div>
      {tool.description ? <p className="text-sm text-muted-foreground wrap-anywhere">{tool.description}</p> : null}
      <div className="flex min-w-0 flex-wrap items-center gap-1.5">
        <Badge variant={READ_ONLY_METHODS.has(tool.method) ? "default" : "warning"} className="font-mono" data-testid="tool-method">
          <span className="sr-only">Method: </span>
          {tool.method}
        </Badge>
        <Badge variant="outline" className="max-w-full min-w-0" title={tool.domain} data-testid="tool-domain">
          <Globe aria-hidden />
          <span className="sr-only">Domain: </span>
          <span className="truncate">{tool.domain}</span>
        </Badge>
        <AuthBadge tool={tool} />
      </div>
      {tool.scopes.length > 0 ? (
        <p className="text-xs text-muted-foreground wrap-anywhere" data-testid="tool-scopes">
          Scopes: {tool.scopes.map((scope, index) => (
            <span key={scope}>
              {index > 0 ? ", " : null}
              <code className="font-mono">{scope}</code>
            </span>
          ))}
        </p>
      ) : null}
    </li>
  )
}
