// GET /api/w/:workspaceId/audit/export?format=csv|jsonl&actor=&action=&app=&from=&to= — the audit
// log (audit:read) as a streamed download, oldest first, filtered as the audit page is. Starting an
// export is itself recorded (audit.exported). A link a person follows: signed out, it goes to
// sign-in and back; not a member 404; a role without audit:read 403; a bad parameter 400 naming it.

import { redirect, type LoaderFunctionArgs } from "@remix-run/node"
import { can } from "#shared/auth/permissions.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { AUDIT_EXPORT_FORMATS, auditExportStream, type AuditExportFormat } from "../audit/audit-export.server.ts"
import { describeAuditFilters, parseAuditFilters, URL_FILTER_NAMES, type AuditQuery } from "../audit/audit-query.server.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { INVALID_API_TOKEN_MESSAGE } from "../api-tokens/api-token-text.ts"
import { findViewerMembership } from "../api-tokens/viewer-membership.server.ts"
import { getApiViewer, INVALID_API_TOKEN } from "../auth/viewer.server.ts"
import { AppError } from "../errors.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { plainText } from "../server/plain-text.server.ts"
import { signInPath } from "../trpc/caller.server.ts"

const CONTENT_TYPES: Readonly<Record<AuditExportFormat, string>> = {
  csv: "text/csv; charset=utf-8; header=present",
  jsonl: "application/jsonl; charset=utf-8",
}

function parseRequest(url: URL): { format: AuditExportFormat; query: AuditQuery } {
  const format = url.searchParams.get("format") ?? "csv"
  if (!(AUDIT_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new AppError("BAD_REQUEST", `format must be one of ${AUDIT_EXPORT_FORMATS.join(", ")} (got "${format.slice(0, 20)}").`)
  }
  const param = (name: string) => url.searchParams.get(name) ?? undefined
  const query = parseAuditFilters(
    { actorUserId: param(URL_FILTER_NAMES.actorUserId), action: param("action"), appId: param(URL_FILTER_NAMES.appId), from: param("from"), to: param("to") },
    URL_FILTER_NAMES,
  )
  return { format: format as AuditExportFormat, query }
}

/** "audit-log-acme-2026-03-01.csv": the workspace and the day of the export. */
function fileName(slug: string, format: AuditExportFormat, now: Date): string {
  const safeSlug = slug.replace(/[^a-z0-9-]/gi, "").slice(0, 60) || "workspace"
  return `audit-log-${safeSlug}-${now.toISOString().slice(0, 10)}.${format}`
}

export async function loader(args: LoaderFunctionArgs) {
  const { request, params, context } = args
  const { services } = context
  const viewer = await getApiViewer(request, services)
  if (viewer === INVALID_API_TOKEN) return plainText(INVALID_API_TOKEN_MESSAGE, 401)
  if (!viewer) throw redirect(signInPath(args))
  const workspaceId = params["workspaceId"] ?? ""
  const found = ID_PATTERN.test(workspaceId) ? await findViewerMembership(services, viewer, workspaceId) : null
  if (!found) return plainText("Workspace not found.", 404)
  if (!can(found.membership.role, "audit:read")) {
    return plainText(`Your role (${found.membership.role}) does not allow this (audit:read); ask a workspace admin.`, 403)
  }

  let parsed: ReturnType<typeof parseRequest>
  try {
    parsed = parseRequest(new URL(request.url))
  } catch (error) {
    if (error instanceof AppError) return plainText(error.message, 400)
    throw error
  }
  const now = new Date()
  await recordAudit(services.store, {
    workspaceId,
    actorUserId: viewer.user.id,
    action: "audit.exported",
    target: { type: "workspace", id: workspaceId },
    after: { format: parsed.format, filters: describeAuditFilters(parsed.query) },
  }, now)
  const body = auditExportStream(services.store, workspaceId, parsed.query, { format: parsed.format })
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": CONTENT_TYPES[parsed.format],
      "content-disposition": `attachment; filename="${fileName(found.workspace.slug, parsed.format, now)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  })
}

export const action = onlyMethod("GET")
