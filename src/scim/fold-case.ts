/**
 * Caseless text for comparing attributes that are not caseExact (RFC 7643 §2.2): Unicode NFC, then full case folding.
 * The store keys case-insensitive columns with it (store/text-key.ts) and filters evaluated in memory compare with
 * it, so SQL and memory agree on every engine.
 *
 * JavaScript has no case-fold function, so folding is upper-casing then lower-casing with ICU's full mappings (ß and
 * SS, ﬁ and FI, ᾳ and ΑΙ become one) plus the one context rule lower-casing adds back: a word-final sigma ς is σ, so
 * that ΟΔΥΣΣΕΥΣ and οδυσσευσ are one name. Where this differs from Unicode's CaseFolding.txt (dotless ı folds with i)
 * it only merges more, never less. NFC again at the end, because case mapping can leave combining marks unnormalized.
 */
export function foldCase(text: string): string {
  // ASCII (nearly every userName and email) folds by lower-casing alone and is already NFC.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase()
  return text.normalize('NFC').toUpperCase().toLowerCase().replaceAll('ς', 'σ').normalize('NFC')
}
