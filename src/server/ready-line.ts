import type { AddressInfo } from 'node:net';
import os from 'node:os';

/**
 * The one line a person starting Parley reads among the JSON logs: where to open it. Listening
 * on every interface (the default HOST), it also names an address other machines on the
 * network can use, which is what someone trying Parley with a colleague needs next.
 */
export function readyLine(
  address: AddressInfo,
  interfaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces(),
): string {
  const everywhere = address.address === '0.0.0.0' || address.address === '::';
  const local = everywhere || isLoopback(address.address) ? 'localhost' : hostOf(address.address);
  let line = `Parley is ready at http://${local}:${address.port}`;
  if (everywhere) {
    const lan = Object.values(interfaces)
      .flatMap((list) => list ?? [])
      .find((i) => i.family === 'IPv4' && !i.internal);
    if (lan) line += ` (on your network: http://${lan.address}:${address.port})`;
  }
  return line;
}

const isLoopback = (host: string) => host === '::1' || host.startsWith('127.');
const hostOf = (host: string) => (host.includes(':') ? `[${host}]` : host);
