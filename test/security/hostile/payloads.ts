/**
 * Strings attackers put wherever a value goes: SQL, NoSQL, shell, template and expression
 * injection, prototype-pollution keys, log forging, path traversal, markup and format strings.
 * Each must reach the server as plain data and come back, at most, as plain data.
 */
export const INJECTIONS: readonly (readonly [name: string, value: string])[] = [
  ['sql tautology', "' OR '1'='1"],
  ['sql drop', "'; DROP TABLE api_key; --"],
  ['sql sleep', '1; SELECT pg_sleep(10)--'],
  ['sql comment', "admin'--"],
  ['sql double quote', '" OR ""="'],
  ['sql union', "1' UNION SELECT usename, passwd FROM pg_shadow--"],
  ['sql copy program', "\\'; COPY (SELECT '') TO PROGRAM 'id'; --"],
  ['nosql operator', '{"$gt": ""}'],
  ['nosql where', '{"$where": "sleep(5000)"}'],
  ['nosql query param', 'login[$ne]=1'],
  ['shell substitution', '$(cat /etc/passwd)'],
  ['shell backticks', '`id`'],
  ['shell chain', '; rm -rf / #'],
  ['shell pipe', '| nc 127.0.0.1 9 -e /bin/sh'],
  ['template mustache', '{{7*7}}'],
  ['template dollar', '${7*7}'],
  ['template erb', '<%= 7*7 %>'],
  ['template ruby', '#{7*7}'],
  ['jndi lookup', '${jndi:ldap://127.0.0.1/a}'],
  ['proto key', '__proto__'],
  ['constructor key', 'constructor'],
  ['prototype key', 'prototype'],
  ['proto json', '{"__proto__":{"admin":true}}'],
  ['constructor path', 'constructor.prototype.admin'],
  ['log forging crlf', 'ok\r\n{"level":"fatal","msg":"FORGED"}'],
  ['log forging lf', 'line1\n{"level":"fatal","msg":"FORGED"}'],
  ['ansi escape', '\u001b[31mred\u001b[0m\u001b[2J'],
  ['path traversal', '../../../../etc/passwd'],
  ['xss', '<script>alert(1)</script>'],
  ['format string', '%s%s%s%n%x'],
  ['nul byte', 'a\u0000b'],
  ['long', 'A'.repeat(10_000)],
];

/** Unicode that confuses parsers, terminals and people. */
export const UNICODE: readonly (readonly [name: string, value: string])[] = [
  ['rtl override', 'abc\u202eexe.txt'],
  ['zero width', 'a\u200b\u200c\u200d\ufeffb'],
  ['emoji', '\u{1f600}\u{1f4a9}\u{1f1fa}\u{1f1f8}'],
  ['combining marks', 'Z\u0351\u0364\u0363\u0313\u0342'.repeat(50)],
  ['line separators', 'a\u2028b\u2029c\u0085d'],
  ['fullwidth', '\uff5b\uff5d\uff02'],
  ['lone high surrogate', 'x\ud800y'],
  ['lone low surrogate', 'x\udc00y'],
  ['private use', '\ue000\uf8ff'],
  ['bell and backspace', '\u0007\u0008\u007f'],
  ['homoglyph', '\u0430dmin'],
  ['bom', '\ufeff{ __typename }'],
];
