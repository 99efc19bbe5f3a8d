/**
 * How names and queries are compared: case, accents and punctuation do not
 * count ("São Paulo" = "sao paulo", "Xi'an" = "xian", "Saint-Étienne" =
 * "saint etienne"), other scripts keep their letters ("東京", "Мюнхен").
 * Pure; shared by the index and the qualifier parser.
 */

// Letters that Unicode does not decompose into a base letter and an accent.
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŀ: 'l', ŧ: 't', ĸ: 'k', ŋ: 'n',
};
const SPECIAL_RE = /[ßæœøłđðþıħŀŧĸŋ]/g;

export function fold(text: string): string {
  const lower = text.toLowerCase();
   
  if (/^[\x00-\x7f]*$/.test(lower)) return lower.replace(/['`]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
  // Only Latin, Greek and Cyrillic accents go; marks other scripts need (Devanagari vowel signs, kana voicing) stay.
  const t = lower.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(SPECIAL_RE, (c) => SPECIAL_LETTERS[c]!);
  return t.replace(/['’‘ʻʼ`´]/g, '').replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ').trim();
}

// Both spellings of a name are indexed, so "st petersburg" finds Saint Petersburg and "saint pete" finds St. Petersburg.
const SHORT: Record<string, string> = { saint: 'st', sainte: 'ste', mount: 'mt', fort: 'ft' };
const LONG: Record<string, string> = { st: 'saint', ste: 'sainte', mt: 'mount', ft: 'fort' };
const ABBREVIABLE = /\b(saint|sainte|mount|fort|st|ste|mt|ft)\b/;

/** Other spellings of a folded name: its abbreviations written out, and the other way round. */
export function spellingVariants(folded: string): string[] {
  if (!ABBREVIABLE.test(folded)) return [];
  const words = folded.split(' ');
  const short = words.map((w) => SHORT[w] ?? w).join(' ');
  const long = words.map((w) => LONG[w] ?? w).join(' ');
  return [short, long].filter((v, i, all) => v !== folded && all.indexOf(v) === i);
}

// Words a name rarely starts with in a search: "de" in "Rio de Janeiro" is no way to find it.
const NOT_A_START = new Set(['de', 'la', 'le', 'el', 'of', 'the', 'du', 'des', 'del', 'da', 'do', 'di', 'am', 'an', 'im', 'on', 'sur', 'upon', 'y', 'e', 'i']);

/** Later words of a folded name, each with the rest of the name: "new york" → ["york"]. */
export function innerWordStarts(folded: string): string[] {
  const out: string[] = [];
  let at = folded.indexOf(' ');
  while (at !== -1) {
    const rest = folded.slice(at + 1);
    const word = rest.split(' ', 1)[0]!;
    if (word.length > 1 && !NOT_A_START.has(word)) out.push(rest);
    at = folded.indexOf(' ', at + 1);
  }
  return out;
}
