import crypto from "node:crypto";
import type { SubmitCaseRequest } from "../features/cases/case-schemas.ts";
import type { StaffRole } from "../core/vocabulary.ts";
import { hashPassword } from "../features/auth/auth-service.ts";
import type { TaskAction } from "../features/workflow/workflow-schemas.ts";
import type { IntakeService } from "../features/cases/intake-service.ts";
import { staffPrincipalOf, type Principal, type StaffPrincipal } from "../core/principal.ts";
import type { WorkflowService } from "../features/workflow/workflow-service.ts";
import type { ServiceDeps } from "../service-deps.ts";
import { seedDemoHouseholds } from "./demo-households.ts";

/**
 * 青山县 (Qingshan County), a made-up county for demos and manual testing. Codes
 * follow the official layout (6-digit county, +3 township, +3 village, +3 group)
 * under the unused prefix 99 so they can never be mistaken for a real place.
 */
export const demoPassword = "demo1234";
/** 青山县's code: a production server refuses a database that holds it. */
export const demoCountyCode = "990101";

interface DemoRegion {
  code: string;
  name: string;
  aliases: string[];
  /** The village committee's or township office's phone (made up: 0999 is no real area code). */
  contactPhone?: string;
  children?: DemoRegion[];
}

const groups = (village: string): DemoRegion[] => [
  { code: `${village}001`, name: "一组", aliases: [] },
  { code: `${village}002`, name: "二组", aliases: [] },
];

export const demoCounty: DemoRegion = {
  code: "990101",
  name: "青山县",
  aliases: ["青山"],
  contactPhone: "0999-6600000",
  children: [
    {
      code: "990101001",
      name: "柳溪镇",
      aliases: ["柳溪"],
      contactPhone: "0999-6601000",
      children: [
        { code: "990101001001", name: "石门村", contactPhone: "0999-6601001", aliases: ["石门"], children: groups("990101001001") },
        { code: "990101001002", name: "桃园村", contactPhone: "0999-6601002", aliases: ["桃园"], children: groups("990101001002") },
      ],
    },
    {
      code: "990101002",
      name: "云岭乡",
      aliases: ["云岭"],
      contactPhone: "0999-6602000",
      children: [
        { code: "990101002001", name: "白沙村", contactPhone: "0999-6602001", aliases: ["白沙"], children: groups("990101002001") },
        // A second 桃园村 on purpose: an address naming only "桃园村" is ambiguous and goes to triage.
        { code: "990101002002", name: "桃园村", contactPhone: "0999-6602002", aliases: ["桃园"], children: groups("990101002002") },
      ],
    },
    {
      code: "990101003",
      name: "河口镇",
      aliases: ["河口"],
      contactPhone: "0999-6603000",
      children: [
        { code: "990101003001", name: "红旗村", contactPhone: "0999-6603001", aliases: ["红旗"], children: groups("990101003001") },
        { code: "990101003002", name: "河口社区", aliases: [], children: groups("990101003002") },
      ],
    },
  ],
};

/** The demo grid worker's WeChat is bound already, so the simulators can forward cases as her. */
export const demoGridWorkerWechatId = "demo-grid-shimen";

export const demoStaff: {
  username: string;
  displayName: string;
  role: StaffRole;
  regionCode: string;
  department?: string;
  wechatId?: string;
}[] = [
  { username: "admin", displayName: "系统管理员", role: "ADMIN", regionCode: "990101" },
  { username: "county", displayName: "县防返贫办 李主任", role: "COUNTY", regionCode: "990101" },
  { username: "dept-health", displayName: "县医保局 王科长", role: "DEPARTMENT", regionCode: "990101", department: "HEALTH_INSURANCE" },
  { username: "township-liuxi", displayName: "柳溪镇 陈干事", role: "TOWNSHIP", regionCode: "990101001" },
  { username: "township-yunling", displayName: "云岭乡 周干事", role: "TOWNSHIP", regionCode: "990101002" },
  { username: "village-shimen", displayName: "石门村 村委 赵书记", role: "VILLAGE", regionCode: "990101001001" },
  { username: "village-baisha", displayName: "白沙村 村委 孙主任", role: "VILLAGE", regionCode: "990101002001" },
  {
    username: "grid-shimen",
    displayName: "石门村一组 网格员 刘芳",
    role: "GRID_WORKER",
    regionCode: "990101001001001",
    wechatId: demoGridWorkerWechatId,
  },
  { username: "auditor", displayName: "县纪委监委 吴监督员", role: "AUDITOR", regionCode: "990101" },
];

