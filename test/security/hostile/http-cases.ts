import { INJECTIONS, UNICODE } from './payloads';
import type { RawRequest } from './raw-http';

/** One hostile HTTP request and what, beyond the general rules, its answer must show. */
export interface HostileCase {
  readonly category: string;
  readonly name: string;
  readonly request: RawRequest;
  /** Valid GraphQL whose hostile parts are only data: a 200 answer with data is right too. */
  readonly mayAnswer?: boolean;
  /** The answer's status must be one of these. */
  readonly status?: readonly number[];
  /** One of the answer's errors must carry one of these codes. */
  readonly codes?: readonly string[];
}

const JSON_TYPE = { 'content-type': 'application/json' };
const PREFLIGHT = { 'apollo-require-preflight': 'true' };

const post = (payload: unknown, headers: Record<string, string> = {}): RawRequest => ({
  method: 'POST',
  path: '/graphql',
  headers: { ...JSON_TYPE, ...headers },
  body: JSON.stringify(payload),
});
const postBody = (body: string | Buffer, contentType?: string): RawRequest => ({
  method: 'POST',
  path: '/graphql',
  headers: contentType === undefined ? {} : { 'content-type': contentType },
  body,
});
const get = (params: Record<string, string>, headers: Record<string, string> = PREFLIGHT): RawRequest => ({
  method: 'GET',
  path: `/graphql?${new URLSearchParams(params).toString()}`,
  headers,
});
const literal = (value: string): string => JSON.stringify(value);
const repeat = (n: number, make: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => make(i)).join(' ');

const SIMPLE = '{ __typename }';
const TYPE_BY_NAME = 'query Q($name: String!) { __type(name: $name) { name } }';

function malformedJson(): HostileCase[] {
  const deepArray = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  const bodies: [string, string][] = [
    ['open brace', '{'],
    ['close brace', '}'],
    ['cut after key', '{"query": '],
    ['unterminated object', '{"query":"{__typename}"'],
    ['extra brace', '{"query":"{__typename}"}}'],
    ['single quotes', "{'query':'{__typename}'}"],
    ['unquoted key', '{query:"{__typename}"}'],
    ['trailing comma', '{"query":"{__typename}",}'],
    ['NaN', 'NaN'],
    ['invalid escape', '{"query":"\\x41"}'],
    ['trailing garbage', '{"query":"{__typename}"}garbage'],
    ['nul', '\u0000'],
    ['whitespace only', '   \n\t '],
    ['comment', '/* c */ {"query":"{__typename}"}'],
    ['__proto__ key', '{"query":"{__typename}","__proto__":{"isAdmin":true}}'],
    ['nested __proto__', '{"query":"{__typename}","variables":{"__proto__":{"isAdmin":true}}}'],
    ['constructor.prototype', '{"query":"{__typename}","constructor":{"prototype":{"isAdmin":true}}}'],
  ];
  const values: [string, unknown][] = [
    ['null body', null],
    ['array body', []],
    ['string body', 'query'],
    ['number body', 123],
    ['boolean body', true],
    ['numeric query', { query: 1 }],
    ['null query', { query: null }],
    ['object query', { query: {} }],
    ['array query', { query: [SIMPLE] }],
    ['string variables', { query: SIMPLE, variables: 'x' }],
    ['array variables', { query: SIMPLE, variables: [1] }],
    ['numeric operationName', { query: SIMPLE, operationName: 5 }],
    ['string extensions', { query: SIMPLE, extensions: 'x' }],
    ['empty object', {}],
  ];
  return [
    ...bodies.map(([name, body]): HostileCase => ({
      category: 'malformed JSON',
      name,
      request: postBody(body, 'application/json'),
      status: [400],
    })),
    {
      category: 'malformed JSON',
      name: 'empty body',
      request: postBody('', 'application/json'),
      status: [400],
      codes: ['BAD_REQUEST'],
    },
    {
      category: 'malformed JSON',
      name: 'duplicate query keys',
      request: postBody('{"query":"{ __typename }","query":"{ nope }"}', 'application/json'),
      status: [400],
    },
    {
      // An unused variable, however deep, is ignored: the answer is the query's.
      category: 'malformed JSON',
      name: 'deeply nested arrays in an unused variable',
      request: postBody(`{"query":"{__typename}","variables":{"a":${deepArray}}}`, 'application/json'),
      mayAnswer: true,
    },
    {
      category: 'malformed JSON',
      name: 'byte order mark',
      request: postBody('\ufeff{"query":"{ __typename }"}', 'application/json'),
      mayAnswer: true,
    },
    ...values.map(([name, value]): HostileCase => ({
      category: 'malformed JSON',
      name,
      request: post(value),
      status: [400],
      codes: ['BAD_REQUEST'],
    })),
  ];
}

