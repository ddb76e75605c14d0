// How bearer-style secrets (session tokens, invitation tokens) are stored: their SHA-256, in hex.

import { sha256 } from "@oslojs/crypto/sha2"
import { encodeHexLowerCase } from "@oslojs/encoding"

export const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)))
