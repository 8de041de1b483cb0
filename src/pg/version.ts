/**
 * The PostgreSQL major version assumed for production when neither the config
 * (`pgVersion`) nor `--pg-version` gives one: the oldest major version still supported
 * upstream (14 reached end of life in November 2026).
 */
export const DEFAULT_PG_VERSION = 15;