function contentTypes(): HostileCase[] {
  const body = JSON.stringify({ query: SIMPLE });
  const refused: [string, string | undefined][] = [
    ['text/plain (CSRF)', 'text/plain'],
    ['text/plain with charset', 'text/plain; charset=utf-8'],
    ['multipart form', 'multipart/form-data; boundary=----x'],
    ['urlencoded form', 'application/x-www-form-urlencoded'],
    ['missing content type', undefined],
    ['xml', 'application/xml'],
    ['application/graphql', 'application/graphql'],
    ['json lookalike', 'application/jsonx'],
    ['wildcard', '*/*'],
    ['html', 'text/html'],
    ['garbage', ';;;==='],
    ['list of types', 'text/plain, application/json'],
    ['very long', `application/${'x'.repeat(5_000)}`],
  ];
  return [
    ...refused.map(([name, type]): HostileCase => ({
      category: 'content type',
      name,
      request: postBody(name === 'urlencoded form' ? `query=${encodeURIComponent(SIMPLE)}` : body, type),
      status: [400, 415],
    })),
    ...[
      ['upper case json', 'APPLICATION/JSON'],
      ['json with charset', 'application/json; charset=utf-8'],
      ['json with odd parameter', 'application/json; foo=bar'],
      // The body is UTF-8 JSON whatever the label says; Fastify reads it as UTF-8.
      ['json labelled utf-16', 'application/json; charset=utf-16'],
    ].map(([name, type]): HostileCase => ({
      category: 'content type',
      name,
      request: postBody(body, type),
      mayAnswer: true,
    })),
  ];
}

function oversize(): HostileCase[] {
  const big = (bytes: number) => JSON.stringify({ query: SIMPLE, variables: { pad: 'x'.repeat(bytes) } });
  return [
    ['just over 100 KiB', postBody(big(102_400), 'application/json')],
    ['1 MiB', postBody(big(1_048_576), 'application/json')],
    [
      'declared 10 MB, sent little',
      {
        method: 'POST',
        path: '/graphql',
        headers: { ...JSON_TYPE, 'content-length': '10000000' },
        body: '{}',
      },
    ],
    [
      'chunked over the limit',
      {
        method: 'POST',
        path: '/graphql',
        headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' },
        body: `${(200_000).toString(16)}\r\n${'x'.repeat(200_000)}\r\n0\r\n\r\n`,
      },
    ],
  ].map(([name, request]): HostileCase => ({
    category: 'oversize body',
    name: name as string,
    request: request as RawRequest,
    status: [413],
    codes: ['PAYLOAD_TOO_LARGE'],
  }));
}

