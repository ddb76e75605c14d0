import { describe, expect, it } from "vitest"
import type { AppDataChange, AppDataDocument } from "#shared/apps/app-data.ts"
import { applyChange, documentText, parseDocumentText, withDocument, withNextPage, type DocumentsView } from "./data-state.ts"

const doc = (id: string, data: Record<string, unknown>, updatedAt = "2026-01-01T00:00:00Z"): AppDataDocument => ({
  id,
  collection: "todos",
  data,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt,
})
const change = (op: AppDataChange["op"], document: AppDataDocument | null, documentId = document?.id ?? "a"): AppDataChange => ({
  appId: "app",
  scope: "draft",
  collection: "todos",
  op,
  documentId,
  document,
})
const view = (documents: AppDataDocument[], nextCursor: string | null = null): DocumentsView => ({ collection: "todos", documents, nextCursor })

describe("the Data tab's live documents", () => {
  it("adds, replaces and removes documents by id, once", () => {
    const a = doc("a", { n: 1 })
    const added = applyChange(view([]), change("insert", a))
    expect(added.documents).toEqual([a])
    // The echo of the tab's own insert changes nothing.
    expect(applyChange(added, change("insert", a)).documents).toEqual([a])
    const newer = doc("a", { n: 2 }, "2026-01-01T00:00:05Z")
    expect(applyChange(added, change("update", newer)).documents).toEqual([newer])
    // A late echo of an earlier write does not undo a later one.
    expect(applyChange(view([newer]), change("update", a)).documents).toEqual([newer])
    expect(applyChange(added, change("delete", null, "a")).documents).toEqual([])
    expect(applyChange(view([]), change("delete", null, "a")).documents).toEqual([])
  })

  it("leaves another collection's changes, and new documents beyond the pages not yet loaded, alone", () => {
    expect(applyChange(view([]), { ...change("insert", doc("a", {})), collection: "notes" }).documents).toEqual([])
    expect(applyChange(view([], "cursor"), change("insert", doc("a", {}))).documents).toEqual([])
  })

  it("shows what the tab itself added at once, and never twice when its page comes", () => {
    const a = doc("a", {})
    const b = doc("b", {})
    const shown = withDocument(view([a], "cursor"), b)
    expect(shown.documents).toEqual([a, b])
    expect(withNextPage(shown, { documents: [b, doc("c", {})], nextCursor: null }).documents.map((document) => document.id)).toEqual(["a", "b", "c"])
  })
})

describe("a document typed in the editor", () => {
  it("must be a JSON object", () => {
    expect(parseDocumentText('{"title": "Milk"}')).toEqual({ ok: true, data: { title: "Milk" } })
    expect(parseDocumentText("{title: Milk}")).toMatchObject({ ok: false, message: expect.stringMatching(/^This is not valid JSON/) })
    for (const text of ["[1, 2]", "null", '"text"', "3"]) expect(parseDocumentText(text)).toMatchObject({ ok: false, message: expect.stringMatching(/JSON object/) })
  })

  it("may not drop a field, which saving would keep: it says to set it to null", () => {
    const refused = parseDocumentText('{"title": "Milk"}', { title: "Milk", done: false })
    expect(refused).toEqual({ ok: false, message: 'Saving keeps fields that are left out, so "done" would stay. Set it to null instead.' })
    expect(parseDocumentText('{"title": "Milk", "done": null}', { title: "Milk", done: false })).toMatchObject({ ok: true })
  })
})

describe("documentText", () => {
  it("shows characters that reorder or hide text escaped, and parses back to the same document", () => {
    const data = { note: "\u202etxt.exe", joined: "a\u200bb", plain: "Buy milk" }
    const text = documentText(data)
    expect(text).toContain('"note": "\\u202etxt.exe"')
    expect(text).toContain('"joined": "a\\u200bb"')
    expect(text).not.toMatch(/[\u202e\u200b]/)
    expect(JSON.parse(text)).toEqual(data)
  })
})
