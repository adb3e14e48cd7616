import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog.js';

type Confirm = (request: ConfirmRequest) => Promise<boolean>;

const ConfirmContext = createContext<Confirm | null>(null);

/**
 * Lets any component ask a question and await the answer: `if (await confirm({...})) …`. One
 * question at a time; a second one while the first is open is answered "no" (the first is
 * what the person is looking at). The focus goes back where it was once it is answered.
 */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<{ request: ConfirmRequest; resolve(ok: boolean): void } | null>(null);
  const busy = useRef(false);
  const confirm = useCallback<Confirm>((request) => {
    if (busy.current) return Promise.resolve(false);
    busy.current = true;
    const returnTo = document.activeElement as HTMLElement | null;
    return new Promise<boolean>((resolve) => {
      setOpen({
        request,
        resolve: (ok) => {
          busy.current = false;
          setOpen(null);
          // Removing the dialog does not restore the focus the way close() does.
          requestAnimationFrame(() => {
            if (returnTo?.isConnected && document.activeElement === document.body) returnTo.focus();
          });
          resolve(ok);
        },
      });
    });
  }, []);
  // Unmounted with a question open (signed out elsewhere): whoever asked gets "no", not a
  // promise that never settles.
  const pending = useRef(open);
  pending.current = open;
  useEffect(() => () => pending.current?.resolve(false), []);
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {open && <ConfirmDialog request={open.request} onAnswer={open.resolve} />}
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Confirm {
  const confirm = useContext(ConfirmContext);
  if (!confirm) throw new Error('useConfirm outside ConfirmProvider');
  return confirm;
}
