import { DomainError } from './errors';

/** Types that implement `Node` and can be fetched back with `node(id:)`. */
export type NodeTypeName = 'User' | 'Repository';
const NODE_TYPES: ReadonlySet<string> = new Set<NodeTypeName>(['User', 'Repository']);

/** Global ids are opaque to clients: base64url of `<Type>:<database id>`. */
export function encodeGlobalId(type: NodeTypeName, id: number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** The type and database id behind a global id; anything else is BAD_USER_INPUT. */
export function decodeGlobalId(globalId: string): { type: NodeTypeName; id: number } {
  const invalid = () =>
    new DomainError('BAD_USER_INPUT', 'id is not a node id of this API', { argument: 'id' });
  if (globalId.length > 64 || !/^[A-Za-z0-9_-]+$/.test(globalId)) throw invalid();
  const match = /^([A-Za-z]+):([1-9][0-9]{0,15})$/.exec(Buffer.from(globalId, 'base64url').toString('utf8'));
  if (!match || !NODE_TYPES.has(match[1]!)) throw invalid();
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id)) throw invalid();
  return { type: match[1] as NodeTypeName, id };
}
