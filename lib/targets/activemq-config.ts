// Pure renderings for Apache ActiveMQ 5.17 (Classic) with its MQTT transport connector: activemq.xml
// (broker, connectors, simpleAuthenticationPlugin + authorizationPlugin, sslContext) and the log4j 1.2
// configuration. Facts (ActiveMQ docs "MQTT", "Security", "Wildcards"; activemq-mqtt 5.17 source):
// - MQTT topic `a/b` is destination `a.b`; in filters `+` → `*`, `#` → `>` (MQTTProtocolConverter);
//   `a.>` covers destinations below `a`, not `a` itself, so `a/#` needs an entry for `a` too.
// - authentication and authorization are broker-wide, not per connector: one broker has anonymous
//   access on or off for every listener, so the plain, tls and mtls listeners hand clients the harness's
//   own user (ListenerInfo.credentials) and the auth listener sees exactly what the client sends;
// - ACL entries name groups; a user may use a destination when one of its groups is in a matching
//   entry's read (subscribe), write (publish) or admin (create the destination on first use) list.
//   There is no `%u`: the user set is known per run, so `users/%u/#` is expanded for each user;
// - one sslContext (key store + trust store, CRL) serves every TLS connector; `needClientAuth` is per connector.
// - the Debian package logs through slf4j → log4j 1.2 (lib/optional), which reads `log4j.properties`
//   from the instance's conf dir (on the classpath).
import type { ListenerName } from '../core/broker.ts';
import type { BrokerUser } from './broker-users.ts';

export interface ActivemqStores {
  keyStore: string;
  trustStore: string;
  /** Password of both stores (and of the key inside the key store). */
  password: string;
  crlFile?: string;
}

export interface ActivemqConfigInput {
  bind: string;
  ports: Partial<Record<ListenerName, number>>;
  users: BrokerUser[];
  dataDir: string;
  /** PKCS#12 stores made from the run's PEM files; without them no TLS connector is opened. */
  stores?: ActivemqStores;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One MQTT topic filter → the ActiveMQ destinations that together cover it (see the header). */
export function topicFilterToDestinations(filter: string): string[] {
  const levels = filter.split('/');
  const multi = levels[levels.length - 1] === '#';
  const fixed = (multi ? levels.slice(0, -1) : levels).map((l) => (l === '+' ? '*' : l));
  if (multi && fixed.length === 0) return ['>'];
  const base = fixed.join('.');
  return multi ? [base, `${base}.>`] : [base];
}

/** A user's own group: ACL entries name groups, never users. */
export const groupOf = (user: BrokerUser) => `g-${user.username}`;

interface AclEntry { topic: string; read: Set<string>; write: Set<string> }

/** destination → groups allowed to read and write it; a user without a list may use everything. */
export function aclEntries(users: BrokerUser[]): AclEntry[] {
  const table = new Map<string, AclEntry>();
  const grant = (kind: 'read' | 'write', u: BrokerUser, filters: string[] | undefined) => {
    for (const f of filters ?? ['#']) {
      for (const topic of topicFilterToDestinations(f.replaceAll('%u', u.username))) {
        const e = table.get(topic) ?? { topic, read: new Set(), write: new Set() };
        e[kind].add(groupOf(u));
        table.set(topic, e);
      }
    }
  };
  for (const u of users) {
    grant('read', u, u.subscribe);
    grant('write', u, u.publish);
  }
  return [...table.values()];
}

function aclLines(users: BrokerUser[]): string[] {
  // An entry with an empty list would grant that right to nobody, which ActiveMQ rejects as a
  // config error; a placeholder group no user belongs to says the same.
  const list = (s: Set<string>) => [...s].join(',') || 'nobody';
  return aclEntries(users).map((e) => {
    const admin = new Set([...e.read, ...e.write]);
    return `          <authorizationEntry topic="${xml(e.topic)}" read="${list(e.read)}" write="${list(e.write)}" admin="${list(admin)}"/>`;
  });
}

export function renderActivemqXml(c: ActivemqConfigInput): string {
  const connectors: string[] = [];
  for (const name of ['plain', 'auth', 'tls', 'mtls'] as const) {
    const port = c.ports[name];
    if (port === undefined) continue;
    const tls = name === 'tls' || name === 'mtls';
    if (tls && !c.stores) continue;
    const options = name === 'mtls' ? '?transport.needClientAuth=true' : '';
    connectors.push(`      <transportConnector name="${name}" uri="${tls ? 'mqtt+ssl' : 'mqtt'}://${c.bind}:${port}${options}"/>`);
  }
  const users = c.users.map((u) => `          <authenticationUser username="${xml(u.username)}" password="${xml(u.password)}" groups="${groupOf(u)}"/>`);
  const ssl = c.stores
    ? [
        '    <sslContext>',
        `      <sslContext keyStore="file:${xml(c.stores.keyStore)}" keyStorePassword="${xml(c.stores.password)}" keyStoreType="pkcs12"`,
        `                  trustStore="file:${xml(c.stores.trustStore)}" trustStorePassword="${xml(c.stores.password)}" trustStoreType="pkcs12"${c.stores.crlFile ? ` crlPath="${xml(c.stores.crlFile)}"` : ''}/>`,
        '    </sslContext>',
      ]
    : [];
  return [
    '<!-- generated by mqtt-broker-harness; one run, thrown away afterwards -->',
    '<beans xmlns="http://www.springframework.org/schema/beans" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">',
    // No JMX, no advisory topics (a `#` subscriber would see them), messages kept in memory: the
    // broker lives for one run.
    `  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="harness" useJmx="false" advisorySupport="false" persistent="false" dataDirectory="${xml(c.dataDir)}">`,
    '    <plugins>',
    '      <simpleAuthenticationPlugin anonymousAccessAllowed="false">',
    '        <users>',
    ...users,
    '        </users>',
    '      </simpleAuthenticationPlugin>',
    '      <authorizationPlugin>',
    '        <map>',
    '          <authorizationMap>',
    '            <authorizationEntries>',
    ...aclLines(c.users).map((l) => `    ${l}`),
    '            </authorizationEntries>',
    '          </authorizationMap>',
    '        </map>',
    '      </authorizationPlugin>',
    '    </plugins>',
    ...ssl,
    '    <transportConnectors>',
    ...connectors,
    '    </transportConnectors>',
    '  </broker>',
    '</beans>',
  ].join('\n') + '\n';
}

/** log4j 1.2 (what the Debian package's slf4j binding uses): everything to stdout, where readiness is read. */
export const ACTIVEMQ_LOG4J_PROPERTIES = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.logger.org.springframework=WARN',
  'log4j.logger.org.apache.xbean=WARN',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=%d{ISO8601} %-5p %m%n',
  '',
].join('\n');

/** "Apache ActiveMQ 5.17.2 (harness, ID:...) is starting" → "5.17.2" */
export function activemqVersionFrom(log: string): string {
  return /Apache ActiveMQ (\d[\w.]*) \(/.exec(log)?.[1] ?? 'unknown';
}
