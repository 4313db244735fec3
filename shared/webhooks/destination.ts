import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '#platform/errors.js';

/**
 * Where a webhook may go. https only on AWS; in the local stage also http, and loopback, so
 * tests and `npm start` reach receivers on 127.0.0.1. Every address a name resolves to must be
 * public, and the delivery connects to the address checked here (no second lookup: no DNS
 * rebinding between the check and the connection).
 */
export interface Destination {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

const RESOLVE_TIMEOUT_MS = 3000;

export const systemResolve: Resolve = (hostname) =>
  Promise.race([
    lookup(hostname, { all: true, verbatim: true }),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('DNS lookup timed out')), RESOLVE_TIMEOUT_MS).unref(),
    ),
  ]);

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Private, link-local, shared, reserved and multicast ranges (loopback is judged on its own). */
const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv6');

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is judged as the IPv4 address it maps. */
const unmapped = (address: string): string => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
};

export type AddressClass = 'public' | 'loopback' | 'private';

export function classify(address: string): AddressClass {
  const plain = unmapped(address);
  const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(plain, type)) return 'loopback';
  if (nonPublic.check(plain, type)) return 'private';
  return 'public';
}

const refused = (message: string) =>
  new ValidationError(
    [{ path: 'body.url', message }],
    `The webhook URL is refused: ${message}`,
    'webhook_url_refused',
  );

/** Checks a URL and resolves it to the one address to connect to; throws `webhook_url_refused` (422). */
export async function checkDestination(
  raw: string,
  options: { stage: string; resolve?: Resolve },
): Promise<Destination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('is not a URL');
  }
  const local = options.stage === 'local';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw refused(local ? 'must be http or https' : 'must be https');
  }
  if (url.username || url.password) throw refused('must not carry credentials');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(hostname)) addresses = [{ address: hostname, family: isIP(hostname) }];
  else {
    try {
      addresses = await (options.resolve ?? systemResolve)(hostname);
    } catch {
      throw refused('its host name does not resolve');
    }
  }
  if (addresses.length === 0) throw refused('its host name does not resolve');
  for (const { address } of addresses) {
    const kind = classify(address);
    if (kind === 'private') throw refused(`resolves to a private or reserved address (${address})`);
    if (kind === 'loopback' && !local) throw refused('resolves to a loopback address');
  }
  if (url.protocol === 'http:' && addresses.some(({ address }) => classify(address) !== 'loopback')) {
    throw refused('plain http is allowed only to loopback, in the local stage');
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
