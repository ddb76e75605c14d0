// How page actions read their form: only the two encodings a browser form sends, and a body that
// cannot be parsed is the sender's mistake (a 4xx that says what to send), never a 500.

import { plainText } from "../server/plain-text.server.ts"

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"]

/** The submitted form, or a thrown 415/400 response that the error boundary shows. */
export async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? ""
  if (!FORM_TYPES.includes(type)) {
    throw plainText("Send this form as application/x-www-form-urlencoded or multipart/form-data.", 415)
  }
  try {
    return await request.formData()
  } catch {
    // The parser's own message names internals (undici, boundaries); the sender needs only this.
    throw plainText(`The form body is not valid ${type}.`, 400)
  }
}
