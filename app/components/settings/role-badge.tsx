// A member's or invitation's role as a badge: owners stand out, members stay quiet.

import type { Role } from "#shared/auth/permissions.ts"
import { Badge } from "../ui/badge.tsx"

const VARIANT = { owner: "primary", admin: "default", member: "outline" } as const

export function RoleBadge({ role, "data-testid": testId }: { role: Role; "data-testid"?: string }) {
  return (
    <Badge variant={VARIANT[role]} data-testid={testId}>
      {role}
    </Badge>
  )
}