function malformedGraphql(): HostileCase[] {
  const documents: [string, string][] = [
    ['empty', ''],
    ['blank', '   '],
    ['open brace', '{'],
    ['close brace', '}'],
    ['empty selection', '{}'],
    ['unclosed selection', '{ systemHealth {'],
    ['extra brace', '{ systemHealth { status } } }'],
    ['keyword only', 'query'],
    ['unclosed query', 'query {'],
    ['mutation keyword', 'mutation'],
    ['unknown subscription', 'subscription { nope }'],
    ['fragment only', 'fragment F on Query { __typename }'],
    ['unknown fragment', '{ ...F }'],
    ['unknown type condition', '{ ... on Nope { x } }'],
    ['empty argument', '{ __typename(arg: ) }'],
    ['bare at sign', '{ __typename @ }'],
    ['string as field', '{ "str" }'],
    ['number as field', '{ 123 }'],
    ['alias without field', '{ a: }'],
    ['nameless variable', 'query Q($: Int) { __typename }'],
    ['unknown variable type', 'query Q($x: Nope) { __typename }'],
    ['duplicate operation names', 'query Q { __typename } query Q { __typename }'],
    ['anonymous among named', 'query { __typename } query B { __typename }'],
    ['unterminated block string', '{ __type(name: """unterminated) { name } }'],
    ['unterminated string', '{ __type(name: "unterminated) { name } }'],
    ['huge exponent', '{ __type(name: 1e99999) { name } }'],
    ['hex number', '{ __type(name: 0x1F) { name } }'],
    ['comment only', '# only a comment'],
    ['trailing nul', '{ __typename }\u0000'],
    ['type definition', 'type Query { x: Int }'],
    ['schema definition', 'schema { query: Query }'],
    ['directive definition', 'directive @x on FIELD'],
    ['type extension', 'extend type Query { x: Int }'],
    ['missing subselection', '{ systemHealth }'],
    ['selection on a scalar', '{ systemHealth { status { x } } }'],
    ['unknown argument', '{ __typename(first: 100) }'],
    ['undefined variable', '{ __type(name: $x) { name } }'],
    ['unused variable', 'query Q($x: Int) { __typename }'],
    ['unknown directive', '{ __typename @nope }'],
    ['skip without argument', '{ __typename @skip }'],
    ['duplicate argument', '{ __type(name: "a", name: "b") { name } }'],
    ['conflicting aliases', '{ a: __typename a: systemHealth { status } }'],
  ];
  return documents.map(([name, query]) => ({
    category: 'malformed GraphQL',
    name,
    request: post({ query }),
    status: [400],
    codes: ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST'],
  }));
}

function deepNesting(): HostileCase[] {
  const nested = (levels: number) => `${'{ a '.repeat(levels)}${'}'.repeat(levels)}`;
  const typeChain = (levels: number) =>
    `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } } } }`;
  const tooComplex = ['QUERY_TOO_COMPLEX'];
  return [
    ['fields 12 deep', post({ query: typeChain(9) }), tooComplex],
    ['selection sets 30 deep', post({ query: nested(30) }), tooComplex],
    ['selection sets 10,000 deep', post({ query: nested(10_000) }), tooComplex],
    [
      'list literal 3,000 deep',
      post({ query: `{ __type(name: ${'['.repeat(3_000)}"x"${']'.repeat(3_000)}) { name } }` }),
      tooComplex,
    ],
    [
      'object literal 2,000 deep',
      post({ query: `{ __type(name: ${'{a:'.repeat(2_000)}1${'}'.repeat(2_000)}) { name } }` }),
      tooComplex,
    ],
    [
      'inline fragments 700 deep',
      post({ query: `{ ${'... on Query { '.repeat(700)}__typename${' }'.repeat(700)} }` }),
      tooComplex,
    ],
    [
      'variables 5,000 deep',
      postBody(
        `{"query":${literal(TYPE_BY_NAME)},"variables":{"name":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}}`,
        'application/json',
      ),
      ['BAD_USER_INPUT', 'BAD_REQUEST'],
    ],
  ].map(([name, request, codes]) => ({
    category: 'deep nesting',
    name: name as string,
    request: request as RawRequest,
    status: [400],
    codes: codes as string[],
  }));
}

function aliasBombs(): HostileCase[] {
  return [
    ['16 aliased systemHealth', `{ ${repeat(16, (i) => `h${i}: systemHealth { status }`)} }`],
    ['500 aliased __typename', `{ ${repeat(500, (i) => `t${i}: __typename`)} }`],
    ['1,000 aliased __typename', `{ ${repeat(1_000, (i) => `t${i}: __typename`)} }`],
    [
      'aliases multiplied by fragment spreads',
      `{ ${repeat(5, () => '...F')} } fragment F on Query { ${repeat(5, (i) => `a${i}: __typename`)} }`,
    ],
    ['aliases in nested selections', `{ systemHealth { ${repeat(20, (i) => `s${i}: status`)} } }`],
  ].map(([name, query]) => ({
    category: 'alias bomb',
    name,
    request: post({ query }),
    status: [400],
    codes: ['QUERY_TOO_COMPLEX'],
  }));
}

