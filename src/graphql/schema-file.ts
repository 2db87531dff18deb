import path from 'node:path';
import { PROJECT_ROOT } from '../platform/paths';

/** Where the committed SDL lives; CI compares it with the schema the code builds. */
export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');
