// The Usage page's figures as a CSV download at /api/w/<workspaceId>/usage.csv (the file name's
// [.] keeps the dot in the URL), for usage:read: the same query parameters as the page (from, to,
// groupBy: day, app, person or runtime), a header row, one row per group and the totals.
// Parameters that cannot be read are the procedure's 400, its message saying what to fix.

import type { LoaderFunctionArgs } from "@remix-run/node"
import type { UsageGroup } from "#shared/usage/usage-range.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { load } from "../trpc/caller.server.ts"
import { usageCsv, usageCsvFileName } from "../usage/usage-csv.ts"

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const search = new URL(args.request.url).searchParams
  const report = await load(args, (caller) =>
    caller.usage.summary({
      workspaceId,
      // Checked by the procedure (after the permission), like from and to.
      groupBy: (search.get("groupBy") ?? "day") as UsageGroup,
      from: search.get("from") ?? undefined,
      to: search.get("to") ?? undefined,
    }),
    { acceptApiTokens: true },
  )
  return new Response(usageCsv(report), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${usageCsvFileName(report)}"`,
      "Cache-Control": "no-store",
    },
  })
}

export const action = onlyMethod("GET")
