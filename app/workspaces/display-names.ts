// Members' display names by user id, for pages that show who did something (built an app,
// invited someone) from a list of ids.

export const displayNamesById = (members: readonly { readonly userId: string; readonly displayName: string }[]): Record<string, string> =>
  Object.fromEntries(members.map((member) => [member.userId, member.displayName]))
