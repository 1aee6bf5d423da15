import type { Pool, PoolClient } from 'pg';

/** The SQLSTATE of a failed query, if the error came from PostgreSQL. */
export const sqlState = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** The constraint or unique index a PostgreSQL error names, if any. */
export const violatedConstraint = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'constraint' in error && typeof error.constraint === 'string'
    ? error.constraint
    : undefined;

/** Deadlock victim or serialization failure: PostgreSQL rolled us back and asks for a rerun. */
export const isRerunRequest = (error: unknown): boolean => sqlState(error) === '40P01' || sqlState(error) === '40001';

export interface TransactionOptions {
  /** Further errors after which rerunning the whole transaction is safe and expected to succeed. */
  alsoRetryWhen?: (error: unknown) => boolean;
  /** Runs in all, the first included. */
  attempts?: number;
}

/**
 * Runs `work` between BEGIN and COMMIT on one pooled connection. Any error rolls everything back;
 * when PostgreSQL reports a conflict with a concurrent transaction the whole of `work` runs again
 * on a fresh transaction, so `work` must derive everything from what it reads inside it.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(pool, work);
    } catch (error) {
      const retryable = isRerunRequest(error) || options.alsoRetryWhen?.(error) === true;
      if (!retryable || attempt >= attempts) throw error;
      // A little jitter so that the transactions that just collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

async function runOnce<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is in an unknown state: destroy it, never reuse it.
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
