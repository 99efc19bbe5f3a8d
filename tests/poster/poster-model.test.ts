/* eslint-disable @typescript-eslint/no-explicit-any -- the cases build deliberately ill-typed configs */
import { describe, expect, it } from 'vitest';
import { PALETTES } from '@/lib/map/palettes';
import { DEFAULT_POSTER, formatCoordinates } from '@/lib/poster/defaults';
import { InvalidPosterError, parsePosterConfig, type PosterConfig } from '@/types/poster';

type Patch = (c: Record<string, any>) => void;
const variant = (patch: Patch): unknown => {
  const copy = structuredClone(DEFAULT_POSTER) as Record<string, any>;
  patch(copy);
  return copy;
};

function problemPaths(input: unknown): string[] {
  try {
    parsePosterConfig(input);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPosterError);
    expect((error as InvalidPosterError).code).toBe('invalid_poster');
    return (error as InvalidPosterError).problems.map((p) => p.path);
  }
}

describe('a poster config', () => {
  it.each<[string, Patch]>([
    ['the default poster', () => {}],
    ['a dark style with one of its palettes', (c) => Object.assign(c, { style: 'midnight', palette: 'ember' })],
    ['a custom palette', (c) => (c.customPalette = { paper: '#ffffff', ink: '#000000', land: '#eeeeee', water: '#3366cc', park: '#88bb77', building: '#dddddd', roadMajor: '#111111', roadMinor: '#555555', rail: '#777777', contour: '#cccccc' })],
    ['the southern hemisphere, rotated', (c) => (c.place = { center: { lng: 174.76, lat: -36.85 }, zoom: 12, bearing: -45 })],
    ['a square poster with a double border and no margin', (c) => (c.format = { aspect: '1:1', orientation: 'portrait', margin: 0, border: 'double' })],
    ['ISO A landscape', (c) => Object.assign(c.format, { aspect: 'iso-a', orientation: 'landscape' })],
    ['empty subtitle and coordinates', (c) => Object.assign(c.text, { subtitle: '', coordinates: '' })],
  ])('accepts %s', (_name, patch) => {
    expect(problemPaths(variant(patch))).toEqual([]);
  });

  it.each<[string, Patch, string[]]>([
    ['a latitude beyond the Mercator world', (c) => (c.place.center.lat = 86), ['place.center.lat']],
    ['a longitude beyond 180', (c) => (c.place.center.lng = -181), ['place.center.lng']],
    ['a zoom deeper than 18', (c) => (c.place.zoom = 19), ['place.zoom']],
    ['an unknown style', (c) => (c.style = 'neon'), ['style']],
    ['a palette of another style', (c) => Object.assign(c, { style: 'minimal', palette: 'ember' }), ['palette']],
    ['an unknown font', (c) => (c.typography.font = 'comic-sans'), ['typography.font']],
    ['an unknown aspect ratio', (c) => (c.format.aspect = '5:7'), ['format.aspect']],
    ['an unknown border', (c) => (c.format.border = 'wavy'), ['format.border']],
    ['a title longer than 60 characters', (c) => (c.text.title = 'x'.repeat(61)), ['text.title']],
    ['a subtitle longer than 80 characters', (c) => (c.text.subtitle = 'x'.repeat(81)), ['text.subtitle']],
    ['an unknown top-level field', (c) => (c.watermark = true), ['']],
    ['an unknown nested field', (c) => (c.typography.italic = true), ['typography']],
    ['an unknown layer toggle', (c) => (c.layers.ferries = true), ['layers']],
    ['a colour that is not hex', (c) => (c.customPalette = { ...PALETTES.minimal.paper.colors, paper: 'red' }), ['customPalette.paper']],
    ['two bad fields at once', (c) => ((c.place.zoom = -1), (c.format.margin = 0.5)), ['place.zoom', 'format.margin']],
  ])('rejects %s, naming the field', (_name, patch, expected) => {
    const paths = problemPaths(variant(patch));
    for (const path of expected) {
      expect(paths.some((p) => (path === '' ? p === '(poster)' || p === '' : p === path || p.startsWith(path + '.') || p === path))).toBe(true);
    }
    expect(paths.length).toBeGreaterThan(0);
  });

  it('formats the coordinates line like a poster does', () => {
    expect(formatCoordinates({ lat: 41.9437, lng: -85.6325 })).toBe('41.94° N, 85.63° W');
    expect(formatCoordinates({ lat: -33.92, lng: 18.42 })).toBe('33.92° S, 18.42° E');
  });

  it('is the type the default poster has', () => {
    const parsed: PosterConfig = parsePosterConfig(DEFAULT_POSTER);
    expect(parsed).toEqual(DEFAULT_POSTER);
  });
});
