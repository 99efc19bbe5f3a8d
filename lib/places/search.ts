import { KIND_NAMES, INNER, ALTERNATE, PRIMARY, PRIMARY_SPELLING, alternatesOf, extentOf, foldedNamesOf, nameOf, type Gazetteer } from './gazetteer';
import { fold } from './fold';
import { fuzzyRanges } from './fuzzy';
import { loadOrBuildGazetteer } from './indexCache';
import type { PlaceResult } from '@/types/places';

/**
 * Place search over the offline gazetteer. Ranking, best first:
 *   1. names that match the query whole or start with it, larger places
 *      first: a whole name counts as 100 times the population (30 times for
 *      another of its names: "Wien"), a match on a later word ("york" in New
 *      York) or a prefix of another name counts less than one of the usual
 *      name;
 *   2. then, only when those found nothing of size, names within one typo
 *      (two from eight letters on), the first letter (two) taken as typed.
 * "Springfield, Illinois" and "Paris, TX" keep the places whose region or
 * country matches what follows the comma; without a comma ("paris texas")
 * trailing words are tried that way when the whole query matches nothing.
 */

const WHOLE_PRIMARY = 2;
const WHOLE_OTHER = 1.5;
const INNER_PENALTY = 0.5;
const OTHER_PREFIX_PENALTY = 1;
const TYPO_PENALTY = 2.5;
// Below this the best match is a village of a few thousand: typos of larger places are worth a look.
const WORTH_FUZZY_BELOW = 4.5;
// A namesake this large follows the best match ("par": Paris, France, then Paris, Texas).
const NAMESAKE_MIN_POPULATION = 20_000;
// A one-letter query's range holds a sixth of the world; enough to rank from, and bounded time.
const MAX_SCANNED = 60_000;
// Above this many postings a one- or two-letter query walks the places by importance instead.
const LARGE_RANGE = 2_000;

type Candidate = { place: number; score: number; nameCode: number; key: number; fuzzy: boolean };

let shared: Gazetteer | undefined;

/** The process's gazetteer: loaded from its cache or built on first use. */
export function placeIndex(): Gazetteer {
  if (!shared) {
    shared = loadOrBuildGazetteer();
    // Fold the region and country names now, not on the first "…, Illinois".
    for (const r of [...shared.countries, ...shared.regions]) foldedNamesOf(shared, r.place);
  }
  return shared;
}

export function searchPlaces(query: string, limit = 10, g: Gazetteer = placeIndex()): PlaceResult[] {
  const [namePart = '', ...qualifierParts] = query.split(',');
  const name = fold(namePart);
  const qualifiers = qualifierParts.map(fold).filter(Boolean);
  if (!name) return [];
  const filter = qualifiers.length ? qualifierFilter(g, qualifiers) : undefined;
  if (filter === null) return []; // "Paris, Atlantis": no such region or country

  let found = withNamesakes(g, matchNames(g, name, filter, limit), limit, filter);
  const query0 = namePart.trim();
  if (found.length === 0 && !filter && name.includes(' ')) {
    // "paris texas", "springfield illinois": the last words may be the region or country.
    const words = name.split(' ');
    for (let cut = words.length - 1; cut >= 1 && found.length === 0; cut--) {
      const trailing = qualifierFilter(g, [words.slice(cut).join(' ')]);
      if (trailing) found = matchNames(g, words.slice(0, cut).join(' '), trailing, limit, false);
    }
  }
  const bestScore = found[0]?.score ?? -Infinity;
  if (found.length < limit && bestScore < WORTH_FUZZY_BELOW && name.replace(/ /g, '').length >= 4) {
    found = found.concat(fuzzyMatches(g, name, filter, limit - found.length, new Set(found.map((c) => c.place)), name.length >= 8 ? 2 : 1));
  }
  return found.slice(0, limit).map((c) => toResult(g, c, query0));
}

/**
 * The closest names to a query that matched nothing, for "did you mean":
 * up to three typos, larger places first, each name once.
 */
