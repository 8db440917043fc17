/**
 * The comparison key of a case-insensitive text column (userName, group displayName, email): Unicode NFC, so that
 * "René" typed with a combining accent and with a precomposed é is one name, then lower-cased in JS, because
 * SQLite's lower() folds ASCII only and both engines must agree.
 */
export const textKey = (text: string): string => text.normalize('NFC').toLowerCase()
