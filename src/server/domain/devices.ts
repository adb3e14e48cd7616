/**
 * What a person is shown to recognise one of their sessions: the device, summarised from the
 * User-Agent it signed in with ("Chrome on Linux"), and the address it was last used from.
 * Pure functions; services/sessions.ts stores and lists them.
 */

/** Longer user agents are cut before they are stored: no browser sends one this long. */
export const USER_AGENT_MAX = 512;

/** The header as stored: trimmed, cut to USER_AGENT_MAX, null when there is none. */
export function storedUserAgent(header: string | undefined): string | null {
  const trimmed = header?.trim();
  return trimmed ? trimmed.slice(0, USER_AGENT_MAX) : null;
}

/** An address as a person reads it: an IPv4 client of a dual-stack socket without `::ffff:`. */
export function displayAddress(address: string | undefined): string | null {
  if (!address || address === 'unknown') return null;
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
}

// First match wins: Edge and Opera also say Chrome, Chrome also says Safari, so the more
// specific tokens come first.
const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Headless Chrome'],
  [/\bChrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\/|\bAppleWebKit\/.*\bMobile\//, 'Safari'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone\b|\biPod\b/, 'iOS'],
  [/\biPad\b/, 'iPadOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/**
 * "Chrome on Linux", "Safari on iOS", "Firefox"; for what is not a browser (curl, a script, a
 * native client) the first product name it gives ("curl", "node"). Null without a user agent:
 * sessions from before migration 008 that have not been used since, and clients that send none.
 */
export function describeDevice(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  const product = /^[^\s/()]+/.exec(userAgent)?.[0];
  if (product && product !== 'Mozilla') return system ? `${product} on ${system}` : product;
  return system ? `A browser on ${system}` : 'Unknown device';
}
