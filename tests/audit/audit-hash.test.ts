// auditHash: the fingerprint audit events record instead of bodies — equal for equal states
// however their keys were ordered, different for any change, never the content itself.

import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { auditHash } from "#app/audit/audit-hash.server.ts"

describe("auditHash", () => {
  it("hashes canonical JSON: key order does not matter, any value change does", () => {
    const a = auditHash({ scripts: true, clipboard: { read: false, write: true } })
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(auditHash({ clipboard: { write: true, read: false }, scripts: true })).toBe(a)
    expect(auditHash({ scripts: true, clipboard: { read: true, write: true } })).not.toBe(a)
    expect(auditHash({ scripts: true, clipboard: { read: false, write: true }, ignored: undefined })).toBe(a)
  })

  it("hashes strings and bytes as they are, and never contains them", () => {
    const body = "export default function App() { return 'secret-ish body' }"
    expect(auditHash(body)).toBe(`sha256:${createHash("sha256").update(body).digest("hex")}`)
    expect(auditHash(new TextEncoder().encode(body))).toBe(auditHash(body))
    expect(auditHash(body)).not.toContain("body")
  })
})
