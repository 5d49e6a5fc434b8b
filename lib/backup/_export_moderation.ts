/**
 * The moderation part of an export: the audit log whole, the timeouts still
 * in force, the open reports on exported messages by exported people, and
 * the instance's settings. Bans need nothing here: they are on the user
 * records.
 */
import {
  auditPrefix,
  instanceSettingsKey,
  reportsPrefix,
  timeoutsPrefix,
} from "./_keys.ts";
import { readMany, scan } from "./_kv_read.ts";
import type { BackupRecord } from "./format.ts";

/**
 * Hands each moderation record to `record`; `users` are the exported user
 * ids and `lastSeqs` each exported channel's last exported seq.
 */
export async function exportModeration(
  kv: Deno.Kv,
  users: ReadonlySet<string>,
  lastSeqs: ReadonlyMap<string, number>,
  record: (value: BackupRecord) => Promise<void>,
): Promise<void> {
  for await (const entry of scan<unknown>(kv, { prefix: auditPrefix })) {
    await record({ type: "audit", entry: entry.value } as BackupRecord);
  }
  const nowIso = new Date().toISOString();
  for await (
    const entry of scan<{ until: string }>(kv, { prefix: timeoutsPrefix })
  ) {
    const userId = String(entry.key[1]);
    if (!users.has(userId) || !(entry.value?.until > nowIso)) continue;
    await record(
      { type: "timeout", userId, timeout: entry.value } as BackupRecord,
    );
  }
  for await (
    const entry of scan<{ channelId: string; seq: number; reporterId: string }>(
      kv,
      { prefix: reportsPrefix },
    )
  ) {
    const { channelId, seq, reporterId } = entry.value;
    const lastSeq = lastSeqs.get(channelId);
    // A report newer than the cut (its message or reporter) is left out.
    if (lastSeq === undefined || seq > lastSeq || !users.has(reporterId)) {
      continue;
    }
    await record({ type: "report", report: entry.value } as BackupRecord);
  }
  const [settings] = await readMany(kv, [instanceSettingsKey]);
  if (settings.value !== null) {
    await record(
      { type: "settings", settings: settings.value } as BackupRecord,
    );
  }
}