function fragmentBombs(): HostileCase[] {
  const doubling = (levels: number) =>
    `{ ...F0 } ${repeat(levels, (i) =>
      i + 1 < levels
        ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`
        : `fragment F${i} on Query { systemHealth { status version } }`,
    )}`;
  const wide = (levels: number, width: number) =>
    `{ ...W0 } ${repeat(levels, (i) =>
      i + 1 < levels
        ? `fragment W${i} on Query { ${repeat(width, () => `...W${i + 1}`)} }`
        : `fragment W${i} on Query { systemHealth { components { name status } } }`,
    )}`;
  const validation = ['GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX'];
  return [
    ['doubling, 20 levels', doubling(20), ['QUERY_TOO_COMPLEX']],
    ['doubling, 40 levels', doubling(40), ['QUERY_TOO_COMPLEX']],
    ['ten-wide, 6 levels', wide(6, 10), ['QUERY_TOO_COMPLEX']],
    ['self cycle', '{ ...A } fragment A on Query { __typename ...A }', validation],
    ['two-fragment cycle', '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }', validation],
    [
      'fifty-fragment cycle',
      `{ ...C0 } ${repeat(50, (i) => `fragment C${i} on Query { __typename ...C${(i + 1) % 50} }`)}`,
      validation,
    ],
    [
      'cycle through an inline fragment',
      '{ ...A } fragment A on Query { ... on Query { ...A } }',
      validation,
    ],
    [
      '200 unused fragments',
      `{ __typename } ${repeat(200, (i) => `fragment U${i} on Query { __typename }`)}`,
      validation,
    ],
    ['fragment on an unknown type', '{ ...A } fragment A on Nope { x }', validation],
  ].map(([name, query, codes]) => ({
    category: 'fragment bomb',
    name: name as string,
    request: post({ query }),
    status: [400],
    codes: codes as string[],
  }));
}

function hugeValues(): HostileCase[] {
  const big = 'x'.repeat(90_000);
  return [
    ['90 KB string literal', post({ query: `{ __type(name: ${literal(big)}) { name } }` }), true],
    ['90 KB block string', post({ query: `{ __type(name: """${big}""") { name } }` }), true],
    ['90 KB string variable', post({ query: TYPE_BY_NAME, variables: { name: big } }), true],
    ['90 KB comment', post({ query: `# ${big}\n{ __typename }` }), true],
    ['90 KB of whitespace', post({ query: `{${' '.repeat(90_000)}__typename }` }), true],
    [
      '20,000-item list variable',
      post({ query: TYPE_BY_NAME, variables: { name: Array(20_000).fill(1) } }),
      false,
    ],
    [
      '5,000 variables',
      post({
        query: TYPE_BY_NAME,
        variables: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`v${i}`, i])),
      }),
      false,
    ],
    ['5,000-digit number', post({ query: `{ __type(name: ${'9'.repeat(5_000)}) { name } }` }), false],
    ['90 KB operation name', post({ query: SIMPLE, operationName: big }), false],
    ['90 KB variable name', post({ query: `query Q($${'v'.repeat(90_000)}: String) { __typename }` }), false],
  ].map(([name, request, mayAnswer]) => ({
    category: 'huge values',
    name: name as string,
    request: request as RawRequest,
    mayAnswer: mayAnswer as boolean,
  }));
}

function invalidUtf8(): HostileCase[] {
  const jsonWith = (bytes: number[]) =>
    Buffer.concat([
      Buffer.from('{"query":"{ __type(name: \\"'),
      Buffer.from(bytes),
      Buffer.from('\\") { name } }"}'),
    ]);
  const cases: [string, RawRequest][] = [
    ['0xFF 0xFE in a string', postBody(jsonWith([0xff, 0xfe]), 'application/json')],
    ['overlong slash', postBody(jsonWith([0xc0, 0xaf]), 'application/json')],
    ['truncated sequence', postBody(jsonWith([0xe2, 0x82]), 'application/json')],
    ['lone continuation bytes', postBody(jsonWith([0x80, 0x81, 0xbf]), 'application/json')],
    ['encoded surrogate (CESU-8)', postBody(jsonWith([0xed, 0xa0, 0x80]), 'application/json')],
    ['invalid bytes outside strings', postBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'application/json')],
    [
      'UTF-16LE body',
      postBody(Buffer.from(JSON.stringify({ query: SIMPLE }), 'utf16le'), 'application/json'),
    ],
    [
      'invalid bytes in a query string',
      { method: 'GET', path: '/graphql?query=%ff%fe%c0%af', headers: PREFLIGHT },
    ],
    [
      'invalid bytes in a header',
      {
        raw: Buffer.concat([
          Buffer.from('GET /api/system/health HTTP/1.1\r\nhost: x\r\nx-request-id: '),
          Buffer.from([0xff, 0xc0, 0xaf]),
          Buffer.from('\r\nconnection: close\r\n\r\n'),
        ]),
        method: '',
        path: '',
      },
    ],
  ];
  return cases.map(([name, request]) => ({ category: 'invalid UTF-8', name, request, mayAnswer: true }));
}

