import { caseStatusSchema, channelSchema, riskTypeSchema } from "../../server/api/common-schemas.ts";
import { zhCN } from "../../server/i18n/locales/zh-CN.ts";

/** Option lists come from the server's own schemas and translations, so a new stage or risk type shows up here by itself. */
export const stageKeys = Object.keys(zhCN.stages);
export const riskTypes = riskTypeSchema.options;
export const channels = channelSchema.options;
export const caseStatuses = caseStatusSchema.options;
