// A planted fault for the fuzz self-test (test/fuzz-planted.test.ts): aedes as its own process that
// keeps 1 MB for every CONNECT it accepts and never frees it, so its RSS grows per connection.
// Prints `leaky-aedes-ready <port>` when listening on loopback; exits on SIGTERM.
import { startAedesBroker } from '../../lib/targets/aedes-broker.ts';

const LEAK_BYTES = 1024 * 1024;
const kept: Buffer[] = [];
const broker = await startAedesBroker({
  host: '127.0.0.1',
  hooks: {
    authenticate: {
      plain: (_client, _user, _password, done) => {
        kept.push(Buffer.alloc(LEAK_BYTES, 1)); // filled, so the pages are resident
        done(null, true);
      },
    },
  },
});
process.stdout.write(`leaky-aedes-ready ${broker.ports.plain}\n`);
const stop = () => { void broker.close().finally(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