export function suggestPlaceNames(query: string, count = 5, g: Gazetteer = placeIndex()): string[] {
  const name = fold(query.split(',')[0] ?? '');
  if (!name) return [];
  const out: string[] = [];
  for (let distance = 1; distance <= 3 && out.length < count; distance++) {
    for (const c of fuzzyMatches(g, name, undefined, count * 3, new Set(), distance, 0)) {
      const label = describe(toResult(g, c, ''));
      if (!out.includes(label)) out.push(label);
      if (out.length === count) break;
    }
  }
  return out;
}

/** "Paris (Île-de-France, France)", "Texas (United States)", "Italy". */
export function describe(r: PlaceResult): string {
  const where = [r.region, r.kind === 'country' ? undefined : r.country].filter(Boolean).join(', ');
  return where ? `${r.name} (${where})` : r.name;
}

/**
 * Whole-name and prefix matches, best first. One or two Latin letters match
 * usual names only: "pa" is the start of Paris, not Pennsylvania's "PA" or a
 * historic name of Chongqing.
 */
function matchNames(g: Gazetteer, name: string, filter: PlaceFilter | undefined, limit: number, includeInner = true): Candidate[] {
  const usualOnly = name.length < 3 && /^[a-z0-9 ]+$/.test(name);
  const from = g.keys.lowerBound(name);
  const to = g.keys.lowerBound(name + '\uffff');
  if (usualOnly && !filter && g.postingStart[to]! - g.postingStart[from]! > LARGE_RANGE) return shortQueryMatches(g, name, from, limit);
  const best = scratchOf(g);
  let scanned = 0;
  for (let k = from; k < to && scanned < MAX_SCANNED; k++) {
    const whole = k === from && g.keys.length(k) === name.length;
    for (let e = g.postingStart[k]!; e < g.postingStart[k + 1]!; e++, scanned++) {
      const place = g.postingPlace[e]!;
      const nameCode = g.postingName[e]!;
      const inner = (nameCode & INNER) !== 0;
      if ((inner && !includeInner) || (filter && !filter(place))) continue;
      const usual = nameCode === PRIMARY || nameCode === PRIMARY_SPELLING;
      if (usualOnly && !usual) continue;
      let score = g.importance[place]!;
      if (inner) score -= whole ? 0 : INNER_PENALTY;
      else if (whole) score += usual ? WHOLE_PRIMARY : WHOLE_OTHER;
      else if (!usual) score -= OTHER_PREFIX_PENALTY;
      best.offer(place, score, nameCode, k);
    }
  }
  return best.top(limit, false);
}

/**
 * One or two letters match a sixth of the world. Their prefix matches score
 * their importance alone, so the most important places whose usual name
 * starts with them are the best: walk the places by importance and stop at
 * `limit`, and add the places named exactly so (which score higher).
 */
function shortQueryMatches(g: Gazetteer, name: string, exactKey: number, limit: number): Candidate[] {
  const best = scratchOf(g);
  if (g.keys.compare(exactKey, name) === 0) {
    for (let e = g.postingStart[exactKey]!; e < g.postingStart[exactKey + 1]!; e++) {
      const nameCode = g.postingName[e]!;
      if (nameCode === PRIMARY || nameCode === PRIMARY_SPELLING) best.offer(g.postingPlace[e]!, g.importance[g.postingPlace[e]!]! + WHOLE_PRIMARY, nameCode, exactKey);
    }
  }
  let found = 0;
  for (let i = 0; i < g.byImportance.length && found < limit; i++) {
    const place = g.byImportance[i]!;
    if (!fold(nameOf(g, place)).startsWith(name)) continue;
    best.offer(place, g.importance[place]!, PRIMARY, exactKey);
    found++;
  }
  return best.top(limit, false);
}

