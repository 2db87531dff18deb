import { ApiKey } from './auth/api-key.entity';

/** Every MikroORM entity, listed explicitly (no folder scanning: the same under tsc, tsx and Vitest). */
export const ENTITIES = [ApiKey];
