import { Schema } from "effect"
import { describe, expect, expectTypeOf, it } from "vitest"
import {
  PresentPlanInput,
  PresentSuggestionsInput,
  SetAppMetadataInput,
  type PlanFeature,
  type Suggestion,
} from "#shared/mcp/builder-tools.ts"
import {
  appMetadataInput,
  integrationKeyCount,
  planInput,
  suggestionsInput,
  toolInputFields,
  type AppMetadataView,
  type PlanFeatureView,
  type PlanView,
  type SuggestionView,
} from "./tool-input.ts"

const plan = {
  title: "Team lunch",
  overview: "Collects lunch orders.",
  features: [{ name: "Orders", description: "Each person picks a dish.", emoji: "🥗" }, { name: "Totals", description: "Sums the bill." }],
  dataFlow: "Orders stay in the app.",
  agents: null,
}

describe("the browser's guards for the builder tools' inputs", () => {
  it("read what the schemas accept as the cards show it (absent and null optional text both mean none)", () => {
    expect(Schema.decodeUnknownSync(PresentPlanInput)(plan)).toBeTruthy()
    expect(planInput(toolInputFields({ input: plan, inputText: "" }))).toEqual({
      ...plan,
      features: [plan.features[0], { ...plan.features[1], emoji: null }],
      backend: null,
    })
    const suggestions = { suggestions: [{ title: "Add a menu", subtitle: "with prices" }, { emoji: "📧", title: "Email the totals" }] }
    expect(Schema.decodeUnknownSync(PresentSuggestionsInput)(suggestions)).toBeTruthy()
    expect(suggestionsInput(toolInputFields({ inputText: JSON.stringify(suggestions) }))?.map((item) => item.title)).toEqual(["Add a menu", "Email the totals"])
    const metadata = { name: "Lunch", description: "Team lunch orders" }
    expect(Schema.decodeUnknownSync(SetAppMetadataInput)(metadata)).toBeTruthy()
    expect(appMetadataInput(toolInputFields({ input: metadata, inputText: "" }))).toEqual(metadata)
  })

  it("refuse what the schemas refuse, so a malformed call gets the generic card", () => {
    const malformed = [{ ...plan, features: [] }, { ...plan, title: "" }, { ...plan, features: [{ name: "Orders" }] }, { ...plan, agents: 3 }, "a plan", null]
    for (const input of malformed) {
      expect(() => Schema.decodeUnknownSync(PresentPlanInput)(input)).toThrow()
      expect(planInput(toolInputFields({ input, inputText: "" }))).toBeNull()
    }
    expect(planInput(toolInputFields({ inputText: '{"title": "Team lu' }))).toBeNull()
  })

  it("count the integration keys whether the result came as JSON text or as MCP content blocks", () => {
    const result = JSON.stringify({ keys: [{ domain: "api.github.com", keySlug: "gh", auth: "oauth", providerKey: "github" }] })
    expect(integrationKeyCount(result)).toBe(1)
    expect(integrationKeyCount(JSON.stringify([{ type: "text", text: result }]))).toBe(1)
    expect(integrationKeyCount(JSON.stringify({ content: [{ type: "text", text: '{"keys":[]}' }] }))).toBe(0)
    expect(integrationKeyCount("not json")).toBeNull()
  })

  it("describe the shapes the schemas decode to (checked by tsc)", () => {
    expectTypeOf<PlanFeature["name"]>().toEqualTypeOf<PlanFeatureView["name"]>()
    expectTypeOf<NonNullable<PlanFeature["emoji"]>>().toEqualTypeOf<NonNullable<PlanFeatureView["emoji"]>>()
    expectTypeOf<keyof PresentPlanInput>().toEqualTypeOf<keyof PlanView>()
    expectTypeOf<keyof Suggestion>().toEqualTypeOf<keyof SuggestionView>()
    expectTypeOf<keyof SetAppMetadataInput>().toEqualTypeOf<keyof AppMetadataView>()
  })
})
