// The Data tab's pure parts: applying a live change to the page of documents shown, and reading
// what a person typed as a document. Changes are applied by document id, so the echo of the tab's
// own write (it comes back on the live stream too) changes nothing twice.

import type { AppDataChange, AppDataDocument } from "#shared/apps/app-data.ts"

export interface DocumentsView {
  readonly collection: string
  readonly documents: readonly AppDataDocument[]
  /** Null once every page is loaded. */
  readonly nextCursor: string | null
}

/** A newer document replaces an older one, never the other way round (a late echo of an earlier write). */
const isNewer = (candidate: AppDataDocument, current: AppDataDocument) => candidate.updatedAt >= current.updatedAt

export function applyChange(view: DocumentsView, change: AppDataChange): DocumentsView {
  if (change.collection !== view.collection) return view
  const index = view.documents.findIndex((document) => document.id === change.documentId)
  if (change.op === "delete" || change.document === null) {
    return index < 0 ? view : { ...view, documents: view.documents.filter((_, at) => at !== index) }
  }
  const incoming = change.document
  if (index >= 0) {
    const current = view.documents[index]!
    return isNewer(incoming, current) ? { ...view, documents: view.documents.map((document, at) => (at === index ? incoming : document)) } : view
  }
  // Documents come oldest first: a new one belongs at the end, which is shown only once every page is.
  return change.op === "insert" && view.nextCursor === null ? { ...view, documents: [...view.documents, incoming] } : view
}

/**
 * Puts a document the server answered this tab with into the view: replaced where it is, else
 * added at the end even before every page is loaded (the person just added it and looks for it).
 */
export function withDocument(view: DocumentsView, document: AppDataDocument): DocumentsView {
  if (document.collection !== view.collection) return view
  const updated = applyChange(view, { appId: "", scope: "draft", collection: document.collection, op: "update", documentId: document.id, document })
  return updated.documents.some((shown) => shown.id === document.id) ? updated : { ...view, documents: [...view.documents, document] }
}

/** The next page after what is shown; a document already shown (added here meanwhile) is not shown twice. */
export function withNextPage(view: DocumentsView, page: { readonly documents: readonly AppDataDocument[]; readonly nextCursor: string | null }): DocumentsView {
  const shown = new Set(view.documents.map((document) => document.id))
  return { ...view, documents: [...view.documents, ...page.documents.filter((document) => !shown.has(document.id))], nextCursor: page.nextCursor }
}

export type ParsedDocument = { readonly ok: true; readonly data: Record<string, unknown> } | { readonly ok: false; readonly message: string }

/**
 * The editor's text as a document's fields. Editing saves with a shallow merge (fields not sent
 * are kept), so removing a field in the text would silently not remove it: that is refused with
 * the way to do it instead. `original` is the document being edited (none when adding one).
 */
export function parseDocumentText(text: string, original?: Readonly<Record<string, unknown>>): ParsedDocument {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, message: `This is not valid JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: 'A document is a JSON object of fields, like {"title": "Buy milk", "done": false}.' }
  }
  const data = value as Record<string, unknown>
  const removed = original ? Object.keys(original).filter((key) => !Object.hasOwn(data, key)) : []
  if (removed.length > 0) {
    return {
      ok: false,
      message: `Saving keeps fields that are left out, so ${removed.map((key) => `"${key}"`).join(", ")} would stay. Set ${removed.length === 1 ? "it" : "them"} to null instead.`,
    }
  }
  return { ok: true, data }
}

/**
 * Characters that reorder or hide what follows them (bidirectional overrides and isolates, marks,
 * zero-width characters): in a document they are shown escaped, as JSON allows, so "‮txt.exe"
 * reads as "\u202etxt.exe" and not as "exe.txt".
 */
const HIDDEN_CHARACTERS = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g

export const documentText = (data: Readonly<Record<string, unknown>>) =>
  JSON.stringify(data, null, 2).replace(HIDDEN_CHARACTERS, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`)
