/** The search field at the top of an admin list, and the list's one-line status under it. */
export function AdminSearch({
  id,
  label,
  query,
  onQuery,
  status,
}: {
  id: string;
  label: string;
  query: string;
  onQuery(query: string): void;
  status: string | null;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={query}
        placeholder="Name"
        onChange={(e) => onQuery(e.target.value)}
      />
      {status && (
        <p role="status" className="admin-status">
          {status}
        </p>
      )}
    </>
  );
}
