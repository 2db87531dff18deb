import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validates the stand-in's REST bodies at run time against GitHub's own OpenAPI description
 * (`@octokit/openapi`, `generated/api.github.com.json`: the published rest-api-description), so a
 * body shape GitHub does not send fails a test, not only a type check. The JSON schema of the
 * documented response of an operation (`GET /users/{username}`, status 200) is compiled on first
 * use, with `$ref`s resolved inside GitHub's document.
 */
type OpenApi = {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
};

/**
 * Two adjustments of GitHub's OpenAPI 3.0 document for a JSON-schema validator:
 * - `nullable: true` next to `allOf`/`anyOf` without a `type` (Ajv accepts `nullable` only beside
 *   a `type`) becomes `anyOf: [schema, {type: null}]`;
 * - `oneOf` becomes `anyOf`: GitHub lists event payloads as `oneOf` without a discriminator, and
 *   several payload schemas require nothing, so a valid payload matches more than one.
 */
function openApiToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    out[key === 'oneOf' ? 'anyOf' : key] = openApiToJsonSchema(value);
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function specPath(): string {
  for (const dir of require.resolve.paths('@octokit/openapi') ?? []) {
    const candidate = join(dir, '@octokit', 'openapi', 'generated', 'api.github.com.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('@octokit/openapi is not installed (npm install)');
}

const SPEC_ID = 'https://api.github.com/openapi.json';
let ajv: Ajv | undefined;
let spec: OpenApi | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(route: string, status: number): ValidateFunction {
  const key = `${route} ${status}`;
  const known = compiled.get(key);
  if (known) return known;
  if (!ajv || !spec) {
    spec = openApiToJsonSchema(JSON.parse(readFileSync(specPath(), 'utf8'))) as OpenApi;
    // OpenAPI 3.0: `nullable` is understood; the document's other keywords are not schema keywords.
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    const addFormats =
      (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    addFormats(ajv);
    ajv.addSchema({ ...spec, $id: SPEC_ID } as object);
  }
  const [method, path] = route.split(' ') as [string, string];
  const operation = spec.paths[path]?.[method.toLowerCase()];
  if (!operation?.responses?.[String(status)])
    throw new Error(`GitHub's OpenAPI description documents no ${status} for ${route}`);
  const pointer = ['paths', path, method.toLowerCase(), 'responses', String(status)]
    .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/');
  const response = ajv.getSchema(`${SPEC_ID}#/${pointer}`)?.schema as
    { $ref?: string; content?: Record<string, { schema: unknown }> } | undefined;
  // A response may itself be a $ref to components/responses.
  const resolved = response?.$ref
    ? (ajv.getSchema(`${SPEC_ID}${response.$ref}`)?.schema as typeof response)
    : response;
  const content = resolved?.content?.['application/json'];
  if (!content) throw new Error(`no JSON body documented for ${route} ${status}`);
  const ref = response?.$ref
    ? `${SPEC_ID}${response.$ref}/content/application~1json/schema`
    : `${SPEC_ID}#/${pointer}/content/application~1json/schema`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`could not compile GitHub's schema for ${route} ${status}`);
  compiled.set(key, validate);
  return validate;
}

/** The schema violations of `body` as GitHub documents `route`'s `status` answer (empty: valid). */
export function openApiViolations(route: string, status: number, body: unknown): string[] {
  const validate = validatorFor(route, status);
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
