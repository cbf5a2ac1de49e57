import { useCallback, useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import type { Conversation } from '@parley/sdk';

export interface UploadItem {
  key: string;
  name: string;
  loaded: number;
  total: number;
  state: 'uploading' | 'failed';
  error?: string;
}

export interface AttachmentUploads {
  items: readonly UploadItem[];
  dragging: boolean;
  /** Uploads each file and sends it as its own message. */
  start: (files: readonly File[]) => void;
  cancel: (key: string) => void;
  dismiss: (key: string) => void;
  onPaste: (e: ClipboardEvent) => void;
  dropTarget: {
    onDragEnter: (e: DragEvent) => void;
    onDragOver: (e: DragEvent) => void;
    onDragLeave: (e: DragEvent) => void;
    onDrop: (e: DragEvent) => void;
  };
}

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

/**
 * The composer's uploads: from the attach button, a drop or a pasted image. Each file goes through
 * `conversation.sendAttachment` (progress, cancel) and so into the outbox once uploaded.
 */
export function useAttachmentUploads(conversation: Conversation, onSent: () => void): AttachmentUploads {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const controllers = useRef(new Map<string, AbortController>());
  const onSentRef = useRef(onSent);
  onSentRef.current = onSent;

  // Uploads end with the composer (another conversation opened, or the page left).
  useEffect(() => {
    const running = controllers.current;
    return () => {
      for (const c of running.values()) c.abort();
      running.clear();
    };
  }, [conversation]);

  const update = (key: string, patch: Partial<UploadItem>) =>
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  const drop = (key: string) => {
    controllers.current.delete(key);
    setItems((list) => list.filter((item) => item.key !== key));
  };

  const start = useCallback(
    (files: readonly File[]) => {
      for (const file of files) {
        const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const controller = new AbortController();
        controllers.current.set(key, controller);
        setItems((list) => [
          ...list,
          { key, name: file.name || 'pasted image', loaded: 0, total: file.size, state: 'uploading' },
        ]);
        conversation
          .sendAttachment(file, {
            signal: controller.signal,
            onProgress: ({ loaded, total }) => update(key, { loaded, total }),
          })
          .then(
            () => {
              drop(key);
              onSentRef.current();
            },
            (err: unknown) => {
              if (err instanceof DOMException && err.name === 'AbortError') drop(key);
              else {
                controllers.current.delete(key);
                update(key, { state: 'failed', error: err instanceof Error ? err.message : 'upload failed' });
              }
            },
          );
      }
    },
    [conversation],
  );

  const onPaste = useCallback(
    (e: ClipboardEvent) => {
      const images = Array.from(e.clipboardData.files).filter((f) => f.type.startsWith('image/'));
      if (images.length === 0) return; // plain text pastes as usual
      e.preventDefault();
      start(images);
    },
    [start],
  );

  const dropTarget = {
    onDragEnter: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragOver: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (e: DragEvent) => {
      if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
      setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      start(Array.from(e.dataTransfer.files));
    },
  };

  return {
    items,
    dragging,
    start,
    cancel: (key) => controllers.current.get(key)?.abort(),
    dismiss: drop,
    onPaste,
    dropTarget,
  };
}
