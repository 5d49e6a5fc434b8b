import type { Member } from "../lib/client/types.ts";
import { Avatar } from "./Avatar.tsx";
import { Icon } from "./Icon.tsx";

/** Who is in the channel, online first, with the way to bring more people in. */
export function MemberList(
  { members, onClose, onInvite }: {
    members: Member[];
    onClose(): void;
    /** Opens the "Invite people" dialog. */
    onInvite(): void;
  },
) {
  const online = members.filter((m) => m.online);
  const offline = members.filter((m) => !m.online);
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
      <div class="members-invite">
        <button type="button" class="button secondary" onClick={onInvite}>
          Invite people
        </button>
      </div>
      <MemberGroup title="Online" members={online} />
      <MemberGroup title="Offline" members={offline} />
    </aside>
  );
}

function MemberGroup(
  { title, members }: { title: string; members: Member[] },
) {
  if (members.length === 0) return null;
  return (
    <section class="member-group" aria-label={title}>
      <h3>
        {title} <span class="muted">{members.length}</span>
      </h3>
      <ul>
        {members.map((member) => (
          <li
            key={member.id}
            class={member.online ? "member online" : "member"}
          >
            <Avatar
              id={member.id}
              name={member.displayName}
              size="sm"
              online={member.online}
            />
            <span class="member-name">
              {member.displayName}
              {member.displayName !== member.username && (
                <>
                  {" "}
                  <span class="member-handle">@{member.username}</span>
                </>
              )}
            </span>
            <span class="sr-only">{member.online ? "online" : "offline"}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
