import { Alert, App as AntApp, Button, Card, ConfigProvider, Form, Input, List, Segmented, Space, Tag, Timeline, Typography } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import type { wechatLoginResponseSchema } from "../../server/features/auth/auth-schemas.ts";
import type { caseStatusViewSchema, myCasesResponseSchema } from "../../server/features/cases/case-schemas.ts";
import type { ConsoleFeatures } from "../../server/features/console/console-schemas.ts";
import { api, ApiError } from "./api.ts";
import { formatDate, formatDateTime, switchLocale } from "./i18n.ts";
import { connectRealtime } from "./realtime.ts";
import { useReducedMotion } from "./reduced-motion.ts";

type CaseStatus = z.output<typeof caseStatusViewSchema>;
type MyCases = z.output<typeof myCasesResponseSchema>;

const tokenKey = "fanpin.status.token";

/**
 * Residents follow their cases in a browser: opened from WeChat with a login
 * code (?code=…), they see all their cases and each one moves live; anyone can
 * also look one case up by its number and the last four digits of the phone.
 */
export function StatusApp() {
  const { t, i18n } = useTranslation();
  const reducedMotion = useReducedMotion();
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(tokenKey));
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<string | null>(() => new URLSearchParams(location.search).get("case"));

  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const code = params.get("code");
    if (!code) {
      if (!sessionStorage.getItem(tokenKey)) void logInThroughWechat();
      return;
    }
    params.delete("code");
    params.delete("state");
    // The code is single-use: it leaves the address bar (and the history) at once.
    history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
    api<z.output<typeof wechatLoginResponseSchema>>("POST", "/api/auth/wechat/login", { body: { code, client: "WEB" } }).then(
      (answer) => {
        sessionStorage.setItem(tokenKey, answer.token);
        setToken(answer.token);
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  return (
    <ConfigProvider
      locale={i18n.language === "en" ? enUS : zhCN}
      theme={{ token: { fontSize: 16, colorPrimary: "#c0392b", motion: !reducedMotion } }}
    >
      <AntApp>
        <div className="status-page">
          <Space style={{ width: "100%", justifyContent: "space-between" }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t("console.status.title")}
            </Typography.Title>
            <Segmented
              value={i18n.language === "en" ? "en" : "zh-CN"}
              options={[
                { label: "中文", value: "zh-CN" },
                { label: "English", value: "en" },
              ]}
              onChange={(value) => void switchLocale(value as "zh-CN" | "en")}
            />
          </Space>
          {error && <Alert type="error" showIcon message={error} style={{ margin: "12px 0" }} />}
          {token ? <MyCasesView token={token} opened={opened} open={setOpened} /> : <LookupView />}
        </div>
      </AntApp>
    </ConfigProvider>
  );
}

/**
 * Opened in WeChat without a log-in: off to WeChat's OAuth page for the official account (snsapi_base, silent),
 * which sends the resident back here with a code. Elsewhere, or where no account is configured, the look-up by
 * case number stays.
 */
async function logInThroughWechat() {
  if (!/MicroMessenger/i.test(navigator.userAgent)) return;
  const features = await api<ConsoleFeatures>("GET", "/console/features").catch(() => null);
  const login = features?.wechatWebLogin;
  if (!login) return;
  // WeChat wants these parameters in this order, and the fragment.
  const query = `appid=${encodeURIComponent(login.appId)}&redirect_uri=${encodeURIComponent(location.href)}&response_type=code&scope=snsapi_base&state=status`;
  location.replace(`${login.authorizeUrl}?${query}#wechat_redirect`);
}

function MyCasesView({ token, opened, open }: { token: string; opened: string | null; open: (number: string | null) => void }) {
  const { t, i18n } = useTranslation();
  const [cases, setCases] = useState<MyCases["items"] | null>(null);
  const [detail, setDetail] = useState<CaseStatus | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [live, setLive] = useState(false);

  const loadList = useCallback(() => api<MyCases>("GET", "/api/me/cases", { token }).then((r) => setCases(r.items)), [token]);
  const loadCase = useCallback((number: string) => api<CaseStatus>("GET", `/api/me/cases/${number}`, { token }).then(setDetail), [token]);
  useEffect(() => void loadList(), [loadList, i18n.language]);
  useEffect(() => {
    if (opened) void loadCase(opened);
    else setDetail(null);
  }, [opened, loadCase, i18n.language]);
  useEffect(
    () =>
      connectRealtime(token, {
        state: (s) => setLive(s === "live"),
        message: (message) => {
          // The server may have missed pushes: what is shown is loaded again.
          if (message.type === "resync") {
            void loadList();
            if (opened) void loadCase(opened);
            return;
          }
          if (message.type !== "case.updated") return;
          setNotice(t("console.status.moved", { number: message.caseNumber, title: message.title }));
          void loadList();
          if (message.caseNumber === opened) void loadCase(message.caseNumber);
        },
      }),
    [token, opened, loadList, loadCase, t],
  );

  return (
    <>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }} data-testid="status-live" data-live={live}>
        {live ? t("console.status.live") : t("console.status.notLive")}
      </Typography.Paragraph>
      {notice && (
        <Alert
          type="success"
          showIcon
          closable
          message={notice}
          onClose={() => setNotice(null)}
          style={{ marginBottom: 12 }}
          data-testid="status-notice"
        />
      )}
      {detail ? (
        <>
          <Button type="link" onClick={() => open(null)} style={{ padding: 0 }}>
            {t("console.status.back")}
          </Button>
          <CaseView status={detail} />
        </>
      ) : (
        <List
          data-testid="my-cases"
          locale={{ emptyText: t("console.status.none") }}
          dataSource={cases ?? []}
          renderItem={(c) => (
            <List.Item onClick={() => open(c.number)} style={{ cursor: "pointer" }}>
              <List.Item.Meta title={`${c.kindLabel} · ${c.number}`} description={`${c.stageLabel} · ${formatDate(c.submittedAt)}`} />
            </List.Item>
          )}
        />
      )}
    </>
  );
}

