import 'server-only';
import { resolveMapSources, type MapSources } from '@/lib/map/tileSource';

/**
 * Whether the online planet answers from here, asked once a minute at most.
 * On a closed network the probe gives up after PROBE_TIMEOUT_MS, so the
 * editor falls back to the offline basemap within a second, never hanging.
 */
export const PROBE_TIMEOUT_MS = 800;
const REMEMBER_MS = { reachable: 60_000, unreachable: 15_000 };
const probes = new Map<string, { at: number; reachable: Promise<boolean> }>();

export function onlineReachable(tilejsonUrl: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const cached = probes.get(tilejsonUrl);
  if (cached && Date.now() - cached.at < REMEMBER_MS.reachable) {
    return cached.reachable.then((ok) => (ok || Date.now() - cached.at < REMEMBER_MS.unreachable ? ok : onlineReachableNow(tilejsonUrl, timeoutMs)));
  }
  return onlineReachableNow(tilejsonUrl, timeoutMs);
}

function onlineReachableNow(tilejsonUrl: string, timeoutMs: number): Promise<boolean> {
  const reachable = fetch(tilejsonUrl, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
    .then(async (response) => response.ok && Array.isArray(((await response.json()) as { tiles?: unknown }).tiles))
    .catch(() => false);
  probes.set(tilejsonUrl, { at: Date.now(), reachable });
  return reachable;
}

/** This deployment's sources, with the online one probed (unless TILEJSON_URL forces it). */
export async function probedMapSources(env: Parameters<typeof resolveMapSources>[0]): Promise<MapSources> {
  const sources = resolveMapSources(env);
  if (!sources.online || sources.forced) return sources;
  return { ...sources, onlineReachable: await onlineReachable((sources.online as { tilejsonUrl: string }).tilejsonUrl) };
}
