import { Tag, Tooltip } from "antd";
import { useTranslation } from "react-i18next";
import { formatDate } from "../i18n.ts";

/**
 * A due date as desks read it: late ones marked, and a provisional one (counted on the holiday law alone,
 * before the year's official arrangement is loaded) tagged so nobody takes it for final.
 */
export function DueDate({
  at,
  provisional = false,
  overdue = false,
}: {
  at: string | null | undefined;
  provisional?: boolean;
  overdue?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <span className={overdue ? "overdue" : ""}>
      {formatDate(at)}
      {overdue ? ` · ${t("console.queue.overdue")}` : ""}
      {at && provisional && (
        <Tooltip title={t("console.calendar.provisionalHint")}>
          <Tag color="gold" style={{ marginInlineStart: 6 }} data-testid="due-provisional">
            {t("console.calendar.provisionalTag")}
          </Tag>
        </Tooltip>
      )}
    </span>
  );
}
