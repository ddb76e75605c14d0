// Class names for the design system's components: conditional parts joined, and a later Tailwind
// utility overriding an earlier one of the same kind (so `className` passed in wins).

import { clsx, type ClassValue } from "clsx"
import { twMerge } from "tailwind-merge"

export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs))
}
