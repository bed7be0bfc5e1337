export { openSqliteStore, SqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
export { latestSchemaVersion } from './migrations.js';
export { parseStateKey } from './state-key.js';
export { isHolderGone, readThisHost } from './process-liveness.js';
