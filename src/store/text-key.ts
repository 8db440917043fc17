import { foldCase } from '../scim/fold-case.js'

/**
 * The comparison key of a case-insensitive text column (userName, group displayName, email): Unicode NFC and full
 * case folding (scim/fold-case.ts), computed in JS because SQLite's lower() folds ASCII only and both engines must
 * agree. Keys written before migration 0006 were lower-cased only; that migration rewrites them.
 */
export const textKey = (text: string): string => foldCase(text)
