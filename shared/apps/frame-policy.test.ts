import { describe, expect, it } from "vitest"
import { DEFAULT_APP_RUNTIME_SETTINGS, describeAppRuntimeSettings, framePolicy, type AppRuntimeSettings } from "./frame-policy.ts"

const tokens = (settings: AppRuntimeSettings | null) => framePolicy(settings).sandbox.split(" ")
const every: AppRuntimeSettings[] = [false, true].flatMap((scripts) =>
  [false, true].flatMap((clipboard) => [false, true].map((externalLinks) => ({ scripts, clipboard, externalLinks }))),
)

describe("the app frame's policy", () => {
  it("allows everything an app may have when nothing was saved", () => {
    expect(framePolicy(null)).toEqual(framePolicy(DEFAULT_APP_RUNTIME_SETTINGS))
    expect(tokens(null)).toEqual(["allow-scripts", "allow-forms", "allow-modals", "allow-popups", "allow-popups-to-escape-sandbox"])
    expect(framePolicy(null).allow).toBe("clipboard-write")
  })

  it("maps each setting onto its own tokens and nothing else", () => {
    const off = { scripts: false, clipboard: false, externalLinks: false }
    expect(framePolicy(off)).toEqual({ sandbox: "allow-forms allow-modals", allow: "" })
    expect(tokens({ ...off, scripts: true })).toEqual(["allow-scripts", "allow-forms", "allow-modals"])
    expect(tokens({ ...off, externalLinks: true })).toEqual(["allow-forms", "allow-modals", "allow-popups", "allow-popups-to-escape-sandbox"])
    expect(framePolicy({ ...off, clipboard: true })).toEqual({ sandbox: "allow-forms allow-modals", allow: "clipboard-write" })
  })

  it("never lets an app share the platform's origin, navigate its page or read the clipboard, whatever is set", () => {
    for (const settings of every) {
      const policy = framePolicy(settings)
      expect(policy.sandbox, JSON.stringify(settings)).not.toMatch(/allow-same-origin|allow-top-navigation/)
      expect(policy.allow).not.toContain("clipboard-read")
      expect(new Set(policy.sandbox.split(" ")).size).toBe(policy.sandbox.split(" ").length)
    }
  })

  it("reads as the Runtime page names the settings, for the saved message", () => {
    expect(describeAppRuntimeSettings({ scripts: false, clipboard: true, externalLinks: false })).toBe("Run scripts off, Copy to the clipboard on, Open other sites off")
  })
})
