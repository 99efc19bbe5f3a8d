import { beforeAll, describe, expect, it } from 'vitest';
import { fold } from '@/lib/places/fold';
import { placeIndex, searchPlaces, suggestPlaceNames } from '@/lib/places/search';
import type { PlaceResult } from '@/types/places';

/**
 * The offline gazetteer as a person typing into the search box meets it:
 * real names from every continent, in several scripts, with the mistakes
 * people make. TEST_APP=0 runs this without the app server.
 */
beforeAll(() => {
  placeIndex(); // built once (cached in node_modules/.cache afterwards)
}, 300_000);

const search = (q: string, limit = 10) => searchPlaces(q, limit);
const first = (q: string) => search(q, 10)[0];
const label = (r: PlaceResult | undefined) => (r ? `${r.name}|${r.kind}|${r.countryCode}` : 'nothing');

describe('the best match comes first, with its kind, region and country', () => {
  it.each([
    // Europe
    ['paris', 'Paris|city|FR', 'Île-de-France'],
    ['london', 'London|city|GB', 'England'],
    ['amsterdam', 'Amsterdam|city|NL', 'North Holland'],
    ['Reykjavik', 'Reykjavík|city|IS', undefined],
    // North America
    ['toronto', 'Toronto|city|CA', 'Ontario'],
    ['mexico city', 'Mexico City|city|MX', undefined],
    // Plain "three rivers" is Trois-Rivières, Québec (larger); the region says which.
    ['three rivers, mi', 'Three Rivers|city|US', 'Michigan'],
    // South America
    ['buenos aires', 'Buenos Aires|city|AR', undefined],
    ['lima', 'Lima|city|PE', undefined],
    // Africa
    ['nairobi', 'Nairobi|city|KE', undefined],
    ['lagos', 'Lagos|city|NG', 'Lagos'],
    ['cape town', 'Cape Town|city|ZA', 'Western Cape'],
    // Asia
    ['kyoto', 'Kyoto|city|JP', 'Kyoto'],
    ['mumbai', 'Mumbai|city|IN', 'Maharashtra'],
    ['ulaanbaatar', 'Ulan Bator|city|MN', undefined],
    // Oceania
    ['sydney', 'Sydney|city|AU', 'New South Wales'],
    ['wellington', 'Wellington|city|NZ', 'Wellington Region'],
    ['suva', 'Suva|city|FJ', undefined],
  ])('%s → %s', (q, expected, region) => {
    const best = first(q);
    expect(label(best)).toBe(expected);
    if (region) expect(best!.region).toBe(region);
    expect(best!.country).not.toBe('');
  });

  it('lists countries and regions as well as cities, each with a kind', () => {
    expect(label(first('italy'))).toBe('Italy|country|IT');
    expect(label(first('texas'))).toBe('Texas|region|US');
    expect(first('texas')!.country).toBe('United States');
    expect(label(first('bavaria'))).toBe('Bavaria|region|DE');
    expect(label(first('new zealand'))).toBe('New Zealand|country|NZ');
    expect(label(first('queensland'))).toBe('Queensland|region|AU');
  });

  it('"par" lists Paris (France), then Paris (Texas), before the other places starting so', () => {
    const names = search('par').map((r) => `${r.name}|${r.region ?? ''}`);
    expect(names[0]).toBe('Paris|Île-de-France');
    expect(names[1]).toBe('Paris|Texas');
    expect(names).toEqual(expect.arrayContaining(['Paraguay|', 'Paramaribo|Paramaribo District']));
  });

  it('puts a whole name before names that only start with it, and larger places first', () => {
    const york = search('york').map((r) => `${r.name}|${r.countryCode}`);
    expect(york[0]).toBe('York|GB');
    expect(york.indexOf('York|GB')).toBeLessThan(york.indexOf('New York City|US'));
    const springfields = search('springfield').filter((r) => r.name === 'Springfield');
    expect(springfields.length).toBeGreaterThanOrEqual(5);
    // By size, a state capital (Springfield, Illinois) weighing a little more than its population.
    const populations = springfields.map((r) => r.population ?? 0);
    expect(new Set(populations.slice(0, 3))).toEqual(new Set([...populations].sort((a, b) => b - a).slice(0, 3)));
    expect(populations.slice(3)).toEqual([...populations.slice(3)].sort((a, b) => b - a));
  });
});

describe('accents, case and punctuation do not count', () => {
  it.each([
    ['sao paulo', 'São Paulo|city|BR'],
    ['SÃO PAULO', 'São Paulo|city|BR'],
    ['koln', 'Köln|city|DE'],
    ['zurich', 'Zürich|city|CH'],
    ['malmo', 'Malmö|city|SE'],
    ['xian', 'Xi’an|city|CN'],
    ['reykjavik', 'Reykjavík|city|IS'],
    ['bogota', 'Bogotá|city|CO'],
    ['saint-etienne', 'Saint-Étienne|city|FR'],
    ['lodz', 'Łódź|city|PL'],
  ])('%s → %s', (q, expected) => {
    expect(label(first(q))).toBe(expected);
  });

  it('"st petersburg" finds both the Russian and the Floridian one, and "saint pete" too', () => {
    for (const q of ['st petersburg', 'St. Petersburg', 'saint petersburg']) {
      const found = search(q).map((r) => `${r.name}|${r.countryCode}`);
      expect(found, q).toEqual(expect.arrayContaining(['Saint Petersburg|RU', 'St. Petersburg|US']));
    }
    expect(search('saint pete').map((r) => r.countryCode)).toEqual(expect.arrayContaining(['RU', 'US']));
  });

  it('folds the way it says', () => {
    expect(fold('  São-Paulo!! ')).toBe('sao paulo');
    expect(fold('Xi’an')).toBe('xian');
    expect(fold('Straße')).toBe('strasse');
    expect(fold('ŁÓDŹ')).toBe('lodz');
    expect(fold('東京')).toBe('東京');
  });
});

