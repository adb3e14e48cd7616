import { formatBytes } from '../../../shared/format.js';
import { Icon } from '../Icon.js';
import { useCompose } from './ComposeContext.js';

/** The files going with the next message: preview, size or error, progress, remove. */
export function UploadTray() {
  const { uploads } = useCompose();
  if (uploads.drafts.length === 0) return null;
  return (
    <ul className="upload-tray" aria-label="Attachments">
      {uploads.drafts.map((draft) => (
        <li key={draft.key} className={`upload ${draft.status}`}>
          {draft.preview ? (
            <img src={draft.preview} alt="" className="upload-preview" />
          ) : (
            <Icon name="file" size={20} />
          )}
          <span className="upload-meta">
            <span className="upload-name">{draft.name}</span>
            {draft.status === 'error' ? (
              <span className="upload-error" role="alert">
                {draft.error}
              </span>
            ) : (
              <span className="muted small">{formatBytes(draft.size)}</span>
            )}
            {draft.status === 'uploading' && (
              <progress max={1} value={draft.progress} aria-label={`Uploading ${draft.name}`} />
            )}
          </span>
          <button
            type="button"
            className="icon-button small"
            aria-label={
              draft.status === 'uploading' ? `Cancel upload of ${draft.name}` : `Remove ${draft.name}`
            }
            onClick={() => uploads.remove(draft.key)}
          >
            <Icon name="x" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
