// Reachability over the transports and TLS material a profile may name: a WebSocket listener answers
// through an HTTP upgrade; the TLS probe sends the profile's serverName as SNI and its ALPN protocols.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, test } from 'vitest';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { assertReachable } from './reachability.ts';
import { UnreachableBrokerError } from '../core/errors.ts';
import { freePort } from './free-port.ts';
import type { ListenerInfo } from '../core/broker.ts';
import { generateKeyPair, issueCertificate, certificateToPem, privateKeyToPem, validity } from '../pki/certificate-builder.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0)) await c(); });

const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

describe('reachability', () => {
  test('a ws listener answers CONNECT through the WebSocket upgrade; a closed one is unreachable', async () => {
    const broker = await Aedes.createBroker();
    const server = http.createServer();
    const wss = new WebSocketServer({ server, path: '/mqtt' });
    wss.on('connection', (ws) => broker.handle(createWebSocketStream(ws)));
    const port = await listen(server);
    cleanup.push(() => new Promise<void>((r) => { wss.close(); server.close(() => r()); }), () => new Promise<void>((r) => broker.close(() => r())));
    const ws: ListenerInfo = { name: 'ws', url: `ws://127.0.0.1:${port}/mqtt`, host: '127.0.0.1', port, tls: false, transport: 'ws', path: '/mqtt' };
    await expect(assertReachable({ name: 'lab', listeners: { ws } })).resolves.toBeUndefined();
    const closed = await freePort();
    const gone = { ...ws, url: `ws://127.0.0.1:${closed}/mqtt`, port: closed };
    await expect(assertReachable({ name: 'lab', listeners: { ws: gone } })).rejects.toThrow(UnreachableBrokerError);
    await expect(assertReachable({ name: 'lab', listeners: { ws: gone } })).rejects.toThrow(/lab: listener ws \(ws:\/\/127\.0\.0\.1:\d+\/mqtt\) is not reachable: ECONNREFUSED/);
  });

  test('the TLS probe sends serverName as SNI and offers the ALPN protocols', async () => {
    const key = await generateKeyPair();
    const cert = issueCertificate({ subjectCn: 'broker.example', role: 'server', publicKey: key.publicKey, selfKey: key, validity: validity('current'), dnsNames: ['broker.example'] });
    const seen: { servername?: string | false | null; alpn?: string | false | null }[] = [];
    const broker = await Aedes.createBroker();
    const server = tls.createServer({ cert: certificateToPem(cert), key: privateKeyToPem(key.privateKey), ALPNProtocols: ['mqtt'] }, (s) => {
      seen.push({ servername: s.servername, alpn: s.alpnProtocol });
      broker.handle(s);
    });
    const port = await listen(server);
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())), () => new Promise<void>((r) => broker.close(() => r())));
    const l: ListenerInfo = { name: 'tls', url: `mqtts://127.0.0.1:${port}`, host: '127.0.0.1', port, tls: true, transport: 'mqtts', serverName: 'broker.example', alpn: ['mqtt'] };
    await assertReachable({ name: 'lab', listeners: { tls: l } });
    expect(seen).toEqual([{ servername: 'broker.example', alpn: 'mqtt' }]);
  });
});
