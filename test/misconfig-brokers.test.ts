// Proof that every TLS and auth test can fail: each has a failing twin, a broker deliberately
// misconfigured (--misconfig <name>, lib/policy/misconfiguration.ts) in exactly the way the test
// checks. Under its misconfiguration each named test (every protocol variant the target runs) must end
// `failed` with failureKind `assertion`; on the correctly configured broker (one baseline run per
// target) the same keys must pass. Every run selects its tests by stable key (--key), so runs stay
// small, and runs three at a time. A coverage test derives the TLS/auth keys from the registry: a new
// TLS or auth test without a twin fails here. Prints the table misconfiguration | target | tests |
// verdict. Needs mosquitto (apt-get install -y mosquitto).
import { afterAll, describe, expect, test } from 'vitest';
import { listRegisteredTests } from '../lib/run/test-registry.ts';
import type { FailureKind, TestResult } from '../lib/results/types.ts';
import { MISCONFIGURATION_NAMES, type MisconfigurationName } from '../lib/policy/misconfiguration.ts';
import type { ProtocolVersion } from '../lib/core/broker.ts';
import { runHarness, tempReportDir, type HarnessRun } from './support/run-harness.ts';
import { needBinary } from './support/requirements.ts';
import { boundedConcurrency } from './support/bounded-concurrency.ts';

type Target = 'mosquitto' | 'aedes';

interface Twin {
  misconfig: MisconfigurationName;
  target: Target;
  /** Stable keys that must end `failed` (failureKind `assertion` unless `otherKind` says why not). */
  mustFail: string[];
  /**
   * A test whose statement, on any real broker misconfiguration, can only fail outside an assertion
   * (its suite waits or connects first, and that is where the broken broker stops it): the kind
   * required instead, and why no assertion can be reached. Shown in the table.
   */
  otherKind?: Record<string, { kinds: FailureKind[]; why: string }>;
  /** The security finding the run must report (lib/results/findings.ts), where the twin has one. */
  finding?: string;
}

const DRIVER: Record<Target, string> = { mosquitto: 'local', aedes: 'embedded' };
const PROTOCOLS: Record<Target, ProtocolVersion[]> = { mosquitto: ['3.1.1', '5'], aedes: ['3.1.1'] };

