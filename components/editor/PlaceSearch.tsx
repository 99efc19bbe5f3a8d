'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { placeText, fitExtent } from '@/lib/places/view';
import { usePosterStore } from '@/stores/posterStore';
import { placeSearchResponseSchema, type PlaceResult } from '@/types/places';
import styles from './PlaceSearch.module.css';

const LIMIT = 8;
const KIND_LABEL: Record<PlaceResult['kind'], string> = { city: 'City', region: 'Region', country: 'Country' };

/**
 * "Where?": a combobox over GET /api/places. The offline gazetteer answers
 * each keystroke; when the app has an online geocoder its results are asked
 * for beside it and added below when they come, never in front and never
 * waited for. Picking a place frames the map on it and fills the title,
 * subtitle and coordinates, which stay editable.
 */
export function PlaceSearch({ onPick, label = 'Search for a place' }: { onPick?: (place: PlaceResult) => void; label?: string } = {}) {
  const id = useId();
  const listId = `${id}-places`;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PlaceResult[]>([]);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const latest = useRef(0);
  const showPlace = usePosterStore((s) => s.showPlace);

  useEffect(() => {
    const q = query.trim();
    const ticket = ++latest.current;
    if (!q) return;
    const controller = new AbortController();
    const ask = async (source: 'offline' | 'online') => {
      const response = await fetch(`/api/places?${new URLSearchParams({ q, limit: String(LIMIT), source })}`, { signal: controller.signal });
      if (!response.ok) return undefined;
      return placeSearchResponseSchema.parse(await response.json());
    };
    ask('offline')
      .then((answer) => {
        if (!answer || ticket !== latest.current) return;
        setResults(answer.results);
        setSuggestions(answer.suggestions ?? []);
        setActive(-1);
        setOpen(true);
        if (!answer.online) return;
        ask('online')
          .then((online) => {
            if (online && ticket === latest.current) setResults((offline) => mergeOnline(offline, online.results));
          })
          .catch(() => {}); // the offline list stands on its own
      })
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') console.error('place search failed', e);
      });
    return () => controller.abort();
  }, [query]);

  const changeQuery = (value: string) => {
    setQuery(value);
    if (!value.trim()) {
      setResults([]);
      setSuggestions([]);
    }
  };

  const pick = (place: PlaceResult) => {
    // A caller with its own use for the place (a marker there) gets it instead of the map moving.
    if (onPick) onPick(place);
    else showPlace(fitExtent(place.bbox, usePosterStore.getState().config.format), placeText(place));
    changeQuery('');
    setOpen(false);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && results.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % results.length);
    } else if (e.key === 'ArrowUp' && results.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a <= 0 ? results.length - 1 : a - 1));
    } else if (e.key === 'Enter' && open && results.length) {
      e.preventDefault();
      pick(results[Math.max(0, active)]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (open) setOpen(false);
      else changeQuery('');
    }
  };

  const expanded = open && (results.length > 0 || suggestions.length > 0 || query.trim() !== '');
  return (
    <div className={styles.search}>
      <input
        type="text"
        role="combobox"
        aria-label={label}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        placeholder="Search a city, region or country"
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
        value={query}
        onChange={(e) => {
          changeQuery(e.target.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        onFocus={() => query && setOpen(true)}
      />
      <ul id={listId} role="listbox" aria-label="Places" className={styles.list} hidden={!expanded}>
        {results.map((place, i) => (
          <li
            key={`${place.source}:${place.id}`}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            data-kind={place.kind}
            className={i === active ? styles.active : undefined}
            // mousedown, not click: the input's blur would close the list first
            onMouseDown={(e) => {
              e.preventDefault();
              pick(place);
            }}
            onMouseEnter={() => setActive(i)}
          >
            <span className={styles.name}>
              {place.name}
              {place.matchedName && <span className={styles.matched}> · {place.matchedName}</span>}
            </span>
            <span className={styles.where}>
              <span className={styles.kind}>{KIND_LABEL[place.kind]}</span>
              {[place.region, place.kind === 'country' ? undefined : place.country].filter(Boolean).join(', ')}
              {place.source === 'online' && <span className={styles.kind}>online</span>}
            </span>
          </li>
        ))}
        {results.length === 0 && query.trim() !== '' && (
          <li role="option" aria-selected={false} aria-disabled className={styles.empty}>
            {suggestions.length ? `No place by that name. Did you mean ${suggestions.slice(0, 3).join(', ')}?` : 'No place by that name.'}
          </li>
        )}
      </ul>
    </div>
  );
}

/** Online results after the offline ones, without those the gazetteer already listed (same kind within 25 km). */
function mergeOnline(offline: PlaceResult[], online: PlaceResult[]): PlaceResult[] {
  const near = (a: PlaceResult, b: PlaceResult) =>
    a.kind === b.kind && Math.abs(a.center.lat - b.center.lat) < 0.25 && Math.abs(a.center.lng - b.center.lng) < 0.25 / Math.max(0.1, Math.cos((a.center.lat * Math.PI) / 180));
  const offlineOnly = offline.filter((r) => r.source === 'offline');
  return [...offlineOnly, ...online.filter((o) => !offlineOnly.some((r) => near(r, o)))].slice(0, LIMIT * 2);
}
