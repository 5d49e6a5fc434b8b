/** Whom a name belongs to: anyone may take a display name, only one person a username. */
export interface Person {
  displayName: string;
  username: string;
}

/**
 * A person's display name followed by their unique `@username` (when the two
 * differ), so that someone who borrows "Alice" as a display name cannot pass
 * for her in a quote, a reply or a search result.
 */
export function PersonName({ person }: { person: Person }) {
  return (
    <>
      {person.displayName}
      {person.displayName !== person.username && (
        <>
          {" "}
          <span class="msg-handle">@{person.username}</span>
        </>
      )}
    </>
  );
}