const TWINS: Twin[] = [
  // auth: credentials
  { misconfig: 'anonymous-auth', target: 'mosquitto', mustFail: ['auth.credentials.anonymous-refused'], finding: 'anonymous access allowed' },
  {
    misconfig: 'no-password-file', target: 'mosquitto', finding: 'password check not enforced',
    mustFail: ['auth.credentials.wrong-password-refused', 'auth.credentials.unknown-user-refused', 'auth.credentials.username-without-password-refused'],
  },
  {
    misconfig: 'any-password', target: 'aedes', finding: 'password check not enforced',
    mustFail: ['auth.credentials.wrong-password-refused', 'auth.credentials.unknown-user-refused', 'auth.credentials.username-without-password-refused'],
  },
  {
    misconfig: 'rotated-passwords', target: 'mosquitto', mustFail: ['auth.credentials.valid-user-accepted', 'tls.wire-confidentiality.password-in-clear'],
    otherKind: {
      'tls.wire-confidentiality.password-in-clear': {
        kinds: ['exception'],
        why: 'its only assertion is the relay self-check (a password sent over plain TCP is always readable); alice refused at connect is its one real failure',
      },
    },
  },
  { misconfig: 'password-lockout', target: 'aedes', mustFail: ['auth.bad-password-burst.valid-client-served'] },
  // auth: ACL
  {
    misconfig: 'acl-allow-all', target: 'mosquitto', finding: 'ACL not enforced',
    mustFail: ['auth.acl.deny-publish', 'auth.acl.user-pattern', 'auth.acl.certificate-identity', 'auth.acl.read-only-topic', 'auth.acl.deny-subscribe', 'auth.acl.wildcard-subscribe-filtered'],
  },
  {
    misconfig: 'acl-deny-all', target: 'mosquitto', mustFail: ['auth.acl.allow-publish'],
    otherKind: {
      'auth.acl.allow-publish': {
        kinds: ['wait-timeout', 'exception'],
        why: "a message that is never delivered can only be waited for (3.1.1: the suite waits 5 s for it); under MQTT 5 the broker's PUBACK 0x87 rejects the publish first",
      },
    },
  },
  // tls: mutual TLS
  { misconfig: 'no-require-certificate', target: 'mosquitto', mustFail: ['tls.mutual-tls.no-certificate'], finding: 'client certificates not enforced' },
  { misconfig: 'no-crl', target: 'mosquitto', mustFail: ['tls.mutual-tls.revoked'], finding: 'revoked client certificates accepted' },
  { misconfig: 'mtls-trusts-foreign-ca', target: 'mosquitto', mustFail: ['tls.mutual-tls.foreign-ca'] },
  { misconfig: 'mtls-ignores-validity', target: 'aedes', mustFail: ['tls.mutual-tls.expired', 'tls.mutual-tls.not-yet-valid'] },
  { misconfig: 'mtls-wrong-ca', target: 'mosquitto', mustFail: ['tls.mutual-tls.valid-certificate', 'tls.mutual-tls.encrypted-key-legacy-des3', 'tls.mutual-tls.encrypted-key-pkcs8'] },
  // tls: client verification (the broker only decides which certificate a listener serves)
  {
    misconfig: 'tls-expired-cert', target: 'mosquitto', finding: 'server certificate does not verify',
    mustFail: ['tls.client-verification.trust-ok', 'tls.server-certificate.tls', 'tls.server-certificate.mtls', 'tls.wss.trust-ok'],
  },
  { misconfig: 'tls-foreign-server-cert', target: 'mosquitto', mustFail: ['tls.client-verification.wrong-ca', 'tls.wss.wrong-ca'] },
  { misconfig: 'mtls-accepts-any-cert', target: 'aedes', mustFail: ['tls.mutual-tls.self-signed', 'tls.mutual-tls.foreign-ca'], finding: 'untrusted client certificates accepted' },
  {
    misconfig: 'bad-listeners-serve-good-cert', target: 'mosquitto',
    mustFail: ['wrong-host', 'expired', 'not-yet-valid', 'self-signed', 'fake-root'].map((s) => `tls.client-verification.${s}`),
  },
  // tls: protocol policy
  {
    misconfig: 'tls-weak-protocols', target: 'aedes', finding: 'weak TLS accepted',
    mustFail: ['tls.protocol-policy.tls1-0-refused', 'tls.protocol-policy.tls1-1-refused', 'tls.protocol-policy.null-cipher-refused'],
  },
  { misconfig: 'tls13-only', target: 'mosquitto', mustFail: ['tls.protocol-policy.tls1-2-accepted'] },
  { misconfig: 'tls12-only', target: 'aedes', mustFail: ['tls.protocol-policy.tls1-3-accepted'] },
  // tls: robustness
  {
    misconfig: 'hold-malformed-open', target: 'aedes', finding: 'broker did not survive malformed input',
    mustFail: ['tls.robustness.client-hello-on-plain', 'tls.robustness.garbage-on-plain'],
  },
  {
    misconfig: 'tls-hold-malformed-open', target: 'aedes', finding: 'broker did not survive malformed input',
    mustFail: ['tls.robustness.plain-connect-on-tls', 'tls.robustness.garbage-on-tls', 'tls.robustness.truncated-handshake'],
  },
];

/**
 * Registered test variants (key + protocol) with no twin, each with the reason none can exist. The
 * coverage test fails on an uncovered variant not listed here, and on an entry that is covered.
 */
const NO_TWIN: { key: string; protocol: ProtocolVersion | null; why: string }[] = [
  {
    key: 'tls.server-certificate.tls-auth', protocol: null,
    why: 'managed brokers open no tls-auth listener (profiles and the public-layout fixture do); the check is the one tls.server-certificate.tls and .mtls run, whose twin is tls-expired-cert',
  },
  {
    key: 'tls.wire-confidentiality.tls-opaque', protocol: null,
    why: "the client never offers a NULL suite, so no server setting puts plaintext inside a TLS session; a 'TLS' port serving plain MQTT stops the client at connect, which the runner rightly records as error (broker unreachable), not a verdict",
  },
  {
    key: 'tls.wire-confidentiality.plain-visible', protocol: null,
    why: 'the control of the recording relay: MQTT over plain TCP always carries payload and password readable, and a plain port that speaks TLS only ends the test in error (broker unreachable), not a verdict',
  },
  {
    key: 'auth.bad-password-burst.valid-client-served', protocol: '5',
    why: 'only mosquitto runs MQTT 5 here, and mosquitto 2.0.11 has no lockout or throttling setting to misconfigure; the aedes twin (password-lockout, 3.1.1) fails the same check',
  },
];