function LookupView() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<CaseStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState<{ number: string; phoneLast4: string } | null>(null);
  const lookup = async (values: { number: string; phoneLast4: string }) => {
    setError(null);
    try {
      setStatus(await api<CaseStatus>("POST", "/api/public/case-status", { body: values }));
      setQuery(values);
    } catch (e) {
      setError(e instanceof ApiError ? (e.fields[0]?.message ?? e.message) : String(e));
    }
  };
  if (status && query)
    return (
      <>
        <Space>
          <Button type="link" style={{ padding: 0 }} onClick={() => setStatus(null)}>
            {t("console.status.back")}
          </Button>
          <Button type="link" onClick={() => void lookup(query)}>
            {t("console.status.refresh")}
          </Button>
        </Space>
        <CaseView status={status} />
      </>
    );
  return (
    <Card style={{ marginTop: 12 }}>
      <Typography.Paragraph>{t("console.status.lookupIntro")}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" onFinish={(values: Parameters<typeof lookup>[0]) => void lookup(values)} requiredMark={false}>
        <Form.Item name="number" label={t("fields.number")} rules={[{ required: true, message: t("console.status.numberRequired") }]}>
          <Input placeholder="2026-000123" inputMode="numeric" />
        </Form.Item>
        <Form.Item
          name="phoneLast4"
          label={t("fields.phoneLast4")}
          rules={[{ required: true, message: t("console.status.phoneRequired") }]}
        >
          <Input maxLength={4} inputMode="numeric" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large">
          {t("console.status.lookup")}
        </Button>
      </Form>
    </Card>
  );
}

function CaseView({ status }: { status: CaseStatus }) {
  const { t } = useTranslation();
  return (
    <Card title={`${status.kindLabel} · ${status.number}`} data-testid="status-case">
      <Space direction="vertical" style={{ width: "100%" }}>
        <div>
          <Tag
            color={status.status === "OPEN" ? "processing" : status.status === "REJECTED" ? "error" : "success"}
            data-testid="status-stage"
          >
            {status.stageLabel}
          </Tag>
          {status.statusLabel}
        </div>
        {status.nextStep && <Alert type="info" message={t("console.status.next")} description={status.nextStep.text} />}
        <Timeline
          data-testid="status-timeline"
          reverse
          items={status.timeline.map((entry) => ({
            children: (
              <>
                <div>{entry.title}</div>
                {entry.detail && <Typography.Text type="secondary">{entry.detail}</Typography.Text>}
                <div>
                  <Typography.Text type="secondary">{formatDateTime(entry.at)}</Typography.Text>
                </div>
              </>
            ),
          }))}
        />
      </Space>
    </Card>
  );
}
