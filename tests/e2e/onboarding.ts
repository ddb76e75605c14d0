// The first steps every browser test of a signed-in person takes: the onboarding form, and a
// workspace of their own. One place, so a change to those pages changes one helper.

import type { Page } from "playwright-core"

export interface Newcomer {
  readonly name: string
  readonly email: string
}

/** Fills the onboarding form (already open) and continues. */
export async function signIn(page: Page, person: Newcomer): Promise<void> {
  await page.getByLabel("Display name").fill(person.name)
  await page.getByLabel("Email").fill(person.email)
  await page.getByRole("button", { name: "Continue" }).click()
}

/** Signs a new person in and creates their first workspace; returns its path (/w/<id>). */
export async function signInWithWorkspace(page: Page, person: Newcomer, workspaceName: string): Promise<string> {
  await page.goto("/onboarding")
  await signIn(page, person)
  await page.waitForURL((url) => url.pathname === "/workspaces/new")
  await page.getByLabel("Workspace name").fill(workspaceName)
  await page.getByRole("button", { name: "Create workspace" }).click()
  await page.waitForURL((url) => /^\/w\/[^/]+$/.test(url.pathname))
  return new URL(page.url()).pathname
}
