import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * Trust exactly `hops` proxies in front (the ALB): the client address is that many hops back in
 * `X-Forwarded-For`. The same rule serves Fastify (HTTP) and WebSocket upgrades, so an anonymous
 * client has one identity (and one rate-limit budget) on both.
 */
export function trustProxyHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export function clientIp(request: IncomingMessage, hops: number): string {
  return proxyAddr(request, trustProxyHops(hops));
}
