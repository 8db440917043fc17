/**
 * The comparison key of a case-insensitive text column (userName, group displayName, email): Unicode NFC, then
 * full case folding, computed in JS because SQLite's lower() folds ASCII only and both engines must agree.
 *
 * JavaScript has no case-fold function, so folding is upper-casing then lower-casing with ICU's full mappings (ß and
 * SS, ﬁ and FI, ᾳ and ΑΙ become one) plus the one context rule lower-casing adds back: a word-final sigma ς is σ, so
 * that ΟΔΥΣΣΕΥΣ and οδυσσευσ are one name. Where this differs from Unicode's CaseFolding.txt (dotless ı folds with i)
 * it only merges more, never less. NFC again at the end, because case mapping can leave combining marks unnormalized.
 */
export const textKey = (text: string): string => text.normalize('NFC').toUpperCase().toLowerCase().replaceAll('ς', 'σ').normalize('NFC')
