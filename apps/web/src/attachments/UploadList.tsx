import { TestIds } from '../app/test-ids';
import { formatBytes } from '../ui/format';
import { IconAlert, IconX } from '../ui/icons';
import type { AttachmentUploads } from './use-attachment-uploads';

/** One row per upload in progress (a bar and Cancel) or refused (the reason and Dismiss). */
export function UploadList({ uploads }: { uploads: AttachmentUploads }) {
  if (uploads.items.length === 0) return null;
  return (
    <ul className="upload-list" aria-label="Uploads">
      {uploads.items.map((item) => {
        const percent = item.total > 0 ? Math.min(100, Math.round((item.loaded / item.total) * 100)) : 0;
        return (
          <li
            key={item.key}
            className={`upload-item ${item.state}`}
            data-testid={TestIds.uploadItem}
            data-state={item.state}
          >
            <span className="upload-name">{item.name}</span>
            {item.state === 'uploading' ? (
              <>
                <progress
                  className="upload-progress"
                  max={100}
                  value={percent}
                  aria-label={`Uploading ${item.name}`}
                  data-testid={TestIds.uploadProgress}
                />
                <span className="upload-meta muted small">
                  {formatBytes(item.loaded)} / {formatBytes(item.total)}
                </span>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Cancel upload of ${item.name}`}
                  onClick={() => uploads.cancel(item.key)}
                  data-testid={TestIds.uploadCancel}
                >
                  <IconX size={16} />
                </button>
              </>
            ) : (
              <>
                <span className="upload-error" role="alert" data-testid={TestIds.uploadError}>
                  <IconAlert size={14} /> {item.error}
                </span>
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Dismiss"
                  onClick={() => uploads.dismiss(item.key)}
                >
                  <IconX size={16} />
                </button>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
