/**
 * Where a webhook may point. Only http(s) URLs whose host resolves to public unicast
 * addresses, unless the instance allows private targets. The same check runs at connect
 * time inside the socket's DNS lookup (`guardedLookup`), so the address that is checked
 * is the address that is dialled: a name that resolves to a public address when the
 * subscription is saved and to 127.0.0.1 later (DNS rebinding) is refused then too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { ValidationError } from "@/server/errors";

/** Why an address may not be dialled, or null when it may. */
export function refusedAddress(address: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let ip = ipaddr.parse(address);
  // ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address inside.
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  // Everything but public unicast: private, loopback, link-local (cloud metadata), unique-local,
  // multicast, unspecified, carrier-grade NAT, reserved, and IPv6 forms that embed an IPv4 address.
  return range === "unicast" ? null : `${address} is a ${range} address`;
}

export class BlockedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockedTargetError";
  }
}

/** A `lookup` for http.request: resolves as usual, then refuses (or drops) every address not allowed. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const allowed = addresses.filter((a) => refusedAddress(a.address, allowPrivate) === null);
      const first = allowed[0];
      if (!first) {
        const why = addresses[0] ? refusedAddress(addresses[0].address, allowPrivate) : "no address";
        return callback(new BlockedTargetError(`${hostname} resolves to a refused address (${why})`), "", 0);
      }
      if ((options as LookupOptions).all) return (callback as unknown as AllCallback)(null, allowed);
      callback(null, first.address, first.family);
    });
  };
}
type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

/** The host as an address when the URL names one directly ([::1] → ::1), else null. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : null;
}

const MAX_URL_CHARS = 2000;

/** Syntax only: http(s), a host, no credentials. Throws a ValidationError naming `url`. */
export function parseWebhookUrl(raw: string): URL {
  const bad = (why: string) => new ValidationError(`url: ${why}`, { field: "url" });
  if (raw.length > MAX_URL_CHARS) throw bad(`at most ${MAX_URL_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad("only http and https URLs can receive webhooks");
  if (!url.hostname) throw bad("the URL needs a host");
  if (url.username || url.password) throw bad("credentials in the URL are not allowed (check the signature instead)");
  return url;
}

/**
 * What the subscription form checks: the syntax, and (unless private targets are allowed)
 * that the host is not a private address and does not resolve to one now.
 */
export async function checkWebhookUrl(raw: string, o: { allowPrivate: boolean }): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (o.allowPrivate) return url;
  const bad = (why: string) => new ValidationError(`url: ${why}`, { field: "url" });
  const literal = literalAddress(url);
  if (literal) {
    const why = refusedAddress(literal, false);
    if (why) throw bad(`${why}; webhooks may only call public addresses`);
    return url;
  }
  const resolved = await new Promise<LookupAddress[]>((resolve) =>
    dnsLookup(url.hostname, { all: true }, (err, addresses) => resolve(err ? [] : addresses)),
  );
  if (resolved.length === 0) throw bad(`${url.hostname} does not resolve`);
  for (const a of resolved) {
    const why = refusedAddress(a.address, false);
    if (why) throw bad(`${url.hostname} resolves to ${why}; webhooks may only call public addresses`);
  }
  return url;
}
