export { openSqliteStore, SqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
export { latestSchemaVersion } from './migrations.js';
export { parseStateKey } from './state-key.js';
export { isHolderGone, readThisHost } from './process-liveness.js';
export { openPostgresStore, PostgresStore } from './postgres/postgres-store.js';
export type { PostgresStoreOptions } from './postgres/postgres-store.js';
export { latestPgSchemaVersion } from './postgres/pg-migrations.js';
export { isPostgresUrl, redactStateUrl, stateUrlSecrets } from './postgres/state-url.js';
