import { runStorageContract } from '../../../ports/storage/storage.contract.js';
import { openSqlite } from './index.js';

runStorageContract('sqlite', async () => openSqlite({ file: ':memory:' }));
