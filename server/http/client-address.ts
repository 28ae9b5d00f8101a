/**
 * Who is calling, for throttling: the socket's peer address, or, behind proxies
 * the operator trusts (TRUST_PROXY), the address they forwarded. Anyone can write
 * an X-Forwarded-For header; only a trusted proxy's entry is believed.
 *
 * TRUST_PROXY: empty (default) trusts no proxy; a number N trusts the N hops nearest
 * the server; otherwise a comma-separated list of addresses and CIDRs
 * ("127.0.0.1/8,::1/128,10.0.0.0/8") whose forwarded entries are believed.
 *
 * The peer address comes from npm start's server (scripts/serve.ts), which writes it
 * into a request header whose name is random per process (PEER_HEADER_ENV), after
 * dropping any such header the client sent: Next's route handlers see no socket.
 */
import { BlockList, isIP } from "node:net";

export const PEER_HEADER_ENV = "LOUPE_PEER_HEADER";

export type TrustProxy = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "cidrs"; list: BlockList };

export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? "").trim();
  if (v === "" || v === "0" || v.toLowerCase() === "false") return { kind: "none" };
  if (/^\d+$/.test(v)) return { kind: "hops", hops: Math.min(Number(v), 32) };
  const list = new BlockList();
  for (const raw of v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr = "", bits] = raw.split("/");
    const family = isIP(addr);
    if (!family) throw new Error(`TRUST_PROXY: "${raw}" is not an address, a CIDR or a hop count`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(addr, type);
    else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128))
        throw new Error(`TRUST_PROXY: bad prefix in "${raw}"`);
      list.addSubnet(addr, prefix, type);
    }
  }
  return { kind: "cidrs", list };
}

/** "::ffff:127.0.0.1" (an IPv4 peer on a dual-stack socket) as "127.0.0.1". */
function plain(addr: string): string {
  const a = addr.trim();
  return a.toLowerCase().startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

function trusted(list: BlockList, addr: string): boolean {
  const family = isIP(addr);
  return family !== 0 && list.check(addr, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Whether the socket's peer is a proxy the operator trusts, so that the headers it
 * forwards (X-Forwarded-Host for the Origin check) may be believed. A hop count trusts
 * whatever sits next to the server; unknown peers (a server other than npm start's) never.
 */
export function peerIsTrustedProxy(p: { peer: string | null; trust: TrustProxy }): boolean {
  const peer = p.peer ? plain(p.peer) : null;
  if (!peer || p.trust.kind === "none") return false;
  if (p.trust.kind === "hops") return p.trust.hops > 0;
  return trusted(p.trust.list, peer);
}

/**
 * The client's address: the peer, unless it is a trusted proxy, in which case the
 * entry it forwarded, and so on leftwards while the entries are trusted. Without a
 * known peer (a server other than npm start's), "unknown".
 */
export function clientAddress(p: { peer: string | null; forwardedFor: string | null; trust: TrustProxy }): string {
  const peer = p.peer ? plain(p.peer) : null;
  if (!peer) return "unknown";
  if (p.trust.kind === "none") return peer;
  const chain = [...(p.forwardedFor ?? "").split(",").map(plain).filter(Boolean), peer];
  if (p.trust.kind === "hops") return chain[Math.max(0, chain.length - 1 - p.trust.hops)] ?? peer;
  let i = chain.length - 1;
  while (i > 0 && trusted(p.trust.list, chain[i] ?? "")) i--;
  return chain[i] ?? peer;
}
