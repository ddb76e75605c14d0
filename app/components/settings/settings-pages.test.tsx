// The settings pages' parts as the server renders them: what a person reads, and what must never
// show (ids, JSON, raw User-Agent headers).

import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import type { AuditDirectory, AuditEventView } from "../../text/audit-sentence.ts"
import { AuditRow } from "./audit-row.tsx"
import { MemberRow } from "./member-row.tsx"
import { SessionList } from "./session-list.tsx"

const ADA = "adaadaadaadaadaadaadaada"
const BEA = "beabeabeabeabeabeabeabea"
const directory: AuditDirectory = {
  people: { [ADA]: { name: "Ada", email: "ada@example.com" }, [BEA]: { name: "Bea", email: "bea@example.com" } },
  teams: {},
  apps: {},
  invitations: {},
}

describe("an audit row", () => {
  it("reads as a sentence with names, without ids or JSON", async () => {
    const event: AuditEventView = {
      id: "evtevtevtevtevtevtevtevt",
      occurredAt: "2025-03-05T14:03:00.000Z",
      actorUserId: ADA,
      action: "member.role_changed",
      targetType: "member",
      targetId: BEA,
      before: { role: "member" },
      after: { role: "admin" },
    }
    const html = await renderInRouter(<ol><AuditRow event={event} directory={directory} /></ol>)
    // textOf puts a space after each tag; the possessive follows the name's <strong> directly.
    const text = textOf(html).replace(/ '/g, "'")
    expect(text).toContain("Ada changed Bea's role from member to admin")
    expect(text).toContain("Mar 5, 2025, 14:03 UTC")
    expect(html).not.toContain(ADA)
    expect(html).not.toContain(BEA)
    expect(text).not.toMatch(/[{}]|"role"/)
    expect(text).not.toContain("member.role_changed")
  })
})

describe("the signed-in browsers", () => {
  it("names each browser as people do and marks this one, never showing the raw header", async () => {
    const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
    const safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"
    const at = "2025-03-05T14:03:00.000Z"
    const html = await renderInRouter(
      <SessionList
        sessions={[
          { id: "a".repeat(64), createdAt: at, lastSeenAt: at, userAgent: chrome, current: true },
          { id: "b".repeat(64), createdAt: at, lastSeenAt: at, userAgent: safari, current: false },
        ]}
      />,
    )
    const text = textOf(html)
    expect(text).toContain("Chrome on Linux This browser")
    expect(text).toContain("Safari on iOS")
    expect(text).toContain("Sign out all other browsers")
    expect(html).not.toContain("Mozilla/5.0")
  })
})

describe("a member row", () => {
  it("starts with the name and the email, then the role, so a phone and a table read alike", async () => {
    const member = { userId: BEA, displayName: "Bea", email: "bea@example.com", role: "admin" as const, managedExternally: false, joinedAt: "2025-03-05T14:03:00.000Z", teamIds: [] }
    const html = await renderInRouter(
      <table>
        <tbody>
          <MemberRow member={member} isMe={false} editable={false} grantable={[]} teamNames={["Design"]} workspaceName="Acme" showActions={false} />
        </tbody>
      </table>,
    )
    const cells = [...html.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map(([, inner]) => textOf(inner ?? ""))
    expect(cells.slice(0, 3)).toEqual(["Bea", "bea@example.com", "admin"])
    expect(html).toContain('data-testid="member-role"')
  })
})
