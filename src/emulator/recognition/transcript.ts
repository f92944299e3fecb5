/**
 * How recognized tokens are written in results. Shared by every API version.
 *
 * Digits mode (the default, `raw_results=false`): a token is its keypad symbol and the text is the
 * symbols run together, "123#". Words mode (`raw_results=true`, "numbers as words"): digits become
 * English words, `*` is "star", `#` is "hash", A-D stay letters, and the text is the words joined by
 * single spaces, "one two three hash".
 */

/** Text of an utterance that had sound but no tones. */
export const SPEECH_PLACEHOLDER = '<speech>';

const WORDS: Readonly<Record<string, string>> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  '*': 'star',
  '#': 'hash',
  A: 'A',
  B: 'B',
  C: 'C',
  D: 'D',
};

export function tokenWord(token: string, asWords: boolean): string {
  return asWords ? (WORDS[token] ?? token) : token;
}

export function transcript(tokens: readonly string[], asWords: boolean): string {
  return asWords ? tokens.map((t) => tokenWord(t, true)).join(' ') : tokens.join('');
}