const slot = boundedConcurrency(3);
/** One harness run; the vitest bound of a test adds the wait for a slot (up to ~8 runs ahead of it). */
const RUN_TIMEOUT_MS = 180_000;
const TEST_TIMEOUT_MS = 4 * RUN_TIMEOUT_MS;

function run(target: Target, keys: string[], misconfig?: MisconfigurationName): Promise<HarnessRun> {
  // Only the suites the keys live in (a key starts with its suite): fewer files to load per run.
  const suites = [...new Set(keys.map((k) => k.split('.')[0]!))].join(',');
  const args = ['--target', target, '--driver', DRIVER[target], '--suite', suites, '--key', [...new Set(keys)].join(','), ...(misconfig ? ['--misconfig', misconfig] : [])];
  return slot(() => runHarness(args, { reportDir: tempReportDir(), timeoutMs: RUN_TIMEOUT_MS }));
}

/** The protocol variants of `key` a target runs: TLS handshake tests run once (protocol null). */
const variantsOf = (key: string, target: Target): (ProtocolVersion | null)[] => (key.startsWith('tls.') ? [null] : PROTOCOLS[target]);

/** What is wrong with `key`'s results, or '' when every variant ended as required. */
function problemOf(tests: TestResult[], key: string, target: Target, wanted: { status: 'passed' } | { status: 'failed'; kinds: FailureKind[] }): string {
  const hits = tests.filter((t) => t.key === key);
  const problems = variantsOf(key, target).flatMap((protocol) => {
    const t = hits.find((h) => h.protocol === protocol);
    const v = protocol ?? 'no protocol';
    if (!t) return [`${v}: did not run`];
    if (t.status !== wanted.status) return [`${v}: ${t.status}${t.detail?.reason ? ` (${t.detail.reason.split('\n')[0]!.slice(0, 120)})` : ''}`];
    if (wanted.status === 'failed' && !wanted.kinds.includes(t.detail!.failureKind!)) return [`${v}: failed by ${t.detail?.failureKind}, not ${wanted.kinds.join(' or ')} (${t.detail?.reason?.split('\n')[0]!.slice(0, 120)})`];
    return [];
  });
  return problems.length ? `${key} ${problems.join('; ')}` : '';
}

interface Row { misconfig: string; target: Target; tests: string; verdict: string }
const rows = new Map<string, Row>();
/** Each row is also printed as its run ends, so a slow machine shows progress (and a cut-off run what it had). */
function record(row: Row): void {
  rows.set(rowKey(row.misconfig, row.target), row);
  process.stderr.write(`twin | ${row.misconfig} | ${row.target} | ${row.tests} | ${row.verdict}\n`);
}
const rowKey = (misconfig: string, target: Target) => `${misconfig}@${target}`;
const keysOf = (t: Twin) => t.mustFail.map((k) => (t.otherKind?.[k] ? `${k} (${t.otherKind[k]!.kinds.join('/')})` : k)).join(', ');

const started = Date.now();
afterAll(() => {
  if (!rows.size) return;
  const all: Row[] = [
    ...(['mosquitto', 'aedes'] as const).map((target) => rows.get(rowKey('(none: baseline)', target)) ?? { misconfig: '(none: baseline)', target, tests: 'every key below', verdict: 'NO RUN' }),
    ...TWINS.map((t) => rows.get(rowKey(t.misconfig, t.target)) ?? { misconfig: t.misconfig, target: t.target, tests: keysOf(t), verdict: 'NO RUN' }),
  ];
  const width = (f: keyof Row) => Math.max(f.length, ...all.map((r) => r[f].length));
  const line = (r: Row) => `| ${r.misconfig.padEnd(width('misconfig'))} | ${r.target.padEnd(width('target'))} | ${r.tests.padEnd(width('tests'))} | ${r.verdict} |`;
  process.stdout.write(`\nmisconfiguration twins (${Math.round((Date.now() - started) / 1000)} s):\n${line({ misconfig: 'misconfiguration', target: 'target' as Target, tests: 'tests that must fail', verdict: 'verdict' })}\n`);
  for (const r of all) process.stdout.write(`${line(r)}\n`);
  for (const n of NO_TWIN) process.stdout.write(`  no twin: ${n.key} (${n.protocol ?? 'no protocol'}): ${n.why}\n`);
  for (const t of TWINS) for (const [k, o] of Object.entries(t.otherKind ?? {})) process.stdout.write(`  ${k} fails by ${o.kinds.join(' or ')} under ${t.misconfig}: ${o.why}\n`);
});

