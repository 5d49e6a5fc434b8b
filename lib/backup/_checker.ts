/**
 * The rules a sequence of backup records must follow beyond each line's own
 * shape: references point at records that came earlier, names and ids are
 * unique, each channel's messages run 1, 2, 3 … up to its counter, a file's
 * chunks come in order right before its metadata (or the note that it was
 * deleted while it was being exported) and hash to its sha256 (those rules
 * live in `_file_runs.ts`; those of settings, avatars and push records in
 * `_extras_checker.ts`), and the trailer agrees with what came before it. Export runs every record it
 * writes through these rules and import every record it reads, so a backup
 * that was written can always be read back.
 */
import { KEY_BYTES } from "../auth/secret.ts";
import { ExtrasChecker, type Known } from "./_extras_checker.ts";
import { IntegrationsChecker } from "./_integrations_checker.ts";
import { FileRuns } from "./_file_runs.ts";
import { comparableName } from "../shared/text.ts";
import {
  type BackupCounts,
  BackupError,
  type BackupRecord,
  emptyCounts,
  type RecordOf,
} from "./format.ts";

/** What the checker knows about a channel once its line has been read. */
export interface ChannelTally {
  /** The seq counter the backup gives the channel. */
  lastSeq: number;
  /** Messages seen so far; they must reach `lastSeq`. */
  messages: number;
  /** Membership rows seen: the channel's member count. */
  members: number;
  /** The change counter to restore: the channel's own, or a message's if higher. */
  rev: number;
}

/** Checks records one by one; `finish` checks the whole. */
export class BackupChecker {
  readonly counts: BackupCounts = emptyCounts();
  /** Channels by id, with what their lines and rows added up to. */
  readonly channels = new Map<string, ChannelTally>();
  #users = new Set<string>();
  #userNames = new Set<string>();
  #channelNames = new Set<string>();
  #members = new Set<string>();
  #invites = new Set<string>();
  #links = new Set<string>();
  #audits = new Set<string>();
  #reports = new Set<string>();
  #timedOut = new Set<string>();
  #extras = new ExtrasChecker();
  #integrations = new IntegrationsChecker();
  #files = new FileRuns();

  /** The chunks read so far of the file whose run is open, or 0. */
  get openChunks(): number {
    return this.#files.openChunks;
  }

