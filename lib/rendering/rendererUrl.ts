import { parsePosterConfig, type PosterConfig } from '@/types/poster';

/**
 * The renderer page's address for one poster: the config travels in the URL
 * fragment, which the browser never sends to the server, so no config ends
 * up in access logs and any size fits.
 */
export function rendererUrl(appUrl: string, config: PosterConfig): string {
  return `${rendererPageUrl(appUrl)}#${toBase64Url(JSON.stringify(config))}`;
}

/** The renderer page without a poster: a warm page that takes one poster after another through the page protocol. */
export function rendererPageUrl(appUrl: string): string {
  return `${appUrl}/renderer`;
}

export function decodeRendererConfig(fragment: string): PosterConfig {
  if (!fragment) throw new Error('The renderer was opened without a poster config in its URL fragment.');
  return parsePosterConfig(JSON.parse(fromBase64Url(fragment)));
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
