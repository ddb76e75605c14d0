// How an app's frame may behave, from the workspace's runtime settings (Settings → Runtime): the
// iframe's `sandbox` tokens and its `allow` (permissions policy). The builder's preview and the
// published app both use it, so what a builder tries is what colleagues get.
//
// NOTE: never allow-same-origin (the app would share the platform's origin: its cookies, storage
// and APIs) and never allow-top-navigation (the app could replace the platform's page with
// another site's). No setting may add either.

/** The workspace's choices; a workspace that never saved them has everything on. */
export interface AppRuntimeSettings {
  /** The app may run JavaScript; off, it is static HTML and CSS (most apps then do nothing). */
  readonly scripts: boolean
  /** The app may copy to the clipboard (write only: reading it would hand the app what people copied elsewhere). */
  readonly clipboard: boolean
  /** Links may open other sites in a new tab, free of the app's sandbox. */
  readonly externalLinks: boolean
}

export const DEFAULT_APP_RUNTIME_SETTINGS: AppRuntimeSettings = { scripts: true, clipboard: true, externalLinks: true }

/** What each setting is called on Settings → Runtime; the audit log says it in the same words. */
export const APP_RUNTIME_SETTING_LABELS: Readonly<Record<keyof AppRuntimeSettings, string>> = {
  scripts: "Run scripts",
  clipboard: "Copy to the clipboard",
  externalLinks: "Open other sites",
}

/** The settings in the order the page lists them. */
export const APP_RUNTIME_SETTING_NAMES = ["scripts", "clipboard", "externalLinks"] as const satisfies readonly (keyof AppRuntimeSettings)[]

/** What turning scripts off does, said alike on the Runtime page, in its confirmation and above the frame. */
export const SCRIPTS_OFF_EFFECT =
  "Apps built with React — all apps the builder makes — show a blank page, and nothing in any app reacts to clicks or loads or saves data."

/** "Run scripts on, Copy to the clipboard off, Open other sites on". */
export const describeAppRuntimeSettings = (settings: AppRuntimeSettings) =>
  APP_RUNTIME_SETTING_NAMES.map((name) => `${APP_RUNTIME_SETTING_LABELS[name]} ${settings[name] ? "on" : "off"}`).join(", ")

export interface FramePolicy {
  /** The iframe's `sandbox` attribute: space-separated tokens. */
  readonly sandbox: string
  /** The iframe's `allow` attribute; empty when nothing is delegated. */
  readonly allow: string
}

/** Forms and alert/confirm dialogs stay inside the frame, so every app keeps them. */
const ALWAYS = ["allow-forms", "allow-modals"] as const

export function framePolicy(settings: AppRuntimeSettings | null | undefined): FramePolicy {
  const { scripts, clipboard, externalLinks } = settings ?? DEFAULT_APP_RUNTIME_SETTINGS
  const sandbox = [
    ...(scripts ? ["allow-scripts"] : []),
    ...ALWAYS,
    // Escaping the sandbox lets the opened site work as itself (its own scripts and cookies)
    // instead of inheriting the app's restrictions.
    ...(externalLinks ? ["allow-popups", "allow-popups-to-escape-sandbox"] : []),
  ]
  return { sandbox: sandbox.join(" "), allow: clipboard ? "clipboard-write" : "" }
}
