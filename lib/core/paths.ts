import { fileURLToPath } from 'node:url';

/** The harness's install root (where suites/ and fixtures/ live). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
