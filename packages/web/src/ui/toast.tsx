import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';

type Show = (text: string) => void;
const ToastContext = createContext<Show>(() => {});

/** Failures of user actions (revoke too late, note too long, ...) surface here instead of vanishing. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Array<{ id: number; text: string }>>([]);
  const show = useCallback<Show>((text) => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 5000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <p key={t.id} className="toast">
            {t.text}
          </p>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = (): Show => useContext(ToastContext);

/** Runs an action and reports its failure as a toast. */
export function useAction() {
  const toast = useToast();
  return useCallback(
    async (what: string, action: () => Promise<unknown>): Promise<boolean> => {
      try {
        await action();
        return true;
      } catch (err) {
        toast(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    },
    [toast],
  );
}
