// Command output as a person reads it: the colour and cursor codes a terminal would act on
// (ESC [ … letter, ESC ] … BEL) are dropped instead of shown as "[31m".

const TERMINAL_CODES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g

export const withoutTerminalCodes = (text: string): string => text.replace(TERMINAL_CODES, "")
