import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { TestIds } from '../app/test-ids';
import { IconAlert, IconCheck, IconX } from './icons';

export type ToastKind = 'error' | 'info' | 'success';
interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

type Push = (text: string, kind?: ToastKind) => void;
const ToastContext = createContext<Push>(() => undefined);

/** Short notices in the corner (errors of background actions such as removing a message). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const push = useCallback<Push>(
    (text, kind = 'error') => {
      const id = nextId.current++;
      setToasts((list) => [...list.filter((t) => t.text !== text), { id, kind, text }].slice(-4));
      setTimeout(() => dismiss(id), kind === 'error' ? 7000 : 4000);
    },
    [dismiss],
  );

  const value = useMemo(() => push, [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
        {toasts.map((t) => (
          <div
            key={t.id}
            className={`toast toast-${t.kind}`}
            role={t.kind === 'error' ? 'alert' : 'status'}
            data-testid={TestIds.toast}
          >
            {t.kind === 'error' ? <IconAlert /> : <IconCheck />}
            <span>{t.text}</span>
            <button
              type="button"
              className="icon-button icon-button-sm"
              aria-label="Dismiss"
              onClick={() => dismiss(t.id)}
            >
              <IconX size={14} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Push {
  return useContext(ToastContext);
}
