import { expect, test } from 'vitest';
import { extraTlsListenerInfo, listenerInfo, listenerUrl, missingListeners } from './listener-url.ts';

test('plain listeners keep the bound host; TLS listeners are addressed by the certificate name', () => {
  expect(listenerInfo('plain', '127.0.0.1', 1883)).toEqual({ name: 'plain', host: '127.0.0.1', port: 1883, tls: false, url: 'mqtt://127.0.0.1:1883' });
  expect(listenerInfo('mtls', '10.0.0.5', 8884)).toEqual({ name: 'mtls', host: 'localhost', port: 8884, tls: true, url: 'mqtts://localhost:8884' });
  expect(listenerInfo('tls', 'h', 1, { username: 'u', password: 'p' }).credentials).toEqual({ username: 'u', password: 'p' });
  expect(listenerInfo('auth', 'h', 1)).not.toHaveProperty('credentials');
});

test('extra listeners are TLS on localhost; the URL follows the tls flag', () => {
  expect(extraTlsListenerInfo('tls-bad-expired', 4000).url).toBe('mqtts://localhost:4000');
  expect(listenerUrl({ tls: false, host: 'broker.lab', port: 1883 })).toBe('mqtt://broker.lab:1883');
});

test('missing listeners: every standard listener not open, with one reason or one per listener', () => {
  expect(missingListeners(['plain', 'auth'], 'no PKI')).toEqual({ tls: 'no PKI', mtls: 'no PKI' });
  expect(missingListeners(['plain', 'auth', 'tls'], (n) => `${n}?`)).toEqual({ mtls: 'mtls?' });
  expect(missingListeners(['plain', 'tls', 'mtls', 'auth'], 'x')).toEqual({});
});

test('WebSocket listeners carry their transport and path; wss is addressed by the certificate name', () => {
  expect(listenerInfo('ws', '127.0.0.1', 8080)).toEqual({ name: 'ws', host: '127.0.0.1', port: 8080, tls: false, transport: 'ws', path: '/mqtt', url: 'ws://127.0.0.1:8080/mqtt' });
  expect(listenerInfo('wss', '127.0.0.1', 8081)).toMatchObject({ host: 'localhost', tls: true, transport: 'wss', url: 'wss://localhost:8081/mqtt' });
  expect(listenerUrl({ tls: true, host: 'h', port: 1, transport: 'wss', path: '/ws' })).toBe('wss://h:1/ws');
});
