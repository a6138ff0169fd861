import { Alert, App, Button, Card, DatePicker, List, Space, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { download, saveBlob, withQuery } from "../api.ts";
import { useConsole, useLoader } from "../console-context.tsx";
import { FilterBar, type QueueFilters } from "./queue-page.tsx";

interface LedgerList {
  items: { id: string; title: string; subject: "cases" | "households"; formats: ("xlsx" | "csv")[] }[];
}

/** The ledgers (台账) offices exchange, as files: the queue's filters and a period apply to each. */
export function LedgersPage() {
  const { t } = useTranslation();
  const { call, session } = useConsole();
  const { message } = App.useApp();
  const [filters, setFilters] = useState<QueueFilters>({});
  const [period, setPeriod] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(() => call<LedgerList>("GET", "/api/staff/ledgers"), [call]);
  const { data, error } = useLoader(load, [load]);

  const fetchLedger = async ({ id, title, subject }: LedgerList["items"][number], format: "xlsx" | "csv") => {
    setBusy(`${id}.${format}`);
    try {
      const { q: _q, ...rest } = filters;
      // Household ledgers are a standing picture of the households: only the region narrows them.
      const query =
        subject === "households"
          ? { format, regionCode: filters.regionCode }
          : { ...rest, format, from: period?.[0]?.format("YYYY-MM-DD"), to: period?.[1]?.format("YYYY-MM-DD") };
      const file = await download(withQuery(`/api/staff/ledgers/${id}`, query), { token: session.token });
      saveBlob(file.blob, file.fileName ?? `${title}.${format}`);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Typography.Title level={4}>{t("console.ledgers.title")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("console.ledgers.intro")}</Typography.Paragraph>
      <Card size="small" style={{ marginBottom: 16 }}>
        <FilterBar value={filters} onChange={setFilters} withSearch={false} />
        <Space>
          {t("console.ledgers.period")}
          <DatePicker.RangePicker value={period} onChange={(value) => setPeriod(value)} allowEmpty={[true, true]} />
        </Space>
      </Card>
      {error && <Alert type="error" showIcon message={error.message} />}
      {(["cases", "households"] as const).map((subject) => (
        <List
          key={subject}
          data-testid={`ledger-list-${subject}`}
          header={<Typography.Text strong>{t(`console.ledgers.subjects.${subject}`)}</Typography.Text>}
          bordered
          style={{ marginBottom: 16 }}
          dataSource={(data?.items ?? []).filter((ledger) => ledger.subject === subject)}
          renderItem={(ledger) => (
            <List.Item
              actions={ledger.formats.map((format) => (
                <Button
                  key={format}
                  data-testid={`ledger-${ledger.id}-${format}`}
                  loading={busy === `${ledger.id}.${format}`}
                  onClick={() => void fetchLedger(ledger, format)}
                >
                  {t("console.ledgers.download", { format: format.toUpperCase() })}
                </Button>
              ))}
            >
              {ledger.title}
            </List.Item>
          )}
        />
      ))}
    </>
  );
}
