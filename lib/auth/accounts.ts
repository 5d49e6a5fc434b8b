import {
  createUser,
  getUserRecord,
  getUserRecordByName,
  isFirstAccount,
  toPublicUser,
  updateUserRecord,
  type User,
} from "../db/users.ts";
import { getUserChannelRecords } from "../db/channels.ts";
import { forgetSession, listSessions, recordSession } from "../db/sessions.ts";
import { ApiError } from "../errors.ts";
import { readUsableInvite } from "../db/invites.ts";
import { announceJoin } from "../chat/membership.ts";
import { HasherBusyError } from "./password.ts";
import type { Services } from "../services.ts";
import {
  clientAddressKey,
  loginAttemptKey,
  tooManyRequests,
} from "./rate_limit.ts";
import { registrationRefusal } from "./registration.ts";
import { registrationMode } from "../chat/settings.ts";
import { revokeToken } from "./revocations.ts";
import type {
  LoginBody,
  PasswordChangeBody,
  RegisterBody,
} from "../shared/requests.ts";
import type { Session } from "./session.ts";
import { signToken } from "./token.ts";

/** A fresh sign-in: the token and who it belongs to. */
export interface SignIn {
  token: string;
  expiresIn: number;
  user: User;
  /** The password was set by `hearth reset-password` and must be changed now. */
  mustChangePassword: boolean;
}

// A full hashing queue drains in a few seconds; asking again sooner is futile.
const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * Runs password work, turning a full hashing queue into 503 `busy` with
 * `Retry-After`, so a flood is shed at once instead of delaying every sign-in.
 */
async function hashing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof HasherBusyError)) throw error;
    throw new ApiError(
      503,
      "busy",
      "Too many sign-ins at once, try again shortly",
      { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS) },
    );
  }
}

/**
 * Creates an account if the registration mode lets this person in, counting
 * registrations per client address. Refusals come before the username is
 * looked at (and before any hashing), so none tells whether a name is taken.
 */
export async function registerAccount(
  services: Services,
  body: RegisterBody,
  clientAddress: string,
): Promise<User> {
  const limit = await services.limits.registrations.hit(
    clientAddressKey(clientAddress),
  );
  if (!limit.ok) throw tooManyRequests(limit.retryAfterSeconds);
  const refuse = registrationRefusal(
    await registrationMode(services),
    body.invite,
  );
  // Quick answers that spend no bcrypt work; createUser judges them again
  // inside its atomic, where a racing first sign-up or use cannot slip through.
  const first = await isFirstAccount(services.kv);
  if (refuse && !first) throw refuse;
  // An unknown or used-up invite is refused before any bcrypt work.
  if (body.invite !== undefined && !first) {
    await readUsableInvite(services.kv, body.invite);
  }
  const passwordHash = await hashing(() => services.hasher.hash(body.password));
  const user = await createUser(services.kv, {
    username: body.username,
    displayName: body.displayName,
    passwordHash,
  }, { refuse, invite: body.invite });
  // `general` (and an invite's channel) hear of the newcomer, so their
  // member counts and lists stay right.
  for (const channel of await getUserChannelRecords(services.kv, user.id)) {
    announceJoin(services, channel, user);
  }
  return user;
}

/**
 * Checks a username and password and signs a token. Unknown users and wrong
 * passwords get the same 401 after the same bcrypt work, so neither is revealed.
 * Attempts are counted per (address, username) and per address before any
 * hashing; one shed with 503 because the hashers are busy still counts.
 */
