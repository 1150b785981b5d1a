import { TARGETS } from '../targets/registry.ts';
import { SUITES } from '../run/suites.ts';
import { MISCONFIGURATION_NAMES } from '../policy/misconfiguration.ts';

/** Comma-separated names in lines of at most `width` characters. */
function wrap(names: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const name of names) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + name.length + 2 <= width) lines[last] += `, ${name}`;
    else lines.push(name);
  }
  return lines.map((l, i) => (i < lines.length - 1 ? `${l},` : l));
}

export function helpText(): string {
  const targets = TARGETS.map((t) => `${t.name} (${Object.keys(t.drivers).join('/')})`).join(', ');
  const suites = SUITES.map((s) => `${s.name}${s.byDefault ? '*' : ''}`).join(', ');
  return `mqtt-broker-harness: conformance, security and load tests for MQTT brokers

Usage:
  npm test -- [flags] [name filter ...]          run suites (default target: embedded aedes)
  npm run harness -- run [flags] [filter ...]    the same
  npm run harness -- print-config --target <t>   config, password file and ACL of the standard test policy
  npm run harness -- k8s-job --shards N [--out dir] <bench flags>
                                                 manifests of a sharded benchmark: Indexed Job, merge Job,
                                                 --podman-partials <dir>: one Pod per index for podman kube play
                                                 (docs/benchmarks-cluster.md)

Flags:
  -t, --target <list>     targets, comma-separated: ${targets}
                          e.g. --target mosquitto,aedes (each runs in turn, one report);
                          <name>:<driver> picks one target's driver, e.g. aedes:embedded,mosquitto --driver local;
                          <name>@<version> picks a version (host package: local; Debian trixie image:
                          container), e.g. mosquitto@2.0.11,mosquitto@2.0.21; a wrong one lists the versions
  -d, --driver <name>     embedded | local | container | external (for every target without its own)
                          default: aedes → embedded; others → container if an engine answers, else local
      --image <ref>       container image for container targets, e.g. --image localhost/mosquitto:2.0.11
      --profile <file>    external broker description (JSON, fixtures/schema/profile.schema.json)
  -s, --suite <list>      ${suites}  (* = default)   e.g. --suite smoke
  -p, --protocol <list>   3.1.1,5 (default: every version the target supports)
      --report-dir <dir>  where runs are written (default: reports/)
      --strict            accept only the behaviour the specification intends where it allows several
      --expectations <p>  known deviations from your own file (for the target it names) or directory of
                          <target>.json, instead of fixtures/expectations/ (a broker's CI keeps its own)
      --strict-expectations  an expectation entry whose test passes now (stale) fails the run (exit 1);
                          the harness's own CI runs with it
      --fault <name>      put the fault-injecting proxy in front of the plain listener with one named
                          fault (docs/conformance.md lists them), e.g. --fault drop-pingresp
      --key <list>        run only the tests with these stable keys (docs/test-keys.md), e.g.
                          --key connect.plain-accepted,publish.qos1-to-subscriber
      --misconfig <name>  SELF-TEST AID, never for a real run: start the broker with one deliberately
                          broken setting, to prove the TLS/auth suites turn red (docs/tls-auth.md):
                          ${wrap(MISCONFIGURATION_NAMES, 74).join('\n                          ')}
      --suites-dir <dir>  SELF-TEST AID, never for a real run: run the fixture suites in <dir>'s
                          sub-folders instead of suites/ (proves hook and file errors end as errors)
      --scenario <list>   with --suite bench: scenario names, prefixes ending in * , 'all', 'micro'
                          (default: the scenarios marked byDefault plus micro-benchmarks); see docs/benchmarks.md
      --duration <s>      with --suite bench: seconds per scenario, overriding each scenario's own
      --thresholds <file> with --suite bench: JSON { "<scenario|prefix*|*>": ["p99Ms < 20", ...] }; breach → exit 3
      --baseline <file>   with --suite bench: an earlier results.json; throughput drop / p99 rise → exit 3
      --baseline-tolerance <drop%,rise%>  default 10,20
      --shard <i>/<N>     with --suite bench: run the i-th (0-based) of N disjoint slices of each scenario;
                          needs --start-at <ISO time> (the shared start) and --out <dir> (the partial result);
                          npm run report -- merge <dir>... combines them (docs/benchmarks-cluster.md)
      --metrics-port <n>  with --suite bench: live OpenMetrics (rates, p50/p99 so far, loss) on
                          http://127.0.0.1:<n>/metrics while the benchmarks run (0: any free port)
      --fuzz-budget <time>  with --suite fuzz: how long to fuzz, e.g. 60s, 2m, 500ms (default 20s)
      --fuzz-iterations <n> with --suite fuzz: stop after n fuzzed packets at the latest (default 1000000)
      --fuzz-seed <n>     with --suite fuzz: the generator's seed (default: random, recorded in the result);
                          same seed + same broker = same inputs; see docs/fuzz.md
                          with several --target: differential mode, the same inputs on each broker,
                          differences where the specification allows one answer reported with the statement
  -h, --help              this text
  positional words        run only tests whose name contains one of them (case-insensitive),
                          e.g. npm test -- --target mosquitto "QoS 2"

Exit codes:
  0  all tests passed (or failed only as listed in the target's expectations file)
  1  conformance failures (a test failed or errored: broker stopped answering, a hook or file error;
     with --strict-expectations also a stale expectation entry)
  2  bad input or broken rig (unknown target, malformed profile, missing binary, no engine, start failure,
     unwritable --report-dir, a name filter that matches no test, every suite file failed to load)
  3  benchmark thresholds breached
  130 interrupted (Ctrl-C); brokers, containers and temp files are removed

Output: reports/<run-id>/{results.json,junit.xml,logs/}, copied to reports/latest/.
`;
}