describe('English and native names, in any script', () => {
  it.each([
    ['Munich', 'Munich|city|DE', undefined],
    ['München', 'Munich|city|DE', 'München'],
    ['Vienna', 'Vienna|city|AT', undefined],
    ['Wien', 'Vienna|city|AT', 'Wien'],
    ['Köln', 'Köln|city|DE', undefined],
    ['Cologne', 'Köln|city|DE', 'Cologne'],
    ['Firenze', 'Florence|city|IT', 'Firenze'],
    ['Praha', 'Prague|city|CZ', 'Praha'],
    ['東京', 'Tokyo|city|JP', '東京'],
    ['Москва', 'Moscow|city|RU', 'Москва'],
    ['القاهرة', 'Cairo|city|EG', 'القاهرة'],
    ['Αθήνα', 'Athens|city|GR', 'Αθήνα'],
    ['서울', 'Seoul|city|KR', '서울'],
    ['मुंबई', 'Mumbai|city|IN', 'मुंबई'],
    ['Deutschland', 'Germany|country|DE', 'Deutschland'],
    ['Italia', 'Italy|country|IT', 'Italia'],
    ['日本', 'Japan|country|JP', '日本'],
  ])('%s → %s', (q, expected, matched) => {
    const best = first(q);
    expect(label(best)).toBe(expected);
    expect(best!.matchedName).toBe(matched);
  });

  it('finds a name from its first letters in another script too', () => {
    expect(label(first('Моск'))).toBe('Moscow|city|RU');
    expect(label(first('Münch'))).toBe('Munich|city|DE');
  });
});

describe('typos are forgiven, after every real match', () => {
  it.each([
    ['amsterdm', 'Amsterdam|city|NL'],
    ['londn', 'London|city|GB'],
    ['barcelna', 'Barcelona|city|ES'],
    ['jakrta', 'Jakarta|city|ID'],
    ['johannesbrug', 'Johannesburg|city|ZA'],
    ['melbourn', 'Melbourne|city|AU'],
    ['buenos aries', 'Buenos Aires|city|AR'],
  ])('%s → %s', (q, expected) => {
    expect(label(first(q))).toBe(expected);
  });

  it('suggests the closest names when nothing matches', () => {
    expect(search('Kyotoxq')).toEqual([]);
    expect(suggestPlaceNames('Kyotoxq')[0]).toBe('Kyoto (Kyoto, Japan)');
  });
});

describe('a region or country after a comma narrows the list', () => {
  it('"Springfield, Illinois" is the Illinois one only', () => {
    const found = search('Springfield, Illinois');
    expect(found.map((r) => `${r.name}|${r.region}`)).toEqual(['Springfield|Illinois']);
  });

  it.each([
    ['Paris, TX', 'Paris|Texas|US'],
    ['Paris, Texas', 'Paris|Texas|US'],
    ['paris texas', 'Paris|Texas|US'],
    ['Paris, France', 'Paris|Île-de-France|FR'],
    ['Portland, Maine', 'Portland|Maine|US'],
    ['Portland, OR', 'Portland|Oregon|US'],
    ['Córdoba, Argentina', 'Córdoba|Cordoba|AR'],
    ['Córdoba, España', 'Córdoba|Andalusia|ES'],
    ['Victoria, BC', 'Victoria|British Columbia|CA'],
    ['Perth, Scotland', 'Perth|Scotland|GB'],
  ])('%s → %s', (q, expected) => {
    const best = first(q);
    expect(best ? `${best.name}|${best.region}|${best.countryCode}` : 'nothing').toBe(expected);
  });

  it('a qualifier that names nothing finds nothing', () => {
    expect(search('Paris, Atlantis')).toEqual([]);
  });
});

describe('each result carries a place to frame', () => {
  it('a country its bounds, a region its bounds, a city an extent that grows with its size', () => {
    const france = first('france')!;
    // The mainland and Corsica, not a box from French Guiana to Réunion.
    expect(france.bbox[0]).toBeGreaterThan(-6);
    expect(france.bbox[2]).toBeLessThan(10);
    const texas = first('texas')!;
    expect(texas.bbox).toEqual([expect.closeTo(-106.6, 0), expect.closeTo(25.8, 0), expect.closeTo(-93.5, 0), expect.closeTo(36.5, 0)]);
    const width = (r: PlaceResult) => r.bbox[2] - r.bbox[0];
    expect(width(first('tokyo')!)).toBeGreaterThan(width(first('three rivers')!) * 3);
    for (const r of [france, texas, first('tokyo')!]) {
      expect(r.center.lng).toBeGreaterThanOrEqual(r.bbox[0]);
      expect(r.center.lat).toBeGreaterThanOrEqual(r.bbox[1]);
      expect(r.center.lat).toBeLessThanOrEqual(r.bbox[3]);
    }
  });

  it('Russia and Fiji keep their extent across the antimeridian (west > east)', () => {
    const russia = first('russia')!;
    expect(russia.bbox[0]).toBeGreaterThan(russia.bbox[2]);
    expect(russia.bbox[0]).toBeGreaterThan(19);
    expect(russia.bbox[2]).toBeLessThan(-160);
    const fiji = first('fiji')!;
    expect(fiji.bbox[0]).toBeGreaterThan(170);
    expect(fiji.bbox[2]).toBeLessThan(-170);
  });
});
