import { useEffect, useRef } from "preact/hooks";
import type { Member } from "../lib/client/types.ts";
import { Icon } from "./Icon.tsx";
import { PersonAvatar, PersonName } from "./PersonTrigger.tsx";

/**
 * Who is in the channel, online first, each section with its count, with the
 * ways to bring more people in (or take them out). Only some members are
 * loaded; more load as the list scrolls to its end.
 */
export function MemberList(
  {
    members,
    memberCount,
    onlineCount,
    onMore,
    onClose,
    onInvite,
    onAdd,
    onRemove,
    onMessage,
    meId,
  }: {
    /** The members loaded so far. */
    members: Member[];
    memberCount: number;
    onlineCount: number;
    /** Loads the next page of members. */
    onMore(): void;
    onClose(): void;
    /** Opens the "Invite people" dialog; a DM has none. */
    onInvite?: () => void;
    /** Opens a direct message with someone. */
    onMessage?: (member: Member) => void;
    /** Opens "Add people"; only the owner of a private channel gets it. */
    onAdd?: () => void;
    /** Takes someone out; only the channel's managers get it. */
    onRemove?: (member: Member) => void;
    /** The viewer, who is never offered to remove themself. */
    meId: string;
  },
) {
  const online = members.filter((m) => m.online);
  const offline = members.filter((m) => !m.online);
  const end = useRef<HTMLDivElement>(null);
  const more = members.length < memberCount;
  // A fresh observer per list length reports at once whether the end is in
  // view, so a short page that leaves it visible loads the next one too.
  useEffect(() => {
    if (!more || !end.current) return;
    const seen = new IntersectionObserver((e) =>
      e[0].isIntersecting && onMore()
    );
    seen.observe(end.current);
    return () => seen.disconnect();
  }, [members.length, more]);
  return (
    <aside id="members" class="members" aria-labelledby="members-title">
      <div class="members-head">
        <h2 id="members-title">Members</h2>
        <button
          type="button"
          class="icon-button members-close"
          onClick={onClose}
          aria-label="Hide members"
        >
          <Icon name="x" />
        </button>
      </div>
      {(onAdd || onInvite) && (
        <div class="members-invite">
          {onAdd && (
            <button type="button" class="button secondary" onClick={onAdd}>
              Add people
            </button>
          )}
          {onInvite && (
            <button type="button" class="button secondary" onClick={onInvite}>
              Invite people
            </button>
          )}
        </div>
      )}
      <MemberGroup
        title="Online"
        count={onlineCount}
        members={online}
        onRemove={onRemove}
        onMessage={onMessage}
        meId={meId}
      />
      <MemberGroup
        title="Offline"
        count={Math.max(0, memberCount - onlineCount)}
        members={offline}
        onRemove={onRemove}
        onMessage={onMessage}
        meId={meId}
      />
      {more && <div ref={end} class="members-end" aria-hidden="true" />}
    </aside>
  );
}

function MemberGroup(
  { title, count, members, onRemove, onMessage, meId }: {
    title: string;
    /** All of the section's members, loaded or not. */
    count: number;
    members: Member[];
    onRemove?: (member: Member) => void;
    onMessage?: (member: Member) => void;
    meId: string;
  },
) {
  if (count === 0 && members.length === 0) return null;
  return (
    <section class="member-group" aria-label={title}>
      <h3>
        {title} — <span class="muted">{count}</span>
      </h3>
      <ul>
        {members.map((member) => (
          <li
            key={member.id}
            class={member.online ? "member online" : "member"}
          >
            <PersonAvatar person={member} size="sm" online={member.online} />
            <span class="member-name">
              <PersonName person={member} />
              {member.displayName !== member.username && (
                <>
                  {" "}
                  <span class="member-handle">@{member.username}</span>
                </>
              )}
            </span>
            {member.bot && <span class="msg-badge">BOT</span>}
            <span class="sr-only">{member.online ? "online" : "offline"}</span>
            {member.id !== meId && (onMessage || onRemove) && (
              // Over the end of the row where a pointer can hover (shown on
              // hover or keyboard focus), so names keep the row's width.
              <span class="member-actions">
                {onMessage && (
                  <button
                    type="button"
                    class="icon-button member-message"
                    onClick={() => onMessage(member)}
                    aria-label={`Message ${member.displayName}`}
                    title="Send a direct message"
                  >
                    <Icon name="chat" size={16} />
                  </button>
                )}
                {onRemove && (
                  <button
                    type="button"
                    class="icon-button member-remove"
                    onClick={() => onRemove(member)}
                    aria-label={`Remove ${member.displayName} from the channel`}
                    title="Remove from the channel"
                  >
                    <Icon name="x" size={16} />
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