const levels = ["COUNTY", "TOWNSHIP", "VILLAGE", "GROUP"] as const;

/** A syntactically valid (check character and all) ID number in the demo county; never a real person's. */
export function demoIdNumber(birth: string, serial: number): string {
  const body = `990101${birth.replaceAll("-", "")}${String(serial).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + "10X98765432"[sum % 11];
}

/** Loads the demo county into an empty database; answers false (and does nothing) when regions exist. */
export type ServicesAt = (at: Date) => { intake: IntakeService; workflow: WorkflowService };

export async function seedDemo(deps: ServiceDeps, servicesAt: ServicesAt): Promise<boolean> {
  const { prisma, cipher } = deps;
  if ((await prisma.region.count()) > 0) return false;

  const ids = new Map<string, { id: string; path: string }>();
  const insert = async (node: DemoRegion, depth: number, parent?: { id: string; path: string }) => {
    const path = `${parent?.path ?? ""}${node.code}/`;
    const row = await prisma.region.create({
      data: {
        code: node.code,
        name: node.name,
        aliases: node.aliases,
        contactPhone: node.contactPhone ?? null,
        level: levels[depth]!,
        parentId: parent?.id ?? null,
        path,
      },
    });
    ids.set(node.code, { id: row.id, path });
    for (const child of node.children ?? []) await insert(child, depth + 1, { id: row.id, path });
  };
  await insert(demoCounty, 0);
  deps.regions.invalidate();

  const passwordHash = await hashPassword(demoPassword);
  const staffIds = new Map<string, string>();
  for (const s of demoStaff) {
    const row = await prisma.staffAccount.create({
      data: {
        username: s.username,
        displayName: s.displayName,
        role: s.role,
        regionId: ids.get(s.regionCode)!.id,
        department: s.department ?? null,
        wechatId: s.wechatId ?? null,
        passwordHash,
      },
    });
    staffIds.set(s.username, row.id);
  }

  const household = await prisma.household.create({
    data: {
      number: "990101001001-0007",
      regionId: ids.get("990101001001001")!.id,
      address: "青山县柳溪镇石门村一组 7 号",
      category: "FORMERLY_POOR",
      members: {
        create: [
          {
            name: "张德福",
            relation: "HEAD",
            gender: "M",
            birthDate: new Date("1956-03-07"),
            labourCapacity: "PARTIAL",
            health: "CHRONIC_ILLNESS",
            schooling: "NOT_IN_SCHOOL",
            ...idFields(cipher, demoIdNumber("1956-03-07", 31)),
          },
          {
            name: "李秀英",
            relation: "SPOUSE",
            gender: "F",
            birthDate: new Date("1958-11-20"),
            labourCapacity: "NONE",
            health: "SERIOUS_ILLNESS",
            schooling: "NOT_IN_SCHOOL",
            ...idFields(cipher, demoIdNumber("1958-11-20", 42)),
          },
          {
            name: "张小军",
            relation: "GRANDCHILD",
            gender: "M",
            birthDate: new Date("2009-06-01"),
            labourCapacity: "NOT_WORKING_AGE",
            health: "HEALTHY",
            schooling: "SENIOR_SECONDARY",
            ...idFields(cipher, demoIdNumber("2009-06-01", 53)),
          },
        ],
      },
      incomes: {
        create: [
          { year: 2026, source: "BUSINESS", amount: 9000, productionCost: 3000 },
          { year: 2026, source: "TRANSFER", amount: 4200 },
        ],
      },
      expenses: {
        create: [
          { year: 2026, kind: "MEDICAL", amount: 32000, note: "住院自付" },
          { year: 2026, kind: "EDUCATION", amount: 3000 },
        ],
      },
    },
  });
  await prisma.household.create({
    data: {
      number: "990101002001-0012",
      regionId: ids.get("990101002001")!.id,
      address: "青山县云岭乡白沙村二组 12 号",
      category: "MARGINAL",
      members: {
        create: [
          {
            name: "王建国",
            relation: "HEAD",
            gender: "M",
            birthDate: new Date("1975-08-15"),
            labourCapacity: "FULL",
            schooling: "NOT_IN_SCHOOL",
            ...idFields(cipher, demoIdNumber("1975-08-15", 11)),
          },
          {
            name: "王丽",
            relation: "CHILD",
            gender: "F",
            birthDate: new Date("2006-02-02"),
            labourCapacity: "NOT_WORKING_AGE",
            schooling: "HIGHER",
            ...idFields(cipher, demoIdNumber("2006-02-02", 22)),
          },
        ],
      },
      incomes: { create: [{ year: 2026, source: "WAGE", amount: 21000 }] },
    },
  });

  // Forty more households, in bulk: the ledgers' and the dashboard's material (demo-households.ts).
  const heads = await seedDemoHouseholds(deps, ids, demoIdNumber);
  const headId = (householdNumber: string) => heads.get(householdNumber)!;

  const resident = await prisma.residentIdentity.create({
    data: {
      openid: "dev-demo",
      displayName: "张德福",
      phoneEnc: cipher.encrypt("13800001234"),
      phoneHash: cipher.lookupHash("13800001234"),
      householdId: household.id,
    },
  });

  // Cases go through the real intake and workflow so they carry the same events, routing and deadlines as live ones.
  const staffPrincipals = new Map<string, StaffPrincipal>();
  const staff = async (username: string): Promise<StaffPrincipal> => {
    const known = staffPrincipals.get(username);
    if (known) return known;
    const row = await prisma.staffAccount.findUniqueOrThrow({ where: { username }, include: { region: true } });
    const principal = staffPrincipalOf(row, row.region.path);
    staffPrincipals.set(username, principal);
    return principal;
  };
  const daysAgo = (days: number) => new Date(deps.now().getTime() - days * 86_400_000);
  const residentPrincipal: Principal = { kind: "resident", id: resident.id, client: "MINI_PROGRAM", locale: "zh-CN" };
  const base = { attachmentIds: [], consent: { personalInformation: true as const, familyEconomicCheck: true } };
  const submit = async (days: number, principal: Principal, key: string, request: SubmitCaseRequest) =>
    servicesAt(daysAgo(days)).intake.submit({ principal, request, idempotencyKey: key, locale: "zh-CN" });
  // The history follows the shipped workflow; under a county's own rules it stops where they differ.
  // Each action answers the case's next task, so only a case's first action looks its task up.
  const openTasks = new Map<string, { id: string; stage: string } | null>();
  const act = async (days: number, username: string, caseId: string, stage: string, action: TaskAction) => {
    const task = openTasks.has(caseId)
      ? openTasks.get(caseId)
      : await prisma.caseTask.findFirst({ where: { caseId, status: "OPEN" }, select: { id: true, stage: true } });
    if (!task || task.stage !== stage) return;
    const result = await servicesAt(daysAgo(days)).workflow.act(await staff(username), task.id, action, "zh-CN");
    openTasks.set(caseId, result.nextTask ? { id: result.nextTask.id, stage: result.nextTask.stage } : null);
  };
  const findings = {
    annualIncome: 13200,
    rigidExpenses: 35000,
    foodAndClothing: "SECURE",
    education: "SECURE",
    medical: "AT_RISK",
    housing: "SECURE",
    drinkingWater: "SECURE",
    notes: "",
  } as const;

  // 1. A monitoring application that went through the village and waits, late, at the township.
  const first = await submit(16, residentPrincipal, "demo-case-1", {
    ...base,
    kind: "MONITORING_APPLICATION",
    description: "老伴住院做手术,自己花了三万多,孙子还在上高中,家里实在撑不住了",
    applicantName: "张德福",
    phone: "13800001234",
    idNumber: demoIdNumber("1956-03-07", 31),
    bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: "6217995510001234567" },
  });
  await act(15, "village-shimen", first.caseId, "VILLAGE_VERIFICATION", {
    type: "RECORD_HOME_VISIT",
    visitedAt: daysAgo(15).toISOString(),
    investigators: ["赵书记", "刘芳"],
    findings,
    photoIds: [],
  });
  await act(14, "village-shimen", first.caseId, "VILLAGE_APPRAISAL", {
    type: "RECORD_APPRAISAL",
    meetingAt: daysAgo(14).toISOString(),
    proposal: "PROPOSE",
    reason: "村两委会议一致同意纳入",
  });
  await act(8, "village-shimen", first.caseId, "VILLAGE_PUBLICITY", { type: "CLOSE_PUBLICITY" });

  // 2. A flood report a grid worker filed yesterday for an old man: the village's home visit is due.
  await submit(1, await staff("grid-shimen"), "demo-case-2", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "一组刘大爷家房子被洪水冲垮了一半,现在住在亲戚家",
    applicantName: "刘长根",
    phone: "13900005678",
    address: "石门村一组",
    onBehalf: { confirmationMethod: "VERBAL_WITNESSED" },
  });

  // 3. "桃园村" exists twice: the county must say which.
  await submit(0, residentPrincipal, "demo-case-3", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "在外打工的工厂倒闭了,没活干,家里两个孩子上学",
    applicantName: "周明",
    phone: "13700009876",
    address: "桃园村",
  });

  // 4. A fire: emergency aid, the township decides first.
  await submit(0, residentPrincipal, "demo-case-4", {
    ...base,
    kind: "EMERGENCY_AID",
    description: "家里着火了,东西都烧了,急需帮助",
    applicantName: "吴桂兰",
    phone: "13600002468",
    address: "云岭乡白沙村",
  });

  // 5. A report the township turned down, with its reason for the applicant.
  const fifth = await submit(20, residentPrincipal, "demo-case-5", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "今年养的鸡得了鸡瘟,亏了不少钱",
    applicantName: "王建国",
    phone: "13500001111",
    idNumber: demoIdNumber("1975-08-15", 11),
  });
  await act(19, "village-baisha", fifth.caseId, "VILLAGE_VERIFICATION", {
    type: "RECORD_HOME_VISIT",
    visitedAt: daysAgo(19).toISOString(),
    investigators: ["孙主任", "李会计"],
    findings: { ...findings, annualIncome: 21000, rigidExpenses: 0, medical: "SECURE" },
    photoIds: [],
  });
  await act(18, "village-baisha", fifth.caseId, "VILLAGE_APPRAISAL", {
    type: "RECORD_APPRAISAL",
    meetingAt: daysAgo(18).toISOString(),
    proposal: "PROPOSE",
    reason: "损失较大,报乡镇审核",
  });
  await act(12, "village-baisha", fifth.caseId, "VILLAGE_PUBLICITY", { type: "CLOSE_PUBLICITY" });
  await act(11, "township-yunling", fifth.caseId, "TOWNSHIP_REVIEW", {
    type: "REJECT",
    reason: "家庭人均纯收入高于监测标准,养殖损失已获保险理赔",
  });

  await seedMoreCases({ prisma, submit, act, staff, daysAgo, base, findings, headId });
  return true;
}

/**
 * A dozen more cases about the demo households, at the first steps of the
 * review, many late, from every channel, so the queue, the ledgers and the
 * dashboard have something to show. Each is filed by a resident of its own
 * (or by staff on the household's behalf) through the real intake and
 * workflow. Kept to a few actions: every test app loads the demo, and each
 * workflow action costs some 15–20 ms of embedded-database time.
 */
async function seedMoreCases(ctx: {
  prisma: ServiceDeps["prisma"];
  submit: (days: number, principal: Principal, key: string, request: SubmitCaseRequest) => Promise<{ caseId: string }>;
  act: (days: number, username: string, caseId: string, stage: string, action: TaskAction) => Promise<void>;
  staff: (username: string) => Promise<StaffPrincipal>;
  daysAgo: (days: number) => Date;
  base: { attachmentIds: string[]; consent: { personalInformation: true; familyEconomicCheck: boolean } };
  findings: Extract<TaskAction, { type: "RECORD_HOME_VISIT" }>["findings"];
  headId: (householdNumber: string) => string;
}) {
  const { prisma, submit, act, staff, daysAgo, base, findings, headId } = ctx;
  const people = [
    ["chen", "陈玉兰", "MINI_PROGRAM"],
    ["ma", "马永福", "BOT"],
    ["luo", "罗建军", "MINI_PROGRAM"],
    ["han", "韩小平", "WEB"],
    ["wu", "吴强", "BOT"],
    ["gao", "高福田", "MINI_PROGRAM"],
    ["lin", "林小红", "BOT"],
    ["hekou", "河口镇居民", "WEB"],
    ["zheng", "郑秀梅", "MINI_PROGRAM"],
    ["sun", "孙大勇", "BOT"],
  ] as const;
  const residentIds = new Map(people.map(([key]) => [key, crypto.randomUUID()]));
  // One statement, like the households (demo-households.ts).
  const identities = people.map(([key, displayName]) => ({ id: residentIds.get(key)!, openid: `demo-resident-${key}`, displayName }));
  await prisma.$executeRaw`INSERT INTO "ResidentIdentity" ("id", "openid", "displayName")
    SELECT x."id", x."openid", x."displayName" FROM json_to_recordset(${JSON.stringify(identities)}::json) AS x("id" uuid, "openid" text, "displayName" text)`;
  const resident = (key: (typeof people)[number][0]): Principal => ({
    kind: "resident",
    id: residentIds.get(key)!,
    client: people.find(([k]) => k === key)![2],
    locale: "zh-CN",
  });
  const secure = { ...findings, medical: "SECURE" as const };
  const visit = (days: number, investigators: string[], over: Partial<typeof findings> = {}): TaskAction => ({
    type: "RECORD_HOME_VISIT",
    visitedAt: daysAgo(days).toISOString(),
    investigators,
    findings: { ...secure, ...over },
    photoIds: [],
  });
  const appraisal = (days: number, proposal: "PROPOSE" | "DECLINE", reason: string): TaskAction => ({
    type: "RECORD_APPRAISAL",
    meetingAt: daysAgo(days).toISOString(),
    proposal,
    reason,
  });
  const shimen = ["赵书记", "刘芳"];
  const baisha = ["孙主任", "李会计"];

  // 6. 陈玉兰: an application waiting, very late, for the village's home visit.
  await submit(18, resident("chen"), "demo-case-6", {
    ...base,
    kind: "MONITORING_APPLICATION",
    description: "我有大病要长期吃药,孙子在上高中,家里只有低保和养老金,实在不够用",
    applicantName: "陈玉兰",
    phone: "13700001006",
    idNumber: headId("990101001001-0021"),
    riskTypes: ["ILLNESS", "SCHOOLING"],
  });

  // 7. 马永福: the home visit found the house unsafe; the village has not met to appraise it, and is late.
  const ma = await submit(12, resident("ma"), "demo-case-7", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "家里的老房子墙裂了,下雨漏水,住着不安全",
    applicantName: "马永福",
    phone: "13700001007",
    idNumber: headId("990101002001-0023"),
    riskTypes: ["HOUSING"],
  });
  await act(
    11,
    "village-baisha",
    ma.caseId,
    "VILLAGE_VERIFICATION",
    visit(11, baisha, { annualIncome: 17200, rigidExpenses: 2000, housing: "AT_RISK" }),
  );

  // 8.–11. Waiting for the village's home visit: two of them late.
  await submit(9, resident("luo"), "demo-case-8", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "在外地打工的厂子活少了,这几个月时有时无,收入不稳定",
    applicantName: "罗建军",
    phone: "13700001008",
    idNumber: headId("990101003001-0021"),
    riskTypes: ["UNSTABLE_WORK"],
  });
  await submit(3, resident("han"), "demo-case-9", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "打工的工厂倒闭了,今年一直没找到活,家里没有收入",
    applicantName: "韩小平",
    phone: "13700001009",
    idNumber: headId("990101003002-0021"),
    riskTypes: ["UNSTABLE_WORK", "INCOME_DROP"],
  });
  await submit(2, resident("wu"), "demo-case-10", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "工地停工了,我和爱人都没活干,孩子还要交高中的学费",
    applicantName: "吴强",
    phone: "13700001010",
    idNumber: headId("990101001002-0022"),
    riskTypes: ["UNSTABLE_WORK"],
  });
  await submit(15, resident("gao"), "demo-case-11", {
    ...base,
    kind: "MONITORING_APPLICATION",
    description: "老伴得了重病住院,我们两个老人没有收入,看病钱自己付了一万多",
    applicantName: "高福田",
    phone: "13700001011",
    idNumber: headId("990101002002-0021"),
    riskTypes: ["ILLNESS"],
  });

  // 12. 赵志刚, filed by the grid worker: visited and appraised, now published in the village.
  const zhao = await submit(8, await staff("grid-shimen"), "demo-case-12", {
    ...base,
    kind: "MONITORING_APPLICATION",
    description: "三个孩子上大学、职校和高中,他在外打工的收入今年少了一大半",
    applicantName: "赵志刚",
    phone: "13700001012",
    idNumber: headId("990101001001-0022"),
    riskTypes: ["SCHOOLING", "UNSTABLE_WORK"],
    onBehalf: { confirmationMethod: "SIGNED_PAPER" },
  });
  await act(6, "village-shimen", zhao.caseId, "VILLAGE_VERIFICATION", visit(6, shimen, { annualIncome: 36000, rigidExpenses: 16000 }));
  await act(2, "village-shimen", zhao.caseId, "VILLAGE_APPRAISAL", appraisal(2, "PROPOSE", "子女就学负担重,务工收入锐减,同意纳入"));

  // 13. 周建华, reported by the village cadres on a visit: the home visit is late.
  await submit(10, await staff("village-shimen"), "demo-case-13", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "走访时反映今年生意不好做,想申请帮扶",
    applicantName: "周建华",
    phone: "13700001013",
    idNumber: headId("990101001001-0024"),
    riskTypes: ["BUSINESS_FAILURE"],
    onBehalf: { confirmationMethod: "VERBAL_WITNESSED" },
  });

  // 14. Emergency aid in 白沙村: the township has not decided on relief in its two working days.
  await submit(6, resident("lin"), "demo-case-14", {
    ...base,
    kind: "EMERGENCY_AID",
    description: "婆婆摔断了腿住院,急需用钱",
    applicantName: "林小红",
    phone: "13700001014",
    regionCode: "990101002001",
    riskTypes: ["ACCIDENT"],
  });

  // 15. Only a township named: 河口镇 must say which village, and is late.
  await submit(8, resident("hekou"), "demo-case-15", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "河口镇这边好几户的庄稼被冰雹打了,颗粒无收",
    applicantName: "河口镇居民",
    phone: "13700001015",
    address: "河口镇",
    riskTypes: ["DISASTER"],
  });

  // 16.–17. Fresh reports.
  await submit(1, resident("zheng"), "demo-case-16", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "三个孩子上职校、高中和幼儿园,学费生活费压力很大",
    applicantName: "郑秀梅",
    phone: "13700001016",
    idNumber: headId("990101002001-0021"),
    riskTypes: ["SCHOOLING"],
  });
  await submit(5, resident("sun"), "demo-case-17", {
    ...base,
    kind: "HARDSHIP_REPORT",
    description: "今年种的辣椒价格跌得厉害,亏了本,两口子也没找到打工的活",
    applicantName: "孙大勇",
    phone: "13700001017",
    idNumber: headId("990101001001-0023"),
    riskTypes: ["BUSINESS_FAILURE"],
  });
}

function idFields(cipher: ServiceDeps["cipher"], idNumber: string) {
  return { idNumberEnc: cipher.encrypt(idNumber), idNumberHash: cipher.lookupHash(idNumber) };
}
