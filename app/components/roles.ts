// Roles in sentences: "an owner", "an admin", "a member".

export const withArticle = (role: string) => `${/^[aeiou]/i.test(role) ? "an" : "a"} ${role}`
