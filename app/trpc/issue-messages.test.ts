import { describe, expect, it } from "vitest"
import { issueMessage, issuesMessage, LABELLED } from "./issue-messages.server.ts"

describe("validation messages", () => {
  it("say each problem once, with the field's key only where the message does not name it", () => {
    expect(issueMessage({ path: ["name"], message: "name must not be empty" })).toBe("name must not be empty")
    expect(issueMessage({ path: ["displayName"], message: "display name must not contain U+202E: …" })).toBe("display name must not contain U+202E: …")
    expect(issueMessage({ path: ["workspaceId"], message: "Invalid input: expected string, received number" })).toBe(
      "workspaceId: Invalid input: expected string, received number",
    )
    expect(issueMessage({ path: ["teamIds", 3], message: "must be an id (24 letters and digits)" })).toBe("teamIds.3: must be an id (24 letters and digits)")
    expect(issueMessage({ path: [], message: "Invalid input: expected object, received number" })).toBe("Invalid input: expected object, received number")
    expect(issuesMessage([{ path: ["email"], message: "must be an email address" }, { path: ["name"], message: "name must not be empty" }])).toBe(
      "email: must be an email address; name must not be empty",
    )
  })

  it("show a message labelled with its form label (params LABELLED) as it is; unlabelled ones keep the key", () => {
    const message = "Extra authorization parameters: state is set by the connect flow itself."
    expect(issueMessage({ path: ["authorizationParams"], message, params: LABELLED })).toBe(message)
    expect(issueMessage({ path: ["authorizationParams"], message })).toBe(`authorizationParams: ${message}`)
    expect(issueMessage({ path: ["tokenUrl"], message: "Token URL must start with https://." })).toBe("Token URL must start with https://.")
  })
})
