import { useState } from "preact/hooks";
import { AuditTab } from "../components/admin/AuditTab.tsx";
import { InvitesTab } from "../components/admin/InvitesTab.tsx";
import { MembersTab } from "../components/admin/MembersTab.tsx";
import { ReportsTab } from "../components/admin/ReportsTab.tsx";
import { SettingsTab } from "../components/admin/SettingsTab.tsx";

type Tab = "members" | "invites" | "reports" | "audit" | "settings";

const LABELS: Record<Tab, string> = {
  members: "Members",
  invites: "Invites",
  reports: "Reports",
  audit: "Audit log",
  settings: "Settings",
};

/**
 * The admin page's tabs. Moderators see Reports and Members (where they
 * time people out); admins and the owner see every tab.
 */
export default function AdminPanel(
  { me, admin }: { me: { id: string; role: string }; admin: boolean },
) {
  const tabs: Tab[] = admin
    ? ["members", "invites", "reports", "audit", "settings"]
    : ["reports", "members"];
  const [current, setCurrent] = useState<Tab>(tabs[0]);

  function onKeyDown(event: KeyboardEvent): void {
    const step = event.key === "ArrowRight"
      ? 1
      : event.key === "ArrowLeft"
      ? -1
      : 0;
    if (step === 0) return;
    const next =
      tabs[(tabs.indexOf(current) + step + tabs.length) % tabs.length];
    setCurrent(next);
    document.getElementById(`tab-${next}`)?.focus();
  }

  return (
    <div class="admin-panel">
      <div
        role="tablist"
        aria-label="Admin"
        class="admin-tabs"
        onKeyDown={onKeyDown}
      >
        {tabs.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`tab-${tab}`}
            aria-selected={tab === current}
            aria-controls={`panel-${tab}`}
            tabIndex={tab === current ? 0 : -1}
            class="admin-tab"
            onClick={() => setCurrent(tab)}
          >
            {LABELS[tab]}
          </button>
        ))}
      </div>
      <section
        role="tabpanel"
        id={`panel-${current}`}
        aria-labelledby={`tab-${current}`}
        class="admin-tabpanel"
        key={current}
      >
        {current === "members" && <MembersTab me={me} admin={admin} />}
        {current === "invites" && <InvitesTab />}
        {current === "reports" && <ReportsTab />}
        {current === "audit" && <AuditTab />}
        {current === "settings" && <SettingsTab />}
      </section>
    </div>
  );
}
