// Remembers the workspace a browser last opened, so "/" takes people back to it.

export const LAST_WORKSPACE_COOKIE = "second_workspace"
