import type { Suggestions } from './useSuggestions.js';

/** The emoji or people offered for what is at the caret; the keyboard path stays in the box. */
export function SuggestionList({
  id,
  suggestions,
  onAccept,
}: {
  id: string;
  suggestions: Suggestions;
  onAccept(index: number): void;
}) {
  return (
    <div
      className="suggestions"
      id={id}
      role="listbox"
      aria-label={suggestions.kind === 'emoji' ? 'Emoji suggestions' : 'People to mention'}
    >
      {suggestions.items.map((item, i) => (
        <div
          key={'code' in item ? item.code : item.id}
          id={`${id}-${i}`}
          role="option"
          tabIndex={-1}
          aria-selected={i === suggestions.active}
          className={i === suggestions.active ? 'suggestion active' : 'suggestion'}
          onMouseDown={(e) => {
            // Keep focus in the textarea; the keyboard path is Enter/Tab there.
            e.preventDefault();
            onAccept(i);
          }}
        >
          {'code' in item ? (
            <>
              <span className="suggestion-emoji">{item.emoji}</span> :{item.code}:
            </>
          ) : (
            <>
              <span className={item.online ? 'dot online' : 'dot'} aria-hidden="true" /> {item.username}
              {item.guest && <span className="muted small"> guest</span>}
            </>
          )}
        </div>
      ))}
    </div>
  );
}
