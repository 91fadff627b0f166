// Which addresses a webhook may be sent to: public unicast only, unless private ones are
// allowed (CONVEYOR_WEBHOOK_ALLOW_PRIVATE). Loopback, private, link-local (cloud metadata
// at 169.254.169.254), unique-local, carrier-grade NAT, multicast, reserved: refused, so
// that a webhook cannot reach into the cluster's own network.
import ipaddr from "ipaddr.js";

/** Why `address` is refused, or null when it may be used. */
export function refusedAddress(address: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.process(address); // IPv4-mapped IPv6 is judged as the IPv4 it is
  const range = ip.range();
  return range === "unicast" ? null : `${address} is a ${range} address (set CONVEYOR_WEBHOOK_ALLOW_PRIVATE=true to allow it)`;
}
