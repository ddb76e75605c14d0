// What the audit tests share: a world with an owner, a member and an app; audit events written
// straight into the store at chosen times (fast, and many in one millisecond); the export route
// called as a browser would; and a strict RFC 4180 reader for what it answers.

import type { AppLoadContext } from "@remix-run/node"
import { afterEach } from "vitest"
import { newId } from "#shared/ids.ts"
import { auditEvents, type AuditEventDocument } from "#app/store/collections.server.ts"
import { loader as exportLoader } from "#app/routes/api.w.$workspaceId.audit.export.ts"
import { openAppDataWorld, type AppDataWorld, type Person } from "#tests/fixtures/app-data-world.ts"

export interface AuditWorld {
  readonly world: AppDataWorld
  readonly workspaceId: string
  readonly owner: Person
  readonly member: Person
}

export async function openAuditWorld(): Promise<AuditWorld> {
  const world = await openAppDataWorld()
  const workspaceId = await world.workspace()
  return { world, workspaceId, owner: await world.person(workspaceId, "owner"), member: await world.person(workspaceId, "member") }
}

/** Opens worlds for the tests of a file and closes each after its test. */
export function auditWorlds(): () => Promise<AuditWorld> {
  const open: AuditWorld[] = []
  afterEach(async () => {
    for (const given of open.splice(0)) await given.world.close()
  })
  return async () => {
    const given = await openAuditWorld()
    open.push(given)
    return given
  }
}

export type EventSeed = Partial<Omit<AuditEventDocument, "workspaceId">> & { readonly occurredAt: string }

export async function seedEvents(given: AuditWorld, seeds: readonly EventSeed[]): Promise<AuditEventDocument[]> {
  const events = seeds.map((seed): AuditEventDocument => ({
    id: newId(),
    workspaceId: given.workspaceId,
    actorUserId: given.owner.viewer.user.id,
    action: "team.created",
    targetType: "team",
    targetId: newId(),
    before: null,
    after: { name: "Ops" },
    ...seed,
  }))
  const collection = given.world.store.collection(auditEvents)
  for (const event of events) await collection.insert(event)
  return events
}

/** GET the export as `person`'s browser would (null: signed out). */
export async function exportAudit(given: AuditWorld, person: Person | null, query: string, workspaceId = given.workspaceId): Promise<Response> {
  const request = new Request(`http://second.test/api/w/${workspaceId}/audit/export${query}`, { headers: person ? { cookie: person.cookie } : {} })
  try {
    return await exportLoader({ request, params: { workspaceId }, context: { services: given.world.services } as unknown as AppLoadContext })
  } catch (thrown) {
    // Remix's redirect() is thrown as a Response.
    if (thrown instanceof Response) return thrown
    throw thrown
  }
}

/** Rows of RFC 4180 CSV (CRLF line ends, quoted fields with doubled quotes); throws on anything else. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let index = 0
  while (index < text.length) {
    let value = ""
    if (text[index] === '"') {
      index += 1
      for (;;) {
        const quote = text.indexOf('"', index)
        if (quote < 0) throw new Error("unterminated quoted field")
        value += text.slice(index, quote)
        if (text[quote + 1] === '"') {
          value += '"'
          index = quote + 2
        } else {
          index = quote + 1
          break
        }
      }
    } else {
      const end = text.slice(index).search(/,|\r\n/)
      value = end < 0 ? text.slice(index) : text.slice(index, index + end)
      if (/["\r\n]/.test(value)) throw new Error(`unquoted field holds a quote or line break: ${JSON.stringify(value)}`)
      index = end < 0 ? text.length : index + end
    }
    row.push(value)
    if (text.startsWith(",", index)) index += 1
    else if (text.startsWith("\r\n", index)) {
      rows.push(row)
      row = []
      index += 2
    } else if (index < text.length) throw new Error(`expected a comma or CRLF at ${index}`)
  }
  if (row.length > 0) rows.push(row)
  return rows
}
