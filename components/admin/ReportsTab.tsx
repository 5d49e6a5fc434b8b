import { useState } from "preact/hooks";
import { api } from "../../lib/client/api.ts";
import { permalink } from "../../lib/client/permalink.ts";
import type { ReportView } from "../../lib/shared/admin_wire.ts";
import { failureText, useLoad } from "./use_load.ts";

/** The queue of open reports, newest first: open the message, delete it, close the report. */
export function ReportsTab() {
  const [before, setBefore] = useState<string | null>(null);
  const path = `/reports?limit=50${before ? `&before=${before}` : ""}`;
  const { data, error, reload } = useLoad<ReportView[]>(path);
  return (
    <div class="stack">
      <h2>Open reports</h2>
      <p class="form-error" role="alert">{error}</p>
      {data?.length === 0 && <p class="muted">No open reports.</p>}
      <ul class="admin-list">
        {data?.map((report) => (
          <ReportItem key={report.id} report={report} onDone={reload} />
        ))}
      </ul>
      {data && data.length === 50 && (
        <button
          type="button"
          class="button secondary small"
          onClick={() => setBefore(data[data.length - 1].id)}
        >
          Older reports
        </button>
      )}
    </div>
  );
}

function ReportItem(
  { report, onDone }: { report: ReportView; onDone(): void },
) {
  const [resolution, setResolution] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const { channel, message } = report;
  const where = channel.kind === "dm"
    ? "a direct message"
    : channel.name === null
    ? "a deleted channel"
    : `#${channel.name}`;

  async function close(deleteMessage: boolean): Promise<void> {
    setBusy(true);
    setError("");
    try {
      await api(`/reports/${encodeURIComponent(report.id)}`, {
        method: "DELETE",
        body: { resolution: resolution.trim() || undefined, deleteMessage },
      });
      onDone();
    } catch (failure) {
      setError(failureText(failure));
      setBusy(false);
    }
  }

  const titleId = `report-${report.id}`;
  return (
    <li class="admin-item" aria-labelledby={titleId}>
      <p id={titleId}>
        <strong>@{report.reporter.username ?? "someone"}</strong> reported{" "}
        <strong>@{message.author.username ?? "someone"}</strong> in {where}{" "}
        <span class="muted">
          <time dateTime={report.createdAt}>
            {new Date(report.createdAt).toLocaleString()}
          </time>
        </span>
      </p>
      <blockquote class="admin-excerpt">
        {message.excerpt || <span class="muted">(no text)</span>}
        {message.deleted && <span class="muted">(deleted since)</span>}
      </blockquote>
      <p>
        <span class="muted">Reason:</span> {report.reason}
      </p>
      <label class="field">
        <span>
          Resolution <span class="muted">(optional, for the audit log)</span>
        </span>
        <input
          value={resolution}
          maxLength={500}
          onInput={(e) => setResolution(e.currentTarget.value)}
        />
      </label>
      <p class="form-error" role="alert">{error}</p>
      <div class="admin-actions">
        {channel.kind === "channel" && channel.name !== null && (
          <a
            class="button secondary small"
            href={permalink(channel.id, message.seq)}
          >
            Open message
          </a>
        )}
        {!message.deleted && (
          <button
            type="button"
            class="button danger small"
            disabled={busy}
            onClick={() => close(true)}
          >
            Delete message and close
          </button>
        )}
        <button
          type="button"
          class="button small"
          disabled={busy}
          onClick={() => close(false)}
        >
          Close report
        </button>
      </div>
    </li>
  );
}
