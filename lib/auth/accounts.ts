import {
  createUser,
  getUserRecordByName,
  toPublicUser,
  type User,
} from "../db/users.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";
import {
  clientAddressKey,
  loginAttemptKey,
  tooManyRequests,
} from "./rate_limit.ts";
import { revokeToken } from "./revocations.ts";
import type { LoginBody, RegisterBody } from "../shared/requests.ts";
import type { Session } from "./session.ts";
import { signToken } from "./token.ts";

/** A fresh sign-in: the token and who it belongs to. */
export interface SignIn {
  token: string;
  expiresIn: number;
  user: User;
}

/** Creates an account, counting registrations per client address. */
export async function registerAccount(
  services: Services,
  body: RegisterBody,
  clientAddress: string,
): Promise<User> {
  const limit = await services.limits.registrations.hit(
    clientAddressKey(clientAddress),
  );
  if (!limit.ok) throw tooManyRequests(limit.retryAfterSeconds);
  const passwordHash = await services.hasher.hash(body.password);
  return await createUser(services.kv, {
    username: body.username,
    displayName: body.displayName,
    passwordHash,
  });
}

/**
 * Checks a username and password and signs a token. Unknown users and wrong
 * passwords get the same 401 after the same bcrypt work, so neither is revealed.
 */
export async function signIn(
  services: Services,
  body: LoginBody,
  clientAddress: string,
): Promise<SignIn> {
  // Counted before checking, so a parallel burst of guesses cannot slip past
  // the limit while bcrypt runs; a success clears the count again.
  const attemptKey = loginAttemptKey(clientAddress, body.username);
  const limit = await services.limits.loginFailures.hit(attemptKey);
  if (!limit.ok) throw tooManyRequests(limit.retryAfterSeconds);
  const record = await getUserRecordByName(services.kv, body.username);
  const ok = record
    ? await services.hasher.verify(body.password, record.passwordHash)
    : await services.hasher.verifyAgainstDummy(body.password);
  if (!record || !ok) {
    throw new ApiError(
      401,
      "invalid_credentials",
      "Wrong username or password",
    );
  }
  await services.limits.loginFailures.reset(attemptKey);
  const ttl = services.config.tokenTtlSeconds;
  const { token } = await signToken(services.signingKey, record.id, ttl);
  return { token, expiresIn: ttl, user: toPublicUser(record) };
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
  services.hub.announce({ type: "revoked", jti: session.jti });
}
