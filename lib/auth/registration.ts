/**
 * Who may create an account, by the instance's registration mode: the rule
 * in one place. The very first account is never refused (the data layer
 * knows which one that is); everyone after it is judged here.
 */
import type { RegistrationMode } from "../config.ts";
import { ApiError } from "../errors.ts";

/**
 * The refusal for a sign-up after the first in `mode`, or undefined when it
 * may go on: `closed` refuses everyone (403 `registration_closed`), `invite`
 * everyone without an invite code (403 `invite_required`); whether a given
 * code is any good is the invite's own check.
 */
export function registrationRefusal(
  mode: RegistrationMode,
  invite: string | undefined,
): ApiError | undefined {
  if (mode === "closed") {
    return new ApiError(
      403,
      "registration_closed",
      "This Hearth is not taking new accounts",
    );
  }
  if (mode === "invite" && invite === undefined) {
    return new ApiError(
      403,
      "invite_required",
      "This Hearth takes new accounts by invite only: open the invite link you were sent",
    );
  }
  return undefined;
}
