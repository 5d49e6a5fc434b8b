/**
 * Use cases of the instance's settings: its name and registration mode,
 * read and changed by admins and above. A mode the operator gave by flag or
 * environment (`--registration`, `HEARTH_REGISTRATION`) is fixed: changing
 * it answers 409 `set_by_operator`.
 */
import {
  changeInstanceSettings,
  getInstanceSettings,
  type InstanceSettings,
} from "../db/settings.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";
import type { RegistrationMode, SettingsView } from "../shared/admin_wire.ts";
import type { Admin } from "./standing.ts";

/** The name an instance has until an admin gives it one. */
export const DEFAULT_INSTANCE_NAME = "Hearth";

/** The settings as they apply now. */
export async function readSettings(
  staff: { services: Services },
): Promise<SettingsView> {
  const { services } = staff;
  return toView(services, await getInstanceSettings(services.kv));
}

/** Changes the name and/or registration mode; 409 `set_by_operator` for a fixed mode. */
export async function changeSettings(
  admin: Admin,
  change: { name?: string; registration?: string },
): Promise<SettingsView> {
  const { services, user } = admin;
  const registration = change.registration as RegistrationMode | undefined;
  if (
    registration !== undefined && services.config.registrationSetByOperator &&
    registration !== services.config.registration
  ) {
    throw new ApiError(
      409,
      "set_by_operator",
      `The registration mode is set to "${services.config.registration}" by the server's operator (--registration or HEARTH_REGISTRATION)`,
    );
  }
  const stored = await changeInstanceSettings(services.kv, user.id, {
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(registration !== undefined && !services.config.registrationSetByOperator
      ? { registration }
      : {}),
  });
  return toView(services, stored);
}

/** Who may sign up now: the operator's mode when given, else the admins' choice, else `invite`. */
export async function registrationMode(
  services: Services,
): Promise<RegistrationMode> {
  if (services.config.registrationSetByOperator) {
    return services.config.registration;
  }
  return (await getInstanceSettings(services.kv)).registration ??
    services.config.registration;
}

/** The instance's name, for page titles. */
export async function instanceName(services: Services): Promise<string> {
  return (await getInstanceSettings(services.kv)).name ?? DEFAULT_INSTANCE_NAME;
}

function toView(services: Services, stored: InstanceSettings): SettingsView {
  const fixed = services.config.registrationSetByOperator === true;
  return {
    name: stored.name ?? DEFAULT_INSTANCE_NAME,
    registration: fixed
      ? services.config.registration
      : stored.registration ?? services.config.registration,
    registrationSetByOperator: fixed,
  };
}
