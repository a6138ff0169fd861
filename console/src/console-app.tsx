import { Alert, App as AntApp, Badge, Button, ConfigProvider, Layout, Menu, Result, Space, Spin, Typography } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ConsoleFeatures } from "../../server/features/console/console-schemas.ts";
import type { CalendarOutlookView } from "../../server/features/calendar/calendar-schemas.ts";
import { api, whenUnauthorized } from "./api.ts";
import { ConsoleContext, useRegionsLoader, type ConsoleContextValue } from "./console-context.tsx";
import { go, useHashRoute } from "./hash-route.ts";
import { LoginPage } from "./pages/login-page.tsx";
import { LanguageSwitch } from "./components/language-switch.tsx";
import { DashboardPage } from "./pages/dashboard-page.tsx";
import { QueuePage } from "./pages/queue-page.tsx";
import { TasksPage } from "./pages/tasks-page.tsx";
import { CasePage } from "./pages/case-page.tsx";
import { LedgersPage } from "./pages/ledgers-page.tsx";
import { ScreeningPage } from "./pages/screening-page.tsx";
import { RiskEventsPage } from "./pages/risk-events-page.tsx";
import { CalendarPage } from "./pages/calendar-page.tsx";
import { PasswordPage } from "./pages/password-page.tsx";
import { StaffPage } from "./pages/staff-page.tsx";
import { PlacesPage } from "./pages/places-page.tsx";
import { HouseholdsPage } from "./pages/households-page.tsx";
import { StandardsPage } from "./pages/standards-page.tsx";
import { connectRealtime, type RealtimeMessage, type RealtimeState } from "./realtime.ts";
import { useReducedMotion } from "./reduced-motion.ts";
import { session as storedSession, type StaffSession } from "./session.ts";

export function ConsoleApp() {
  const { i18n } = useTranslation();
  const reducedMotion = useReducedMotion();
  const [session, setSession] = useState<StaffSession | null>(() => storedSession.get());
  const logout = useCallback(() => {
    storedSession.clear();
    setSession(null);
  }, []);
  useEffect(() => whenUnauthorized(logout), [logout]);
  return (
    <ConfigProvider
      locale={i18n.language === "en" ? enUS : zhCN}
      theme={{ token: { colorPrimary: "#c0392b", borderRadius: 4, motion: !reducedMotion } }}
    >
      <AntApp>
        {session?.mustChangePassword ? (
          <PasswordPage
            session={session}
            required
            onChanged={(next) => {
              storedSession.set(next);
              setSession(next);
            }}
          />
        ) : session ? (
          <Shell
            session={session}
            logout={logout}
            onSession={(next) => {
              storedSession.set(next);
              setSession(next);
            }}
          />
        ) : (
          <LoginPage
            onLogin={(s) => {
              storedSession.set(s);
              setSession(s);
            }}
          />
        )}
      </AntApp>
    </ConfigProvider>
  );
}

const deskRoles = ["VILLAGE", "TOWNSHIP", "COUNTY"];

