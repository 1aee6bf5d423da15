import { describePostgres, openTestPostgres, openTestPostgresNodes } from '@parley/test-kit/postgres';
import { runStorageContract } from '../../../ports/storage/storage.contract.js';

// The concurrency rules race across three adapters (pools) on one schema: several nodes sharing a database.
await describePostgres('PostgreSQL adapter', () => {
  runStorageContract('postgres', openTestPostgres, { openNodes: openTestPostgresNodes });
});
