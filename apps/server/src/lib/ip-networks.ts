import ipaddr from "ipaddr.js";

export type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * `10.0.0.0/8`, `10.0.0.0/255.0.0.0` (the netmask form routers and FreePBX print), `2001:db8::/32`, or a bare
 * address (= /32 or /128); IPv4-mapped IPv6 counts as IPv4.
 */
export function parseNetwork(text: string): Network | null {
  try {
    const netmask = /^([^/]+)\/(\d+\.\d+\.\d+\.\d+)$/.exec(text.trim());
    if (netmask) {
      const bits = ipaddr.IPv4.parse(netmask[2]!).prefixLengthFromSubnetMask();
      return bits === null ? null : [ipaddr.IPv4.parse(netmask[1]!), bits];
    }
    if (text.includes("/")) {
      const [addr, bits] = ipaddr.parseCIDR(text.trim());
      return addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
        ? [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96]
        : [addr, bits];
    }
    const addr = ipaddr.process(text.trim());
    return [addr, addr.kind() === "ipv4" ? 32 : 128];
  } catch {
    return null;
  }
}

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const CANONICAL_IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** The canonical spelling of an address (`::ffff:10.0.0.1` → `10.0.0.1`), or null when it is not one. */
export function normaliseIp(text: string | undefined): string | null {
  if (!text) return null;
  // Already canonical (every request's peer on an IPv4 socket): nothing to parse.
  if (CANONICAL_IPV4.test(text)) return text;
  try {
    return ipaddr.process(text.trim()).toString();
  } catch {
    return null;
  }
}

/** True when `ip` (any spelling) is inside one of `networks`. */
export function inNetworks(ip: string, networks: readonly Network[]): boolean {
  const addr = ipaddr.process(ip);
  return networks.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}
