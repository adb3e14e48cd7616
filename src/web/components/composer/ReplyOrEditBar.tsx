import { Icon } from '../Icon.js';
import { useCompose } from './ComposeContext.js';

/** Above the box while replying or editing: what to, and a button to stop. */
export function ReplyOrEditBar() {
  const { replyTo, editing, cancel } = useCompose();
  if (!replyTo && !editing) return null;
  return (
    <div className="composer-context">
      <span>
        {editing ? (
          'Editing message'
        ) : (
          <>
            Replying to <strong>{replyTo?.author?.username ?? 'someone'}</strong>:{' '}
            {replyTo?.text.slice(0, 80)}
          </>
        )}
      </span>
      <button
        type="button"
        className="icon-button small"
        aria-label={editing ? 'Cancel editing' : 'Cancel reply'}
        onClick={cancel}
      >
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}
