import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client a failed sign-in is counted against: its IPv4 address, or the /64 network of an IPv6
 * address (one subscriber usually holds a whole /64, so stepping through its addresses must not
 * buy fresh attempts). IPv4 mapped into IPv6 (`::ffff:1.2.3.4`) counts as IPv4.
 */
export function clientKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return 'unknown';
  const [head = '', tail] = ip.toLowerCase().split('%')[0]!.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
