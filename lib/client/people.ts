/**
 * People as the chat page knows them: a message author or a DM's person is
 * filled in from the open channel's member list (avatar, role, status,
 * presence) when they are in it, and the staff controls a viewer may be
 * offered for someone, by the shared role rules. The server decides every
 * action; these only choose what to show.
 */
import {
  mayAssign,
  mayRemoveAsStaff,
  type Role,
  roleOutranks,
  ROLES,
} from "../shared/roles.ts";
import type { Member } from "./types.ts";

/** Someone a profile card can show: names always, the rest when known. */
export interface Person {
  id: string;
  username: string;
  displayName: string;
  /** Null or absent without one. */
  avatarUrl?: string | null;
  /** Absent for a member, or when not known (not in this channel). */
  role?: Role;
  status?: string;
  /** Absent when not known (not in this channel). */
  online?: boolean;
}

/** The members by id, for looking many people up at once. */
export function membersById(members: Member[]): Map<string, Member> {
  return new Map(members.map((member) => [member.id, member]));
}

/** `ref` completed from the members when they are in the channel; `ref` as it is otherwise. */
export function personOf(byId: Map<string, Member>, ref: Person): Person {
  return byId.get(ref.id) ?? ref;
}

/** `members` with `userId`'s role set (`undefined` for member, as frames send it). */
export function withRole(
  members: Member[],
  userId: string,
  role: Person["role"],
): Member[] {
  return members.map((member) => {
    if (member.id !== userId) return member;
    const { role: _old, ...rest } = member;
    return role && role !== "member" ? { ...rest, role } : rest;
  });
}

/** The role a person has: absent means member. */
export function roleOfPerson(person: Person): Role {
  return person.role ?? "member";
}

/** What a viewer may be offered to do to someone as staff. */
export interface StaffOffer {
  /** Time out and lift a timeout: moderators and above, on lower ranks. */
  timeOut: boolean;
  /** Ban: admins and above, on lower ranks. */
  ban: boolean;
  /** The roles the viewer may give them, without the one they have. */
  roles: Role[];
}

/** The staff controls `viewer` may be offered for someone of role `target`. */
export function staffOffer(viewer: Role, target: Role): StaffOffer {
  // Outranking anyone makes the viewer a moderator at least.
  const below = roleOutranks(viewer, target);
  return {
    timeOut: below,
    ban: below && roleOutranks(viewer, "moderator"),
    roles: ROLES.filter((role) =>
      role !== target && mayAssign(viewer, target, role)
    ),
  };
}

/**
 * Whether to offer taking `personId` out of `channel`: its managers may take
 * anyone out, a moderator and above someone of a lower rank who is not the
 * channel's owner; never out of a DM. The server decides (`ChannelRemover`).
 */
export function mayRemoveFrom(
  channel: { kind: string; ownerId: string },
  personId: string,
  people: Map<string, Member>,
  manages: boolean,
  viewer: Role,
): boolean {
  if (channel.kind === "dm") return false;
  if (manages) return true;
  const person = people.get(personId);
  return person !== undefined && personId !== channel.ownerId &&
    mayRemoveAsStaff(viewer, person.role ?? "member");
}

/** Whether the offer holds anything at all. */
export function offersAnything(offer: StaffOffer): boolean {
  return offer.timeOut || offer.ban || offer.roles.length > 0;
}

/** How a role reads on a badge; a member has none. */
export function roleLabel(role: Role): string {
  return role === "member" ? "" : role[0].toUpperCase() + role.slice(1);
}