describe.concurrent('every TLS and auth test fails on its misconfigured twin', () => {
  test('every TLS/auth test (each protocol variant) has a twin, or a stated reason why none can exist', async () => {
    const registered = await listRegisteredTests(['tls', 'auth']);
    const covers = (key: string, protocol: ProtocolVersion | null) => TWINS.some((t) => t.mustFail.includes(key) && variantsOf(key, t.target).includes(protocol));
    const listed = (key: string, protocol: ProtocolVersion | null) => NO_TWIN.some((n) => n.key === key && n.protocol === protocol);
    // An unkeyed test (test/test-keys.test.ts rejects those) counts by its id here, so it cannot slip through.
    const variants = [...new Map(registered.map((r) => [`${r.key ?? r.id} ${r.protocol ?? 'no protocol'}`, { key: r.key ?? r.id, protocol: r.protocol }])).entries()];
    expect(variants.filter(([, r]) => !covers(r.key, r.protocol) && !listed(r.key, r.protocol)).map(([v]) => v), 'TLS/auth tests without a failing twin').toEqual([]);
    expect(NO_TWIN.filter((n) => covers(n.key, n.protocol)).map((n) => n.key), 'NO_TWIN entries that have a twin now').toEqual([]);
    const known = new Set(registered.map((r) => r.key));
    expect(TWINS.flatMap((t) => t.mustFail).filter((k) => !known.has(k)), 'twins naming keys that are not registered').toEqual([]);
  }, 60_000);

  for (const target of ['mosquitto', 'aedes'] as const) {
    test(`baseline: every key with a twin on ${target} passes on the correctly configured broker`, async (ctx) => {
      if (target === 'mosquitto') needBinary(ctx, 'mosquitto');
      const keys = TWINS.filter((t) => t.target === target).flatMap((t) => t.mustFail);
      const r = await run(target, keys);
      const problems = r.results ? [...new Set(keys)].map((k) => problemOf(r.results!.tests, k, target, { status: 'passed' })).filter(Boolean) : [`no results.json (exit ${r.code})`];
      record({ misconfig: '(none: baseline)', target, tests: `${new Set(keys).size} keys, each must pass`, verdict: problems.length ? `NOT PASSED: ${problems.join('; ')}` : 'all passed' });
      expect(problems, r.stderr.slice(-1500)).toEqual([]);
    }, TEST_TIMEOUT_MS);
  }

  test.for(TWINS)('$misconfig on $target turns its tests red', { timeout: TEST_TIMEOUT_MS }, async (twin, ctx) => {
    if (twin.target === 'mosquitto') needBinary(ctx, 'mosquitto');
    const r = await run(twin.target, twin.mustFail, twin.misconfig);
    const problems = r.results
      ? twin.mustFail.map((k) => problemOf(r.results!.tests, k, twin.target, { status: 'failed', kinds: twin.otherKind?.[k]?.kinds ?? ['assertion'] })).filter(Boolean)
      : [`no results.json (exit ${r.code}): ${r.stderr.slice(-300)}`];
    if (twin.finding && r.results && !r.results.findings?.some((f) => f.title === twin.finding)) problems.push(`finding "${twin.finding}" not reported`);
    record({ misconfig: twin.misconfig, target: twin.target, tests: keysOf(twin), verdict: problems.length ? `NOT RED: ${problems.join('; ')}` : 'red as required' });
    expect(problems, r.stderr.slice(-1500)).toEqual([]);
    expect(r.code, 'a run with failed tests exits 1').toBe(1);
  });

  test('an unknown --misconfig is bad input: one line naming the allowed names, exit 2', async () => {
    const r = await runHarness(['--suite', 'smoke', '--misconfig', 'nonsense'], { reportDir: tempReportDir(), timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`--misconfig "nonsense" is not allowed; use one of: ${MISCONFIGURATION_NAMES.join(', ')}$`))]);
  });
});
