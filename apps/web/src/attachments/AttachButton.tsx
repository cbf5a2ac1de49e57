import { useRef } from 'react';
import { TestIds } from '../app/test-ids';
import { IconPaperclip } from '../ui/icons';

/** The composer's paperclip: picks one or more files to upload. */
export function AttachButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="attach-button"
        aria-label="Attach files"
        title="Attach files (or drop them here, or paste an image)"
        onClick={() => inputRef.current?.click()}
        data-testid={TestIds.attachButton}
      >
        <IconPaperclip />
      </button>
      <input
        ref={inputRef}
        type="file"
        multiple
        hidden
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = ''; // the same file can be picked again
          if (files.length > 0) onFiles(files);
        }}
        data-testid={TestIds.attachInput}
      />
    </>
  );
}