export async function signIn(
  services: Services,
  body: LoginBody,
  clientAddress: string,
): Promise<SignIn> {
  // Counted before checking, so a parallel burst of guesses cannot slip past
  // the limit while bcrypt runs; a success clears the count again.
  // The pair is counted first: a username already refused then costs the
  // address nothing, so guessing at one account cannot lock out the others.
  const attemptKey = loginAttemptKey(clientAddress, body.username);
  const limit = await services.limits.loginFailures.hit(attemptKey);
  if (!limit.ok) throw tooManyRequests(limit.retryAfterSeconds);
  const addressKey = clientAddressKey(clientAddress);
  const byAddress = await services.limits.loginFailuresByAddress.hit(
    addressKey,
  );
  if (!byAddress.ok) throw tooManyRequests(byAddress.retryAfterSeconds);
  const record = await getUserRecordByName(services.kv, body.username);
  // Bots are public accounts with a badge, so saying so reveals nothing.
  if (record?.bot) throw botHasNoPassword();
  const ok = await hashing(() =>
    record
      ? services.hasher.verify(body.password, record.passwordHash)
      : services.hasher.verifyAgainstDummy(body.password)
  );
  if (!record || !ok) {
    throw new ApiError(
      401,
      "invalid_credentials",
      "Wrong username or password",
    );
  }
  if (record.ban) {
    throw new ApiError(403, "banned", "This account has been banned");
  }
  // The pair's count is cleared, but the address gets back only this
  // attempt's hit, so one good account cannot wipe failures at others.
  await services.limits.loginFailures.reset(attemptKey);
  await services.limits.loginFailuresByAddress.refund(addressKey);
  const ttl = services.config.tokenTtlSeconds;
  const { token, jti, exp } = await signToken(
    services.signingKey,
    record.id,
    ttl,
  );
  await recordSession(services.kv, record.id, jti, exp);
  return {
    token,
    expiresIn: ttl,
    user: toPublicUser(record),
    mustChangePassword: record.mustChangePassword === true,
  };
}

/**
 * Revokes the session's token for the rest of its life, and closes the
 * sockets opened with it on every instance (the hub relays the news).
 */
export async function signOut(
  services: Services,
  session: Session,
): Promise<void> {
  await revokeToken(services.kv, session.jti, session.exp);
  await forgetSession(services.kv, session.user.id, session.jti);
  services.hub.announce({ type: "revoked", jti: session.jti });
}

/**
 * Ends every session of `userId` but the one with `keepJti`: each token is
 * revoked and, given the hub, its sockets close on every instance, as at
 * sign-out (the command line has no hub: sockets then last until they
 * reconnect, which the revoked token refuses).
 */
export async function endSessions(
  services: { kv: Deno.Kv; hub?: Pick<Services["hub"], "announce"> },
  userId: string,
  keepJti?: string,
): Promise<number> {
  let ended = 0;
  for (const { jti, exp } of await listSessions(services.kv, userId)) {
    if (jti === keepJti) continue;
    await revokeToken(services.kv, jti, exp);
    await forgetSession(services.kv, userId, jti);
    services.hub?.announce({ type: "revoked", jti });
    ended++;
  }
  return ended;
}

/** "Sign out everywhere else": ends every session of mine but this one. */
export async function endOtherSessions(
  services: Services,
  session: Session,
): Promise<void> {
  await endSessions(services, session.user.id, session.jti);
}

/**
 * Changes the signed-in user's password after checking the current one
 * (403 `wrong_password`), clears a temporary password's flag, and ends every
 * other session of theirs.
 */
export async function changePassword(
  services: Services,
  session: Session,
  body: PasswordChangeBody,
): Promise<void> {
  const record = await getUserRecord(services.kv, session.user.id);
  if (record?.bot) throw botHasNoPassword();
  const ok = record !== null &&
    await hashing(() =>
      services.hasher.verify(body.currentPassword, record.passwordHash)
    );
  if (!ok) {
    throw new ApiError(
      403,
      "wrong_password",
      "The current password is not right",
    );
  }
  const passwordHash = await hashing(() =>
    services.hasher.hash(body.newPassword)
  );
  await updateUserRecord(services.kv, session.user.id, (stored) => {
    const { mustChangePassword: _, ...rest } = stored;
    return { ...rest, passwordHash };
  });
  await endSessions(services, session.user.id, session.jti);
}

function botHasNoPassword(): ApiError {
  return new ApiError(
    403,
    "bot_account",
    "Bots have no password: they use their API token (Authorization: Bot <token>)",
  );
}