function unknownOperations(): HostileCase[] {
  const two = 'query A { __typename } query B { __typename }';
  return [
    ['name matching no operation', post({ query: 'query A { __typename }', operationName: 'B' })],
    ['several operations, no name', post({ query: two })],
    ['several operations, empty name', post({ query: two, operationName: '' })],
    ['several operations, unknown name', post({ query: two, operationName: 'C' })],
    ['anonymous operation, a name given', post({ query: SIMPLE, operationName: 'X' })],
    ['operation name of another case', post({ query: two, operationName: 'a' })],
    ['subscription over HTTP', post({ query: 'subscription S { __typename }' })],
    ['unknown mutation', post({ query: 'mutation M { nope }' })],
  ].map(([name, request]) => ({
    category: 'unknown operation',
    name: name as string,
    request: request as RawRequest,
    status: [400],
    codes: ['OPERATION_RESOLUTION_FAILURE', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST'],
  }));
}

function getRequests(): HostileCase[] {
  const cases: [string, RawRequest, number[]][] = [
    ['mutation with preflight header', get({ query: 'mutation { __typename }' }), [405]],
    ['mutation without preflight header', get({ query: 'mutation { __typename }' }, {}), [400]],
    ['query without preflight header', get({ query: SIMPLE }, {}), [400]],
    ['malformed variables', get({ query: TYPE_BY_NAME, variables: '{' }), [400]],
    ['malformed extensions', get({ query: SIMPLE, extensions: '{"persistedQuery":' }), [400]],
    ['no query', get({}), [400]],
    [
      'query given twice',
      { method: 'GET', path: `/graphql?query=${encodeURIComponent(SIMPLE)}&query=x`, headers: PREFLIGHT },
      [400],
    ],
    ['20 KB URL', get({ query: `{ __type(name: "${'x'.repeat(20_000)}") { name } }` }), [414, 431, 400]],
    [
      'mutation named in a GET with two operations',
      get({ query: 'query Q { __typename } mutation M { __typename }', operationName: 'M' }),
      [405],
    ],
  ];
  return cases.map(([name, request, status]) => ({ category: 'GET', name, request, status }));
}

function unicodeAndControl(): HostileCase[] {
  return UNICODE.flatMap(([name, value]): HostileCase[] => [
    {
      category: 'unicode and control characters',
      name: `${name} as an argument value`,
      request: post({ query: TYPE_BY_NAME, variables: { name: value } }),
      mayAnswer: true,
    },
    {
      category: 'unicode and control characters',
      name: `${name} in the document`,
      request: post({ query: `{ ${value} }` }),
      status: [400],
    },
    {
      category: 'unicode and control characters',
      name: `${name} in a header`,
      request: post({ query: SIMPLE }, { 'x-request-id': value, 'user-agent': value }),
      mayAnswer: true,
    },
  ]);
}

/** Every injection string in every place a value can go. */
function injections(): HostileCase[] {
  return INJECTIONS.flatMap(([name, value]): HostileCase[] => {
    const placed = (where: string, request: RawRequest, mayAnswer = false): HostileCase => ({
      category: 'injection',
      name: `${name} in ${where}`,
      request,
      mayAnswer,
    });
    // Header values cannot carry CR/LF (that splits the header: the server must refuse the request).
    const header = value;
    return [
      placed('a string literal', post({ query: `{ __type(name: ${literal(value)}) { name } }` }), true),
      placed('a variable', post({ query: TYPE_BY_NAME, variables: { name: value } }), true),
      placed(
        'a Boolean variable',
        post({ query: 'query Q($b: Boolean!) { __typename @include(if: $b) }', variables: { b: value } }),
      ),
      placed('the operation name', post({ query: 'query Q { __typename }', operationName: value })),
      placed(
        'a variable name',
        post({ query: TYPE_BY_NAME, variables: { name: 'Query', [value]: value } }),
        true,
      ),
      placed('extensions', post({ query: SIMPLE, extensions: { [value]: value } }), true),
      // Names like `__proto__` or `constructor` are valid aliases: the answer holds them as data.
      placed('an alias', post({ query: `{ ${value}: __typename }` }), true),
      placed('a GET query', get({ query: `{ __type(name: ${literal(value)}) { name } }` }), true),
      placed('x-request-id', post({ query: SIMPLE }, { 'x-request-id': header }), true),
      placed('Authorization', post({ query: SIMPLE }, { authorization: `Bearer ${header}` }), true),
      placed(
        'a cookie and user agent',
        post({ query: SIMPLE }, { cookie: `session=${header}`, 'user-agent': header }),
        true,
      ),
    ];
  });
}

function protocolLevel(): HostileCase[] {
  const raw = (name: string, text: string): HostileCase => ({
    category: 'HTTP protocol',
    name,
    request: { method: '', path: '', raw: text },
    mayAnswer: true,
  });
  const body = JSON.stringify({ query: SIMPLE });
  return [
    raw(
      'header line without a colon',
      'GET /api/system/health HTTP/1.1\r\nhost: x\r\nnot a header\r\nconnection: close\r\n\r\n',
    ),
    raw('no Host header', 'GET /api/system/health HTTP/1.1\r\nconnection: close\r\n\r\n'),
    raw('unknown method', 'FOOBAR /graphql HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
    raw('TRACE', 'TRACE /graphql HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
    raw('spaces in the path', 'GET /graphql /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
    raw(
      'dot segments',
      'GET /graphql/../api/system/../system/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
    ),
    raw(
      'Content-Length and Transfer-Encoding (smuggling)',
      `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n`,
    ),
    raw(
      'invalid chunk size',
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
    ),
    raw(
      'negative Content-Length',
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: -1\r\nconnection: close\r\n\r\n{}',
    ),
    raw(
      'absurd Content-Length',
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 99999999999999999999\r\nconnection: close\r\n\r\n{}',
    ),
    raw(
      '20 KB header',
      `GET /api/system/health HTTP/1.1\r\nhost: x\r\nx-pad: ${'x'.repeat(20_000)}\r\nconnection: close\r\n\r\n`,
    ),
    raw(
      '500 headers',
      `GET /api/system/health HTTP/1.1\r\nhost: x\r\n${repeat(500, (i) => `x-h${i}: v\r\n`).replace(/ x-/g, 'x-')}connection: close\r\n\r\n`,
    ),
    raw('HTTP/0.9 request line', 'GET /graphql\r\n\r\n'),
    raw(
      'HTTP/1.0 without Host',
      'GET /graphql?query=%7B__typename%7D HTTP/1.0\r\napollo-require-preflight: 1\r\n\r\n',
    ),
    raw(
      'HTTP/1.0 POST without Host',
      `POST /graphql HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    ),
    ...['bad host', '[::1', 'a:b:c', 'x'.repeat(300), '%00', 'h\u00e9llo'].map((host) =>
      raw(
        `Host header ${host.slice(0, 20)}`,
        `POST /graphql HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      ),
    ),
    raw(
      'unsupported HTTP version',
      'GET /api/system/health HTTP/3.0\r\nhost: x\r\nconnection: close\r\n\r\n',
    ),
    raw(
      'injected header through CRLF in a value',
      `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-request-id: a\r\nset-cookie: evil=1\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    ),
  ];
}

/** Every HTTP case, by category. */
export function hostileHttpCases(): HostileCase[] {
  return [
    ...malformedJson(),
    ...contentTypes(),
    ...oversize(),
    ...malformedGraphql(),
    ...deepNesting(),
    ...aliasBombs(),
    ...fragmentBombs(),
    ...hugeValues(),
    ...invalidUtf8(),
    ...unknownOperations(),
    ...getRequests(),
    ...unicodeAndControl(),
    ...injections(),
    ...protocolLevel(),
  ];
}
