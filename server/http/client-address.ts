import net from "node:net";

/**
 * The key a client's address is counted under. An IPv6 client is usually
 * handed a whole /64 and can pick any address in it, so IPv6 addresses count
 * by their /64; IPv4 (and IPv4-mapped IPv6) addresses count as themselves.
 */
export function clientAddressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (net.isIPv6(ip)) return `${expandIpv6(ip).slice(0, 4).join(":")}::/64`;
  return ip;
}

function expandIpv6(ip: string): string[] {
  // A zone ("%eth0") names the local interface, not the client.
  const [head = "", tail] = ip.split("%")[0]!.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // A trailing dotted IPv4 part stands for two groups.
  const width = (groups: string[]) => groups.reduce((sum, group) => sum + (group.includes(".") ? 2 : 1), 0);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - width(left) - width(right)).fill("0"), ...right];
  return groups.map((group) => (group.includes(".") ? group : Number.parseInt(group, 16).toString(16)));
}