/** The best match, then its two largest namesakes, then the rest: whoever types "par" may mean either Paris. */
function withNamesakes(g: Gazetteer, ranked: Candidate[], limit: number, filter: PlaceFilter | undefined): Candidate[] {
  const top = ranked[0];
  if (!top || g.kind[top.place] !== 0) return ranked.slice(0, limit);
  const name = nameOf(g, top.place);
  const key = g.keys.lowerBound(fold(name));
  const namesakes: Candidate[] = [];
  for (let e = g.postingStart[key]!; e < g.postingStart[key + 1]!; e++) {
    const place = g.postingPlace[e]!;
    if (place === top.place || g.kind[place] !== 0 || g.population[place]! < NAMESAKE_MIN_POPULATION || (filter && !filter(place))) continue;
    if (nameOf(g, place) !== name) continue;
    namesakes.push(ranked.find((c) => c.place === place) ?? { place, score: g.importance[place]!, nameCode: PRIMARY, key, fuzzy: false });
  }
  namesakes.sort((a, b) => g.importance[b.place]! - g.importance[a.place]!).splice(2);
  return [top, ...namesakes, ...ranked.slice(1).filter((c) => !namesakes.some((n) => n.place === c.place))].slice(0, limit);
}

function fuzzyMatches(g: Gazetteer, name: string, filter: PlaceFilter | undefined, limit: number, exclude: Set<number>, maxDistance: number, fixedPrefix = maxDistance): Candidate[] {
  const best = scratchOf(g);
  let scanned = 0;
  for (const hit of fuzzyRanges(g.keys, name, maxDistance, fixedPrefix)) {
    for (let k = hit.from; k < hit.to && scanned < MAX_SCANNED; k++) {
      const whole = hit.whole && k === hit.from;
      for (let e = g.postingStart[k]!; e < g.postingStart[k + 1]!; e++, scanned++) {
        const place = g.postingPlace[e]!;
        if (exclude.has(place) || (filter && !filter(place))) continue;
        const nameCode = g.postingName[e]!;
        const score = g.importance[place]! - TYPO_PENALTY * hit.distance - (whole ? 0 : INNER_PENALTY) - ((nameCode & INNER) !== 0 ? INNER_PENALTY : 0);
        best.offer(place, score, nameCode, k);
      }
    }
  }
  return best.top(limit, true);
}

/**
 * Each place's best score in one search, in typed arrays the size of the
 * index, reused across searches (a Map of tens of thousands of candidates
 * per keystroke costs more than the search).
 */
class BestPerPlace {
  private readonly score: Float32Array;
  private readonly nameCode: Int16Array;
  private readonly key: Int32Array;
  private readonly stamp: Uint32Array;
  private readonly places: Int32Array;
  private count = 0;
  private generation = 0;

  constructor(size: number) {
    this.score = new Float32Array(size);
    this.nameCode = new Int16Array(size);
    this.key = new Int32Array(size);
    this.stamp = new Uint32Array(size);
    this.places = new Int32Array(size);
  }

  reset(): this {
    this.generation++;
    this.count = 0;
    return this;
  }

  offer(place: number, score: number, nameCode: number, key: number): void {
    if (this.stamp[place] !== this.generation) {
      this.stamp[place] = this.generation;
      this.places[this.count++] = place;
    } else if (this.score[place]! >= score) return;
    this.score[place] = score;
    this.nameCode[place] = nameCode;
    this.key[place] = key;
  }

  top(limit: number, fuzzy: boolean): Candidate[] {
    const out: Candidate[] = [];
    // Keep the best `limit` in a small sorted array: the candidates are many, the limit small.
    for (let i = 0; i < this.count; i++) {
      const place = this.places[i]!;
      const score = this.score[place]!;
      if (out.length === limit && !better(score, place, out[limit - 1]!)) continue;
      let at = out.length === limit ? limit - 1 : out.length;
      while (at > 0 && better(score, place, out[at - 1]!)) at--;
      out.splice(at, 0, { place, score, nameCode: this.nameCode[place]!, key: this.key[place]!, fuzzy });
      if (out.length > limit) out.pop();
    }
    return out;
  }
}
const better = (score: number, place: number, than: Candidate) => score > than.score || (score === than.score && place < than.place);

