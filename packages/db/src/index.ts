export type {
  Database,
  Migration,
  OpenDatabaseOptions,
  QueryResult,
  SqlExecutor,
  TransactionExecutor,
} from './types.js';
export { openDatabase } from './open-database.js';
export { runMigrations } from './migrations.js';
export { dropSchema } from './schema.js';
export { isConnectionFailure, isUniqueViolation } from './errors.js';
export { describeDatabase } from './describe.js';
export { openServiceDatabase, type DatabaseLog, type ServiceDatabaseConfig } from './service-database.js';
