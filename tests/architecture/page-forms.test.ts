// Page actions read their forms through readForm (app/forms/read-form.server.ts), which turns a
// body that is not a form into a 415/400 with what to send. request.formData() on its own throws
// on such a body, and a throw in an action is a 500.

import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

/** Sign-out reads a returnTo if there is one, and signs out whatever was sent. */
const LENIENT = new Set(["app/routes/auth.sign-out.ts"])

describe("page forms", () => {
  it("are read through readForm, never with a bare request.formData()", () => {
    const routes = readdirSync("app/routes").map((name) => join("app/routes", name))
    const bare = routes.filter((file) => !LENIENT.has(file) && /\.formData\(\)/.test(readFileSync(file, "utf8")))
    expect(bare).toEqual([])
  })
})
