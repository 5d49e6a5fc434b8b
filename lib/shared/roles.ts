/**
 * The instance roles and their order, browser-safe: the server's capabilities
 * (lib/chat/standing.ts) decide with these, and the browser uses the same
 * rules only to choose which staff controls to offer.
 */

/** The instance roles, lowest first: each may do all the ones before it may. */
export const ROLES = ["member", "moderator", "admin", "owner"] as const;

/**
 * A user's standing on the whole instance: the `owner` (the first account,
 * exactly one), an `admin`, a `moderator` or a `member`.
 */
export type Role = typeof ROLES[number];

/** How far up the roles `role` is: member 0, moderator 1, admin 2, owner 3. */
export function rankOf(role: Role): number {
  return ROLES.indexOf(role);
}

/** Whether someone with role `actor` may act as staff on someone with role `target`: only below them. */
export function roleOutranks(actor: Role, target: Role): boolean {
  return rankOf(actor) > rankOf(target);
}

/**
 * Whether `actor` may give someone who is `target` the role `role`: the owner
 * gives admin, moderator or member to anyone else; an admin gives moderator
 * or member to members and moderators. Nobody changes the owner's role this way.
 */
export function mayAssign(actor: Role, target: Role, role: Role): boolean {
  if (role === "owner" || !roleOutranks(actor, target)) return false;
  return actor === "owner" ||
    (rankOf(actor) >= rankOf("admin") && rankOf(role) < rankOf("admin"));
}

/**
 * Whether a moderator or above with role `actor` may take someone who is
 * `target` out of a channel they do not manage: only people below them. (The
 * channel's owner and admins manage it and may take anyone out.)
 */
export function mayRemoveAsStaff(actor: Role, target: Role): boolean {
  return rankOf(actor) >= rankOf("moderator") && roleOutranks(actor, target);
}