  /**
   * Checks `record` (line `line`) against what came before. `bytes` are a
   * chunk's or the signing key's decoded data.
   */
  accept(record: BackupRecord, line: number, bytes?: Uint8Array): void {
    const fail = (message: string): never => {
      throw new BackupError(message, line);
    };
    this.#files.requireNext(record, fail);
    switch (record.type) {
      case "signing_key":
        if (this.counts.signingKeys > 0) fail("a second signing key");
        if (bytes === undefined || bytes.length < KEY_BYTES) {
          fail(`the signing key must be at least ${KEY_BYTES} bytes`);
        }
        this.counts.signingKeys++;
        return;
      case "user": {
        const { id, username } = record.user;
        if (this.#users.has(id)) fail(`user id "${id}" appears twice`);
        const name = username.toLowerCase();
        if (this.#userNames.has(name)) {
          fail(`username "${username}" appears twice`);
        }
        this.#users.add(id);
        this.#userNames.add(name);
        this.#extras.user(record.user);
        this.#integrations.user(record.user);
        this.counts.users++;
        return;
      }
      case "channel": {
        const { id, name, ownerId } = record.channel;
        if (this.channels.has(id)) fail(`channel id "${id}" appears twice`);
        const lower = comparableName(name);
        if (this.#channelNames.has(lower)) {
          fail(`channel name "${name}" appears twice`);
        }
        this.#requireUser(ownerId, fail);
        this.channels.set(id, {
          lastSeq: record.lastSeq,
          messages: 0,
          members: 0,
          // Backups from before revs: each message was one change.
          rev: record.rev ?? record.lastSeq,
        });
        this.#channelNames.add(lower);
        this.counts.channels++;
        return;
      }
      case "member": {
        const channel = this.#requireChannel(record.channelId, fail);
        this.#requireUser(record.userId, fail);
        const pair = `${record.channelId}\n${record.userId}`;
        if (this.#members.has(pair)) {
          fail(
            `user "${record.userId}" is a member of channel "${record.channelId}" twice`,
          );
        }
        this.#members.add(pair);
        channel.members++;
        this.counts.members++;
        return;
      }
      case "read_marker": {
        const channel = this.#requireChannel(record.channelId, fail);
        this.#requireUser(record.userId, fail);
        if (record.seq > channel.lastSeq) {
          fail(
            `read marker ${record.seq} is past the channel's last seq ${channel.lastSeq}`,
          );
        }
        this.counts.readMarkers++;
        return;
      }
      case "message":
        return this.#message(record, line, fail);
      case "client_id": {
        const channel = this.#requireChannel(record.channelId, fail);
        this.#requireUser(record.authorId, fail);
        if (record.seq > channel.messages) {
          fail(`clientId points at message ${record.seq}, which came before`);
        }
        this.counts.clientIds++;
        return;
      }
      case "chunk":
        this.#files.chunk(record, bytes, fail);
        this.counts.chunks++;
        return;
      case "file": {
        this.#files.file(record.file, fail);
        this.#requireChannel(record.file.channelId, fail);
        this.#requireUser(record.file.uploaderId, fail);
        // An image's thumbnail is a file of its own, carried like any other.
        const thumbnail = (record.file as { thumbnail?: { id?: unknown } })
          .thumbnail;
        if (typeof thumbnail?.id === "string") {
          this.#files.reference(thumbnail.id, line);
        }
        this.counts.files++;
        return;
      }
      case "file_dropped":
        this.#files.dropped(record.fileId, fail);
        this.counts.droppedFiles++;
        return;
      case "invite": {
        const { code, channelId, createdBy } = record.invite;
        if (this.#invites.has(code)) fail(`invite "${code}" appears twice`);
        this.#requireUser(createdBy, fail);
        if (channelId !== null) this.#requireChannel(channelId, fail);
        this.#invites.add(code);
        this.counts.invites++;
        return;
      }
      case "friendship":
      case "block": {
        const [a, b] = record.type === "block"
          ? [record.blockerId, record.blockedId]
          : [record.userId, record.otherId];
        this.#requireUser(a, fail);
        this.#requireUser(b, fail);
        if (a === b) fail(`a ${record.type} of "${a}" with themself`);
        // One friendship per pair either way; one block per blocker and blocked.
        const key = record.type === "block"
          ? `block ${a} ${b}`
          : `friendship ${[a, b].sort().join(" ")}`;
        if (this.#links.has(key)) fail(`${key} appears twice`);
        this.#links.add(key);
        if (record.type === "block") this.counts.blocks++;
        else this.counts.friendships++;
        return;
      }
      case "revoked_token":
        this.counts.revokedTokens++;
        return;
      case "audit": {
        // Entries outlive what they name: only their ids must be unique.
        const { id } = record.entry;
        if (this.#audits.has(id)) fail(`audit entry "${id}" appears twice`);
        this.#audits.add(id);
        this.counts.audits++;
        return;
      }
      case "timeout":
        this.#requireUser(record.userId, fail);
        if (this.#timedOut.has(record.userId)) {
          fail(`user "${record.userId}" is timed out twice`);
        }
        this.#timedOut.add(record.userId);
        this.counts.timeouts++;
        return;
      case "report": {
        const { id, channelId, seq, reporterId } = record.report;
        if (this.#reports.has(id)) fail(`report "${id}" appears twice`);
        const open = `${channelId}\n${seq}\n${reporterId}`;
        if (this.#reports.has(open)) {
          fail(`user "${reporterId}" reports message ${seq} twice`);
        }
        this.#requireUser(reporterId, fail);
        const channel = this.#requireChannel(channelId, fail);
        if (seq > channel.lastSeq) {
          fail(`report on message ${seq}, past the channel's last seq`);
        }
        this.#reports.add(id).add(open);
        this.counts.reports++;
        return;
      }
      case "settings":
        if (this.counts.settings > 0) fail("a second settings record");
        this.counts.settings++;
        return;
      case "notification_setting":
      case "avatar_part":
      case "push_keys":
      case "push_subscription":
        this.#extras.accept(record, this.counts, this.#known(fail));
        return;
      case "bot":
      case "webhook":
        this.#integrations.accept(record, this.counts, this.#known(fail));
        return;
      case "trailer":
        fail("the trailer must be the last line");
    }
  }

  /**
   * Checks the whole once every record is in: the trailer (its absence means
   * the file was cut short), then what no single line could show.
   */
  finish(
    trailer: RecordOf<"trailer"> | null,
    lines: number,
    sha256: string,
  ): void {
    if (trailer === null) {
      throw new BackupError(
        `the backup is incomplete: it ends after line ${lines} without its trailer (was it cut short?)`,
      );
    }
    const at = lines + 1;
    if (trailer.lines !== lines) {
      throw new BackupError(
        `the trailer counts ${trailer.lines} lines before it, but there are ${lines}`,
        at,
      );
    }
    for (const [kind, expected] of Object.entries(trailer.counts)) {
      const actual = this.counts[kind as keyof BackupCounts];
      if (actual !== expected) {
        throw new BackupError(
          `the trailer counts ${expected} ${kind}, but the backup holds ${actual}`,
          at,
        );
      }
    }
    if (trailer.sha256 !== sha256) {
      throw new BackupError(
        "the SHA-256 of the lines does not match the trailer: the file was altered or damaged",
        at,
      );
    }
    this.checkComplete();
  }

  /** The checks that need every record: open chunk runs, message runs, file references. */
  checkComplete(): void {
    this.#files.requireClosed();
    for (const [id, channel] of this.channels) {
      if (channel.messages !== channel.lastSeq) {
        throw new BackupError(
          `channel "${id}" has ${channel.messages} messages but its last seq is ${channel.lastSeq}`,
        );
      }
    }
    this.#files.requireReferenced();
  }

  #message(
    record: RecordOf<"message">,
    line: number,
    fail: (message: string) => never,
  ): void {
    const message = record.message;
    const channel = this.#requireChannel(message.channelId, fail);
    const expected = channel.messages + 1;
    if (message.seq !== expected) {
      fail(
        `message seq ${message.seq} in channel "${message.channelId}" where ${expected} comes next`,
      );
    }
    if (message.seq > channel.lastSeq) {
      fail(
        `message seq ${message.seq} is past the channel's last seq ${channel.lastSeq}`,
      );
    }
    // An incoming webhook's message names the webhook, which is no user.
    if (message.author.webhook !== true) {
      this.#requireUser(message.author.id, fail);
    }
    if (message.file !== null) this.#files.reference(message.file.id, line);
    if (message.replyTo !== undefined && message.replyTo.seq >= message.seq) {
      fail(
        `message ${message.seq} answers ${message.replyTo.seq}, not earlier`,
      );
    }
    // A message edited during a live export may be newer than the counter.
    channel.rev = Math.max(channel.rev, message.rev ?? message.seq);
    channel.messages++;
    this.counts.messages++;
  }

  // What the per-kind rules may ask of the records before them.
  #known(fail: (message: string) => never): Known {
    return {
      fail,
      requireUser: (id) => this.#requireUser(id, fail),
      requireChannel: (id) => void this.#requireChannel(id, fail),
      isMember: (channelId, userId) =>
        this.#members.has(`${channelId}\n${userId}`),
    };
  }

  #requireUser(id: string, fail: (message: string) => never): void {
    if (!this.#users.has(id)) {
      fail(`user "${id}" is not in the backup before this line`);
    }
  }

  #requireChannel(
    id: string,
    fail: (message: string) => never,
  ): ChannelTally {
    return this.channels.get(id) ??
      fail(`channel "${id}" is not in the backup before this line`);
  }
}
