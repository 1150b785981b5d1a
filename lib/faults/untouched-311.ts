// MQTT 3.1.1 statements the suites exercise on Mosquitto that no fault touches, each with the reason
// (test/mutation-faults.test.ts prints them and fails on an exercised, untouched statement without one).
export const UNTOUCHED_311: Readonly<Record<string, string>> = {
  'MQTT-3.1.2-7': 'retained messages outliving a session: a proxy cannot make the broker forget a stored retained message when a session ends (it could only clear it by publishing, which is the 3.3.1-10/11 faults); not modelled yet',
  'MQTT-3.1.2-10': 'Will removed once published or on DISCONNECT: the proxy-visible breakage (a Will after DISCONNECT) is forward-will-on-disconnect, filed under MQTT-3.14.4-3; a second publication of a Will needs broker state',
  'MQTT-3.1.3-2': 'the client id names the session: a fault would rewrite client ids, the shape of forget-session-after-drop (MQTT-3.1.2-4); no fault of its own yet',
  'MQTT-3.1.4-3': 'CleanSession processing after validation: broken in practice by keep-session-despite-clean (MQTT-3.1.2-6) and forget-session-after-drop (MQTT-3.1.2-4); no fault of its own',
  'MQTT-3.1.4-5': 'data after a refused CONNECT: the broker closes the socket, so a proxy would have to replay the bytes on a broker connection of its own; not modelled yet',
  'MQTT-3.8.4-4': 'several filters in one SUBSCRIBE: half of the catching arrangements (arrangements.overlap.*.one-subscribe) are known Mosquitto deviations with expectation entries, so they cannot catch; not modelled yet',
  'MQTT-4.1.0-1': 'session state kept while the session lasts: broken in practice by lose-queued-qos1-on-resume (MQTT-3.1.2-5) and forget-session-after-drop (MQTT-3.1.2-4); no fault of its own',
  'MQTT-4.1.0-2': 'a session lasts at least as long as its connection: ending a session under a live connection needs broker state; a proxy could only drop the connection (the shape of MQTT-3.1.4-2)',
  'MQTT-7.0.0-2': 'conformance clause (no extension needed to interoperate): not a behaviour a packet rewrite can break on its own',
  'MQTT-7.1.1-1': 'transport requirement (an ordered, lossless byte stream): the proxy is that transport; breaking it breaks every test, not one statement',
  // MQTT over WebSocket (suites/conformance/websocket.test.ts): the fault proxy wraps the plain TCP listener only.
  'MQTT-6.0.0-1': 'WebSocket framing: the fault proxy sits in front of the plain TCP listener only; a proxy on the ws listener (to turn binary frames into text frames) is not built yet',
  'MQTT-6.0.0-2': 'WebSocket framing: the fault proxy sits in front of the plain TCP listener only; a proxy on the ws listener (to mishandle packets split across frames) is not built yet',
  'MQTT-6.0.0-4': 'WebSocket handshake: the fault proxy sits in front of the plain TCP listener only; a proxy on the ws listener (to drop the "mqtt" subprotocol) is not built yet',
};
