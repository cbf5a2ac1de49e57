import { useCallback, useEffect, useState } from 'react';

/** The open conversation lives in the URL (/c/<id>), so a reload or a shared link opens it again. */
function readConversationId(): string | null {
  const match = /^\/c\/([^/]+)\/?$/.exec(location.pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

export function conversationPath(id: string | null): string {
  return id ? `/c/${encodeURIComponent(id)}` : '/';
}

export function useConversationRoute(): [
  string | null,
  (id: string | null, options?: { replace?: boolean }) => void,
] {
  const [id, setId] = useState<string | null>(readConversationId);

  useEffect(() => {
    const onPop = () => setId(readConversationId());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((next: string | null, options: { replace?: boolean } = {}) => {
    const path = conversationPath(next);
    if (path !== location.pathname) {
      if (options.replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    setId(next);
  }, []);

  return [id, navigate];
}