function Shell({ session, logout, onSession }: { session: StaffSession; logout: () => void; onSession: (next: StaffSession) => void }) {
  const { t } = useTranslation();
  const route = useHashRoute();
  const regions = useRegionsLoader();
  const [realtime, setRealtime] = useState<RealtimeState>("connecting");
  const [features, setFeatures] = useState<ConsoleFeatures>({ simulator: false, wechatWebLogin: null });
  const [unseen, setUnseen] = useState(0);
  const [outlook, setOutlook] = useState<CalendarOutlookView | null>(null);
  const [missingStandards, setMissingStandards] = useState<number[]>([]);
  const listeners = useRef(new Set<(message: RealtimeMessage) => void>());
  const role = session.staff.role;
  // The administrator loads the holiday arrangements; the county desk answers for every deadline in the county.
  const seesCalendar = role === "ADMIN" || role === "COUNTY";

  useEffect(() => {
    api<ConsoleFeatures>("GET", "/console/features").then(setFeatures, () => undefined);
    return connectRealtime(session.token, {
      state: setRealtime,
      message: (message) => {
        // New and escalated tasks, and reminders of deadlines and of publicity lists come down: the "My tasks" badge.
        if (message.type.startsWith("task.")) setUnseen((n) => n + 1);
        for (const listener of listeners.current) listener(message);
      },
    });
  }, [session.token]);

  const value = useMemo<ConsoleContextValue>(
    () => ({
      session,
      call: (method, url, options) => api(method, url, { ...options, token: session.token }),
      regions,
      realtime,
      subscribe: (listener) => {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
      features,
      logout,
    }),
    [session, regions, realtime, features, logout],
  );

  const page = route[0] ?? "dashboard";
  // Asked again on every page change, so the banners go as soon as the arrangement is loaded or the standard set.
  useEffect(() => {
    if (!seesCalendar) return;
    api<CalendarOutlookView>("GET", "/api/calendars/outlook", { token: session.token }).then(setOutlook, () => undefined);
    api<{ missingYears: number[] }>("GET", "/api/admin/monitoring-standards", { token: session.token }).then(
      (view) => setMissingStandards(view.missingYears),
      () => undefined,
    );
  }, [seesCalendar, session.token, page]);
  const county = role === "COUNTY" || role === "ADMIN";
  // Auditors read cases and their trace; ledgers and risk events are the working desks'.
  const auditor = role === "AUDITOR";
  const items = [
    { key: "dashboard", label: t("console.nav.dashboard") },
    { key: "queue", label: t("console.nav.queue") },
    ...(deskRoles.includes(role)
      ? [
          {
            key: "tasks",
            label: (
              <Badge count={unseen} size="small" offset={[10, 0]} style={{ boxShadow: "none" }} className="menu-badge">
                {t("console.nav.tasks")}
              </Badge>
            ),
          },
        ]
      : []),
    ...(auditor ? [] : [{ key: "ledgers", label: t("console.nav.ledgers") }]),
    ...(county ? [{ key: "screening", label: t("console.nav.screening") }] : []),
    ...(auditor ? [] : [{ key: "events", label: t("console.nav.events") }]),
    ...(seesCalendar ? [{ key: "calendar", label: t("console.nav.calendar") }] : []),
    ...(seesCalendar ? [{ key: "staff", label: t("console.nav.staff") }] : []),
    ...(seesCalendar ? [{ key: "places", label: t("console.nav.places") }] : []),
    ...(seesCalendar ? [{ key: "households", label: t("console.nav.households") }] : []),
    ...(seesCalendar ? [{ key: "standards", label: t("console.nav.standards") }] : []),
    ...(features.simulator ? [{ key: "simulator", label: t("console.nav.simulator") }] : []),
  ];

  let content;
  if (page === "dashboard") content = <DashboardPage />;
  else if (page === "queue") content = <QueuePage />;
  else if (page === "tasks") content = <TasksPage />;
  else if (page === "cases" && route[1]) content = <CasePage id={route[1]} />;
  else if (page === "ledgers") content = <LedgersPage />;
  else if (page === "screening" && county) content = <ScreeningPage importId={route[1]} />;
  else if (page === "events") content = <RiskEventsPage eventId={route[1]} />;
  else if (page === "calendar" && seesCalendar) content = <CalendarPage />;
  else if (page === "staff" && seesCalendar) content = <StaffPage />;
  else if (page === "places" && seesCalendar) content = <PlacesPage />;
  else if (page === "households" && seesCalendar) content = <HouseholdsPage importId={route[1]} />;
  else if (page === "standards" && seesCalendar) content = <StandardsPage />;
  else if (page === "password")
    content = (
      <PasswordPage
        session={session}
        required={false}
        onChanged={(next) => {
          onSession(next);
          go("dashboard");
        }}
        onCancel={() => go("dashboard")}
      />
    );
  else
    content = (
      <Result
        status="404"
        title={t("console.notFound")}
        extra={<Button onClick={() => go("dashboard")}>{t("console.nav.dashboard")}</Button>}
      />
    );

  return (
    <ConsoleContext.Provider value={value}>
      <Layout style={{ minHeight: "100vh" }}>
        <Layout.Sider width={188} breakpoint="lg" collapsedWidth={0}>
          <div className="console-brand">{t("console.brand")}</div>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[page === "cases" ? "queue" : page]}
            items={items}
            onClick={({ key }) => {
              if (key === "simulator") window.open("/simulator", "_blank", "noopener");
              else {
                if (key === "tasks") setUnseen(0);
                go(key);
              }
            }}
          />
        </Layout.Sider>
        <Layout>
          <Layout.Header className="console-header">
            <Typography.Text strong>{session.staff.region.name}</Typography.Text>
            <Space size="middle">
              <span data-testid="live-state" data-state={realtime}>
                <span className={`live-dot ${realtime}`} />
                {t(`console.live.${realtime}`)}
              </span>
              <LanguageSwitch />
              <Typography.Text>
                {session.staff.displayName} · {t(`roles.${role}`)}
              </Typography.Text>
              <Button size="small" onClick={() => go("password")} data-testid="change-password">
                {t("console.password.title")}
              </Button>
              <Button size="small" onClick={logout}>
                {t("console.logout")}
              </Button>
            </Space>
          </Layout.Header>
          <Layout.Content className="console-content">
            {outlook?.message && page !== "calendar" && (
              <Alert
                type="warning"
                showIcon
                banner
                style={{ marginBottom: 16 }}
                data-testid="calendar-banner"
                message={outlook.message}
                action={
                  <Button size="small" onClick={() => go("calendar")}>
                    {t("console.calendar.goLoad")}
                  </Button>
                }
              />
            )}
            {missingStandards.length > 0 && page !== "standards" && (
              <Alert
                type="warning"
                showIcon
                banner
                style={{ marginBottom: 16 }}
                data-testid="standards-banner"
                message={t("console.standards.missing", { years: missingStandards.join("、") })}
                action={
                  <Button size="small" onClick={() => go("standards")}>
                    {t("console.standards.goSet")}
                  </Button>
                }
              />
            )}
            {regions.length === 0 ? <Spin /> : content}
          </Layout.Content>
        </Layout>
      </Layout>
    </ConsoleContext.Provider>
  );
}
