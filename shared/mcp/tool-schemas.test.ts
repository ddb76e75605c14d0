// Every tool the broker lists must have an object input schema: MCP clients (Claude Code among
// them) drop the whole server otherwise, and the builder silently loses every tool of the set.

import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { APP_DATA_TOOLS } from "./app-data-tools.ts"
import { BUILDER_TOOLS } from "./builder-tools.ts"

const inputSchemaOf = (input: Schema.Top) => Schema.toJsonSchemaDocument(input).schema as { type?: unknown }

describe("the broker's tool input schemas", () => {
  it.each([...Object.entries(BUILDER_TOOLS), ...Object.entries(APP_DATA_TOOLS)])("%s takes a JSON object", (_name, definition) => {
    expect(inputSchemaOf(definition.input).type).toBe("object")
  })
})
