import type { Finding } from '../ir/types.js';

/** False for a finding about no file (the target database, say): reporters give it no location. */
export const hasFile = (f: Finding): boolean => f.file !== '';
