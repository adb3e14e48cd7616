import { describe, expect, it } from 'vitest';
import { readyLine } from '../../src/server/ready-line.js';

const lan = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
  eth0: [
    { address: 'fe80::1', family: 'IPv6', internal: false },
    { address: '192.168.1.20', family: 'IPv4', internal: false },
  ],
} as never;

describe('the ready line', () => {
  it('names localhost, and the network address when listening on every interface', () => {
    expect(readyLine({ address: '0.0.0.0', family: 'IPv4', port: 3000 }, lan)).toBe(
      'Parley is ready at http://localhost:3000 (on your network: http://192.168.1.20:3000)',
    );
    expect(readyLine({ address: '::', family: 'IPv6', port: 3000 }, lan)).toContain(
      'http://192.168.1.20:3000',
    );
  });

  it('names only the address it listens on otherwise', () => {
    expect(readyLine({ address: '127.0.0.1', family: 'IPv4', port: 8080 }, lan)).toBe(
      'Parley is ready at http://localhost:8080',
    );
    expect(readyLine({ address: '10.0.0.5', family: 'IPv4', port: 3000 }, lan)).toBe(
      'Parley is ready at http://10.0.0.5:3000',
    );
    expect(readyLine({ address: 'fd00::5', family: 'IPv6', port: 3000 }, lan)).toBe(
      'Parley is ready at http://[fd00::5]:3000',
    );
  });

  it('leaves the network part out when there is no network', () => {
    expect(readyLine({ address: '0.0.0.0', family: 'IPv4', port: 3000 }, {})).toBe(
      'Parley is ready at http://localhost:3000',
    );
  });
});
