/**
 * The instance's settings that admins change through the API (its name and
 * registration mode), one record; each change is audited in its atomic.
 */
import { instanceSettingsKey } from "./_keys.ts";
import { retryAtomic } from "./_kv.ts";
import { stageAudit } from "./audit.ts";
import type { KvRow } from "./rows.ts";
import type { RegistrationMode } from "../shared/admin_wire.ts";

/** The settings as stored; an absent field takes the instance's default. */
export interface InstanceSettings {
  name?: string;
  registration?: RegistrationMode;
}

/** The row of the stored settings, as an import writes it. */
export function settingsRow(settings: InstanceSettings): KvRow {
  return { key: instanceSettingsKey, value: settings };
}

/** The stored settings (empty when never changed). */
export async function getInstanceSettings(
  kv: Deno.Kv,
): Promise<InstanceSettings> {
  return (await kv.get<InstanceSettings>(instanceSettingsKey)).value ?? {};
}

/**
 * Applies `change` as `actorId`: one `settings_change` audit entry per field
 * that changes (target `settings/name` or `settings/registration`, the new
 * value as its reason). Returns the settings as they are now.
 */
export async function changeInstanceSettings(
  kv: Deno.Kv,
  actorId: string,
  change: InstanceSettings,
): Promise<InstanceSettings> {
  return await retryAtomic("the settings", async () => {
    const entry = await kv.get<InstanceSettings>(instanceSettingsKey);
    const before = entry.value ?? {};
    const after = { ...before, ...change };
    const op = kv.atomic().check(entry).set(instanceSettingsKey, after);
    let changed = false;
    for (const field of ["name", "registration"] as const) {
      const value = change[field];
      if (value === undefined || value === before[field]) continue;
      changed = true;
      stageAudit(op, {
        actorId,
        action: "settings_change",
        target: `settings/${field}`,
        reason: `${field} set to "${value}"`,
      });
    }
    return changed ? { op, value: after } : { value: before };
  });
}
