import { ParleyClientError } from '../errors.js';
import { failureOf, type NIMResult, succeeded } from './result.js';

/** Android's `RequestCallback<T>`. */
export interface RequestCallback<T> {
  onSuccess(param: T): void;
  onFailed(code: number): void;
  onException?(exception: unknown): void;
}

/**
 * What every NIM call answers: a promise of Flutter's `NIMResult` (never rejected), which is also
 * Android's `InvocationFuture`, so `service.queryMySession(id).setCallback({onSuccess, onFailed})`
 * reads as it does in Java.
 */
export type InvocationFuture<T> = Promise<NIMResult<T>> & { setCallback(callback: RequestCallback<T>): void };

export function invocation<T>(run: () => Promise<T>): InvocationFuture<T> {
  let exception: unknown;
  const answer = (async () => {
    try {
      return succeeded(await run());
    } catch (err) {
      // A Parley error is an answer (onFailed); anything else is a bug (onException).
      if (!(err instanceof ParleyClientError)) exception = err;
      return failureOf<T>(err);
    }
  })();
  return Object.assign(answer, {
    setCallback(callback: RequestCallback<T>): void {
      void answer.then((r) => {
        if (r.isSuccess) callback.onSuccess(r.data as T);
        else if (exception !== undefined && callback.onException) callback.onException(exception);
        else callback.onFailed(r.code);
      });
    },
  });
}
