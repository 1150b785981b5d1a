// A planted fault for the fuzz self-test (test/fuzz-planted.test.ts): aedes as its own process that
// keeps 1 MB for every CONNECT it accepts and never frees it, so its RSS grows per connection.
// With LEAK_FREE_AFTER_MS=<n> it is the twin that is no leak: each 1 MB is freed n ms later (memory a
// broker holds under load and gives back), so the RSS falls once connections stop (run with
// --expose-gc: it collects every 250 ms so the freed pages go back promptly).
// Prints `leaky-aedes-ready <port>` when listening on loopback; exits on SIGTERM.
import { startAedesBroker } from '../../lib/targets/aedes-broker.ts';

const LEAK_BYTES = 1024 * 1024;
const freeAfterMs = Number(process.env.LEAK_FREE_AFTER_MS ?? 0);
const kept = new Set<Buffer>();
const gc = (globalThis as { gc?: () => void }).gc;
if (freeAfterMs && gc) setInterval(gc, 250).unref();
const broker = await startAedesBroker({
  host: '127.0.0.1',
  hooks: {
    authenticate: {
      plain: (_client, _user, _password, done) => {
        const b = Buffer.alloc(LEAK_BYTES, 1); // filled, so the pages are resident
        kept.add(b);
        if (freeAfterMs) setTimeout(() => kept.delete(b), freeAfterMs).unref();
        done(null, true);
      },
    },
  },
});
process.stdout.write(`leaky-aedes-ready ${broker.ports.plain}\n`);
const stop = () => { void broker.close().finally(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