const scratch = new WeakMap<Gazetteer, BestPerPlace>();
function scratchOf(g: Gazetteer): BestPerPlace {
  let s = scratch.get(g);
  if (!s) scratch.set(g, (s = new BestPerPlace(g.size)));
  return s.reset();
}

type PlaceFilter = (place: number) => boolean;

/**
 * What follows a comma: each part must name the place's region or country —
 * by name in any language the index has ("Illinois", "Deutschland"), as the
 * start of one ("Ill"), or by code ("TX", "FR", "USA"). Null when a part names
 * nothing at all.
 */
function qualifierFilter(g: Gazetteer, qualifiers: string[]): PlaceFilter | null {
  const tests: PlaceFilter[] = [];
  for (const q of qualifiers) {
    const regions = new Set<number>();
    const countries = new Set<number>();
    const short = q.length <= 3;
    const matches = (place: number) => foldedNamesOf(g, place).some((n) => n === q || (!short && n.startsWith(q)));
    g.countries.forEach((c, i) => {
      if (matches(c.place) || (short && (c.code.toLowerCase() === q || c.iso3.toLowerCase() === q))) countries.add(i);
    });
    g.regions.forEach((r, i) => {
      if (matches(r.place) || (short && r.code.split('.')[1]!.toLowerCase() === q)) regions.add(i);
    });
    if (regions.size === 0 && countries.size === 0) return null;
    tests.push((place) => regions.has(g.region[place]!) || countries.has(g.country[place]!));
  }
  return (place) => tests.every((t) => t(place));
}

function toResult(g: Gazetteer, c: Candidate, typed: string): PlaceResult {
  const p = c.place;
  const kind = KIND_NAMES[g.kind[p]!]!;
  const country = g.country[p]! >= 0 ? g.countries[g.country[p]!] : undefined;
  const region = kind === 'city' && g.region[p]! >= 0 ? g.regions[g.region[p]!] : undefined;
  // A typo's match says nothing about the name typed ("Londn" is an old spelling of London, not what was meant).
  const matchedName = !c.fuzzy && (c.nameCode & ~INNER) >= ALTERNATE ? matchedAlternate(g, p, c.key, typed) : undefined;
  const id = kind === 'city' ? `geonames:${g.sourceId[p]}` : kind === 'region' ? `region:${g.regions[g.sourceId[p]!]!.code}` : `country:${country?.code}`;
  return {
    id,
    kind,
    name: nameOf(g, p),
    ...(matchedName ? { matchedName } : {}),
    ...(region ? { region: region.name } : {}),
    country: country?.name ?? '',
    countryCode: country?.code ?? '',
    center: { lng: round(g.lng[p]!), lat: round(g.lat[p]!) },
    bbox: extentOf(g, p).map(round) as PlaceResult['bbox'],
    ...(g.population[p]! > 0 ? { population: g.population[p]! } : {}),
    source: 'offline',
  };
}

/**
 * The other name a query matched, as the person would want to read it: of the
 * names that fold to the matched key, the one written as typed ("München",
 * not "Munchen", for "München"), else one with its accents. None when it reads
 * like the usual name anyway ("Sao Paulo" for São Paulo).
 */
function matchedAlternate(g: Gazetteer, p: number, key: number, typed: string): string | undefined {
  const keyText = g.keys.at(key);
  const usual = fold(nameOf(g, p));
  if (usual === keyText || usual.startsWith(keyText)) return undefined;
  const candidates = alternatesOf(g, p).filter((a) => fold(a) === keyText);
  if (candidates.length === 0) return undefined;
  const lowerTyped = typed.toLowerCase();
  return (
    candidates.find((a) => a.toLowerCase() === lowerTyped || a.toLowerCase().startsWith(lowerTyped)) ??
     
    candidates.find((a) => /[^\x00-\x7f]/.test(a)) ??
    candidates[0]
  );
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;
