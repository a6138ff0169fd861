import { caseStatusSchema, channelSchema, riskTypeSchema } from "../../server/core/vocabulary.ts";
import { zhCN } from "../../server/core/i18n/locales/zh-CN.ts";

/** Option lists come from the server's own schemas and translations, so a new stage or risk type shows up here by itself. */
export const stageKeys = Object.keys(zhCN.stages);
export const riskTypes = riskTypeSchema.options;
export const channels = channelSchema.options;
export const caseStatuses = caseStatusSchema.options;
