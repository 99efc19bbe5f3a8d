import 'server-only';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { env, type Env } from '@/lib/env';
import { webhookUrlSyntaxProblem } from '@/types/webhooks';

/**
 * Where a webhook may be sent. In production a webhook must not reach the
 * app's own network: loopback, private, link-local (cloud metadata at
 * 169.254.169.254), unique-local, CGNAT and other special addresses are
 * refused, both as literals in the URL (400 at request time) and after DNS
 * resolution at delivery time (a public name may resolve to a private
 * address). The policy is an explicit parameter so tests can apply
 * production's rules anywhere.
 */

export type WebhookPolicy = { allowPrivate: boolean };

/** This environment's policy: private targets only outside production, unless WEBHOOK_ALLOW_PRIVATE says otherwise. */
export function webhookPolicy(e: Env = env()): WebhookPolicy {
  return { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE ?? e.NODE_ENV !== 'production' };
}

// Special-purpose ranges (IANA registries): none of them is a public web server.
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked against the IPv4 rules by BlockList itself.
const SPECIAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // this-network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved
] as const) SPECIAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: would reach IPv4 addresses we could not check
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) SPECIAL.addSubnet(net, bits, 'ipv6');

/** True for an address a production webhook must not reach. */
export function isSpecialAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`${address} is not an IP address`);
  return SPECIAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const isLocalhostName = (host: string) => /(^|\.)localhost\.?$/i.test(host);

/** Why `url` may not be a webhook target under `policy`, judged from the URL alone; null if it may. */
export function webhookUrlProblem(url: string, policy: WebhookPolicy): string | null {
  const syntax = webhookUrlSyntaxProblem(url);
  if (syntax || policy.allowPrivate) return syntax;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isLocalhostName(host)) return `${host} is this machine; webhooks in production must go to a public address`;
  if (isIP(host) && isSpecialAddress(host)) return `${host} is a loopback, private or reserved address; webhooks in production must go to a public address`;
  return null;
}

/** A refusal of the target at delivery time: recorded on the job, never retried. */
export class WebhookTargetRefused extends Error {
  readonly code = 'webhook_target_refused';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that resolves the name and refuses it if any
 * address is special under `policy`. The connection then goes to exactly the
 * addresses checked, so the name cannot be re-bound to another address between
 * the check and the connect.
 */
export function checkedLookup(policy: WebhookPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const refused = policy.allowPrivate ? undefined : addresses.find((a) => isSpecialAddress(a.address));
      if (refused) {
        return callback(new WebhookTargetRefused(`${hostname} resolves to ${refused.address}, a loopback, private or reserved address; webhooks in production must go to a public address`), []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      return callback(null, first.address, first.family);
    });
  };
}

/** A webhookUrl the policy refuses at request time: a 400 naming the field. */
export class WebhookUrlRefused extends Error {
  readonly code = 'invalid_request';
  readonly details: { path: string; message: string }[];
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}.`);
    this.details = [{ path, message: problem }];
  }
}

/** Throws WebhookUrlRefused (at `path` in the request body) if `url` may not be a target under `policy`. */
export function assertWebhookUrlAllowed(url: string, path: string, policy: WebhookPolicy = webhookPolicy()): void {
  const problem = webhookUrlProblem(url, policy);
  if (problem) throw new WebhookUrlRefused(path, problem);
}
