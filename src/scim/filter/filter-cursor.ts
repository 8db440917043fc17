import { ScimError } from '../errors.js'

/**
 * A position in filter text, and the lexing the recursive-descent parser needs: words, JSON strings, and
 * error messages that name the character (1-based) where parsing broke. Character-by-character, no regex,
 * so lexing is linear in the input however hostile it is.
 */
export class FilterCursor {
  readonly text: string
  position = 0

  constructor(text: string) {
    this.text = text
  }

  /** Skips runs of spaces, tabs and line breaks: clients pad and join filters loosely. */
  skipSpaces(): void {
    while (this.position < this.text.length && isSpace(this.text.charCodeAt(this.position))) this.position++
  }

  atEnd(): boolean {
    return this.position >= this.text.length
  }

  /** The character at the cursor, or undefined at the end. */
  peekChar(): string | undefined {
    return this.text[this.position]
  }

  /** Consumes `char` when it is next; says whether it was. */
  consumeChar(char: string): boolean {
    if (this.text[this.position] !== char) return false
    this.position++
    return true
  }

  /** The word at the cursor without consuming it ('' when the next thing is punctuation, a string or the end). */
  peekWord(): string {
    return this.text.slice(this.position, this.wordEnd())
  }

  /** Consumes and returns the word at the cursor: a run of anything but spaces, `( ) [ ] "`. */
  readWord(): string {
    const start = this.position
    this.position = this.wordEnd()
    return this.text.slice(start, this.position)
  }

  /** Reads a JSON string (RFC 8259 §7) starting at the opening quote, decoding its escapes. */
  readString(): string {
    const start = this.position
    let index = start + 1
    let decoded = ''
    let chunkStart = index
    while (index < this.text.length) {
      const code = this.text.charCodeAt(index)
      if (code === QUOTE) {
        this.position = index + 1
        return decoded + this.text.slice(chunkStart, index)
      }
      if (code !== BACKSLASH) {
        index++
        continue
      }
      decoded += this.text.slice(chunkStart, index)
      const escape = this.text[index + 1]
      if (escape === 'u') {
        const hex = this.text.slice(index + 2, index + 6)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw this.fail(index, 'invalid escape in string: "\\u" must be followed by four hex digits')
        }
        decoded += String.fromCharCode(Number.parseInt(hex, 16))
        index += 6
      } else {
        const simple = escape === undefined ? undefined : SIMPLE_ESCAPES[escape]
        if (simple === undefined) {
          const shown = escape === undefined ? 'at the end of the filter' : `"\\${escape}"`
          throw this.fail(index, `invalid escape ${shown} in string; allowed: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`)
        }
        decoded += simple
        index += 2
      }
      chunkStart = index
    }
    throw this.fail(start, 'unterminated string: no closing " for the string that starts here')
  }

  /** What is at the cursor, for "found …" in error messages. */
  describeNext(): string {
    if (this.atEnd()) return 'end of filter'
    const char = this.text[this.position]
    if (char === '"') {
      const close = this.text.indexOf('"', this.position + 1)
      const contents = this.text.slice(this.position + 1, close < 0 ? this.text.length : close)
      return `the string "${truncate(contents)}"`
    }
    const word = this.peekWord()
    return `"${truncate(word === '' ? (char ?? '') : word)}"`
  }

  /** A 400 invalidFilter saying at which character (1-based) the filter broke and why. */
  fail(at: number, problem: string): ScimError {
    return ScimError.invalidFilter(`Invalid filter at character ${at + 1}: ${problem}`)
  }

  private wordEnd(): number {
    let index = this.position
    while (index < this.text.length && !isWordBoundary(this.text.charCodeAt(index))) index++
    return index
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

const isSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d

/** Spaces and the grammar's punctuation end a word: `(`, `)`, `[`, `]` and `"`. */
const isWordBoundary = (code: number): boolean =>
  isSpace(code) || code === 0x28 || code === 0x29 || code === 0x5b || code === 0x5d || code === QUOTE

const truncate = (text: string): string => (text.length > 40 ? `${text.slice(0, 37)}...` : text)
