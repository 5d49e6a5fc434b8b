import { ApiError } from "../errors.ts";
import { mediaType, parseJsonText, readText } from "../http/body.ts";
import { type LoginBody, loginBody } from "../shared/requests.ts";
import { validate } from "../validation.ts";

/** Reads a login as JSON or as the OAuth2 password form the predecessor's clients send. */
export async function readLoginBody(req: Request): Promise<LoginBody> {
  const type = mediaType(req);
  if (type === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(await readText(req));
    const grant = form.get("grant_type");
    if (grant !== null && grant !== "password") {
      throw new ApiError(
        400,
        "unsupported_grant_type",
        'Only grant_type "password" is supported',
      );
    }
    // A missing field is undefined, as in JSON, so the 422 says "required".
    return validate({
      username: form.get("username") ?? undefined,
      password: form.get("password") ?? undefined,
    }, loginBody);
  }
  if (type === "application/json" || type.endsWith("+json")) {
    return parseJsonText(await readText(req), loginBody);
  }
  throw new ApiError(
    415,
    "unsupported_media_type",
    "Send the login as application/json or application/x-www-form-urlencoded",
  );
}
