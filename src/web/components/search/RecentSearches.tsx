/** The last searches, shown while the field is empty; picking one searches it again. */
export function RecentSearches({
  recent,
  onPick,
}: {
  recent: readonly string[];
  onPick(query: string): void;
}) {
  if (recent.length === 0)
    return (
      <p className="search-hint muted small">
        Words match inside longer words (<code>deploy</code> finds “redeployment”). Use{' '}
        <code>"a phrase"</code>, <code>-word</code> to leave out, <code>in:#room</code>,{' '}
        <code>from:@name</code>, <code>has:link</code>, <code>before:2026-01-31</code>.
      </p>
    );
  return (
    <section className="recent-searches" aria-labelledby="recent-searches-title">
      <h3 id="recent-searches-title" className="muted small">
        Recent searches
      </h3>
      <ul>
        {recent.map((query) => (
          <li key={query}>
            <button type="button" className="pick" onClick={() => onPick(query)}>
              {query}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
