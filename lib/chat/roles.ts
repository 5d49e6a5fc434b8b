/** Use cases of instance roles: giving someone a role, handing the ownership on, listing people. */
import { changeRole, listUsers, transferOwnership } from "../db/roles.ts";
import type { Role, User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { announceUserChange } from "./member_faces.ts";
import {
  type Admin,
  InstanceOwner,
  mayAssignRole,
  type Moderator,
} from "./standing.ts";

/**
 * Gives `targetId` the role `role`, by the rule of {@linkcode mayAssignRole}
 * (403 `forbidden_role` otherwise). `owner` hands the ownership on: only the
 * owner may, and becomes an admin in the same atomic. Every instance is told
 * (`user`), so a standing kept in memory never judges by the old role.
 */
export async function assignRole(
  admin: Admin,
  targetId: string,
  role: Role,
): Promise<User> {
  const { services, user } = admin;
  if (role === "owner") {
    InstanceOwner.check(services, user);
    if (targetId === user.id) throw forbidden("You are the owner already");
    const owner = await transferOwnership(services.kv, user.id, targetId);
    announceUserChange(services, user.id);
    announceUserChange(services, targetId);
    return owner;
  }
  const changed = await changeRole(services.kv, user.id, targetId, role, (
    target,
  ) => {
    if (!mayAssignRole(user, target, role)) {
      throw forbidden(
        target.role === "owner"
          ? "Nobody changes the owner's role; the owner hands the ownership on"
          : `You cannot make a ${target.role} a ${role}`,
      );
    }
  });
  announceUserChange(services, targetId);
  return changed;
}

/** Up to `limit` people whose username starts with `q` (everyone, for ""), by username. */
export function listPeople(
  moderator: Moderator,
  q: string,
  limit: number,
): Promise<User[]> {
  return listUsers(moderator.services.kv, q, limit);
}

function forbidden(detail: string): ApiError {
  return new ApiError(403, "forbidden_role", detail);
}
