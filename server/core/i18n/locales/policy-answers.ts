/**
 * The bot's answers to policy questions (server/features/bot/policy): one flat object per language, wired
 * under `bot.policy` in zh-CN.ts and en.ts. Keys are the topic and aspect in camelCase (`lowIncomeMaterials`),
 * and each answer's citation sits in its own key (`…Source`) so it can be shown below the answer.
 * Written for elderly readers on a phone: at most six short lines, numbered lists, plain words. The texts
 * follow the seed documents cited; where a county's rules differ they say so ("按当地标准").
 */
export const policyAnswersZhCN = {
  // ---------- 低保 ----------
  lowIncome:
    "低保(最低生活保障)是给收入低的困难家庭的基本生活补助。\n一起生活的家人平均每人收入低于当地低保标准、家里财产也符合规定的,可以申请。\n当地低保标准由县里公布。\n可以接着问我:“低保要什么条件”“要什么材料”“怎么申请”“要多久”。",
  lowIncomeConditions:
    "办低保看两条:\n1. 一起生活的家人,平均每人的收入低于当地低保标准;\n2. 家里的财产(比如存款、房子、车)符合当地规定。\n当地低保标准由县里公布,村委会或乡镇民政办能告诉您。\n家里有重度残疾人或重病人的,有的可以单独纳入低保。",
  lowIncomeMaterials:
    "办低保一般要准备:\n1. 户主写的书面申请,并填申请审批表;\n2. 户口本、身份证;\n3. 家庭收入情况证明;\n4. 有病有残的,带残疾证、出院小结或诊断书(门诊病历不算)。\n各地要求略有不同,以村委会或乡镇民政办说的为准。",
  lowIncomeProcess:
    "申请低保的步骤:\n1. 以家庭为单位,由户主向村(社区)或乡镇提出书面申请;\n2. 村里派2人以上上门,调查家里收入和生活;\n3. 村里开会民主评议,结果张榜公示;\n4. 乡镇审核、县民政局审批,批准后发低保金。\n也可以在这里直接申请,我一步一步帮您填。",
  lowIncomeTimeline:
    "低保大概要经过这些环节:\n1. 村里评议后张榜公示,一般不少于7天;\n2. 有人提意见的,要再上门核实、再公示;\n3. 然后乡镇审核,报县民政局审批。\n总共要多久各地不一样,村委会或乡镇民政办能告诉您。",
  lowIncomeAmount:
    "低保金一般是“差多少补多少”:\n按您家平均每人的收入和当地低保标准之间的差额来补。\n当地低保标准由县里定并公布,\n具体数额村委会或乡镇民政办能告诉您。",
  lowIncomeSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 四(一)“给予基本生活救助”",
  lowIncomeMaterialsSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第10篇 三、2“认真摸排,确保摸准农村低保对象”",
  lowIncomeProcessSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第10篇 三、2“认真摸排,确保摸准农村低保对象”",
  lowIncomeTimelineSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第12篇 二(二)3“公示、复核”",
  lowIncomeAmountSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第11篇 二(三)",

  // ---------- 特困供养 ----------
  extremePoverty:
    "特困供养是给生活没有依靠的老人、残疾人和未成年人的救助。\n要同时符合:没有劳动能力、没有生活来源、没有依法该养他的人(或这些人没能力养)。\n由县民政局(有的地方是乡镇)审核确认,供养标准按当地规定。\n可以接着问我:“特困供养什么条件”“怎么申请”。",
  extremePovertyConditions:
    "特困供养要三条都符合:\n1. 没有劳动能力;\n2. 没有生活来源;\n3. 没有依法该赡养、抚养他的人(比如子女),或者这些人没能力养。\n对象是老年人、残疾人和未成年人,由县民政局(有的地方是乡镇)审核确认。",
  extremePovertyProcess:
    "申请特困供养:\n1. 到乡镇(街道)的社会救助服务窗口提出申请;\n2. 也可以请村(社区)党群服务中心代为申请;\n3. 按要求提供家里的情况,由县民政局(有的地方是乡镇)审核确认。\n要带哪些材料,村委会或乡镇民政办会告诉您。也可以在这里直接申请。",
  extremePovertySource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 四(一)3“特困人员救助供养”",
  extremePovertyProcessSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 三(一)“个人申请”",

  // ---------- 临时救助 ----------
  temporaryAssistance:
    "临时救助是帮一时过不去的家庭渡过难关。\n突然遇到急难的事,或者必须花的钱太多,基本生活很困难的,可以申请。\n救助多少、一年能申请几次,按当地规定。\n可以接着问我:“临时救助什么条件”“找谁申请”。",
  temporaryAssistanceConditions:
    "临时救助分两种情况:\n1. 急难型:突然遇到灾祸、意外等急难的事,基本生活很困难;\n2. 支出型:因病、因灾、因意外等必须花的钱太多,或收入一下子少了很多,基本生活很困难。\n具体怎么认定,按县里定的办法。",
  temporaryAssistanceProcess:
    "申请临时救助:\n1. 到乡镇(街道)的社会救助窗口申请,或请村委会帮忙;\n2. 有的地方可以在出事的地方直接申请;\n3. 情况紧急的,可以先救助、后补手续。\n也可以在这里直接申请。",
  temporaryAssistanceAmount:
    "临时救助给多少,按当地标准,不是一个固定数。\n由民政部门审核,钱直接打到卡上。\n具体数额村委会或乡镇民政办能告诉您。",
  temporaryAssistanceSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 四(三)“给予急难社会救助”",
  temporaryAssistanceConditionsSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 二(四)、四(三)",
  temporaryAssistanceAmountSource: "依据:《防止返贫致贫工作实施方案》篇五(二)“临时救助”",

  // ---------- 防返贫监测 ----------
  monitoring:
    "防返贫监测,是为了防止家里因为生病、受灾、出意外、没活干等原因返贫或致贫。\n村、乡镇、县三级核实后,把有风险的农户纳入监测,\n再根据家里的困难安排帮扶,比如产业、就业、医疗、教育、住房、低保等。\n可以接着问我:“什么条件能纳入”“怎么申请”。",
  monitoringConditions:
    "这些农户可以纳入防返贫监测(以户为单位):\n1. 一年平均每人纯收入低于当年的监测收入标准;\n2. 或者扣掉看病、上学等必须花的钱,或收入大幅减少后,低于这个标准;\n3. 或者孩子因家里困难失学、没有基本医保、住房不安全、吃水不安全。\n脱贫户和普通农户都算。标准数额县里会公布,村委会能告诉您。",
  monitoringMaterials:
    "申请防返贫监测,不用先准备很多材料:\n1. 向村里说明情况,或在这里直接申请就行;\n2. 村里上门核查时,会了解家里的收入、支出,以及上学、看病、住房、吃水情况;\n3. 需要看哪些证件,上门的工作人员会告诉您。",
  monitoringProcess:
    "申请防返贫监测后这样办:\n1. 村里5个工作日内上门核查;\n2. 村里开会评议;要不要公示,按当地规定;\n3. 乡镇3个工作日内上门复核、开会审核;\n4. 县里3个工作日内比对数据、审定,确定后安排帮扶。\n不申请也行:村里走访、部门比对发现了,也会上门。",
  monitoringSource: "依据:《防止返贫致贫工作实施方案》篇九 二(三)“监测程序”",
  monitoringConditionsSource: "依据:《大英县盐井街道办事处2022年防止返贫监测帮扶集中排查工作方案》二(一)“识别认定新增监测对象”",

  // ---------- 医疗救助 ----------
  medicalAssistance:
    "医疗救助帮看病花钱多的困难群众:\n对象是低保对象、特困人员,以及返贫致贫、容易返贫致贫的人。\n门诊慢特病和住院的费用,先走基本医保、大病保险报销,\n自己还要付的那部分,再按政策给救助。\n能报多少按当地政策,由县里公布。",
  medicalAssistanceConditions:
    "医疗救助的对象:\n1. 低保对象;\n2. 特困人员;\n3. 返贫致贫的人,和容易返贫致贫的人(比如防返贫监测对象)。\n救助的是门诊慢特病和住院,在医保、大病保险报销后自己还要付的部分。",
  medicalAssistanceAmount:
    "医疗救助能报多少:\n先由基本医保、大病保险报销,\n剩下自己付的部分,再按当地政策给救助。\n比例和额度各县不一样,由县里公布,村委会、乡镇或县医保局能告诉您。",
  medicalAssistanceProcess:
    "医疗救助由县医疗保障局负责。\n看病花钱多、自己付不起的,先跟村委会或乡镇说,他们会帮您问清楚;\n符合条件的,就能享受医疗救助。\n也可以在这里申请,村里会上门了解。",
  medicalAssistanceSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 四(二)1“医疗救助”",
  medicalAssistanceProcessSource: "依据:《防止返贫致贫工作实施方案》篇五(一)“医疗救助”",

  // ---------- 教育资助 ----------
  educationAid:
    "家里困难的在校学生,可以得到这些帮助:\n1. 奖学金、助学金;\n2. 勤工助学岗位、助学贷款;\n3. 学费等相关费用减免;\n4. 因身体原因不能到校的,可以送教上门。\n符合什么条件、给多少,按当地政策,请问孩子的学校或县教育局。",
  educationAidSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 四(二)3“教育救助”",

  // ---------- 危房改造 ----------
  housing:
    "农村困难家庭,主要住的房子是危房的,可以得到危房改造或抗震改造补助。\n有关部门会上门鉴定房子安不安全,符合条件的纳入改造。\n补助多少按当地标准,由县里定。\n可以先跟村委会说,或在这里申请,村里会上门看。",
  housingConditions:
    "能申请危房改造补助的:\n1. 农村低收入家庭(比如低保、特困、防返贫监测户等困难家庭);\n2. 主要居住的房子是危房。\n补助多少按当地标准,由县里定。",
  housingProcess:
    "申请危房改造:\n1. 先跟村委会说,或在这里申请;\n2. 有关部门会上门摸排,鉴定房子安不安全;\n3. 符合条件的困难家庭,纳入住房安全保障补助,由县住建局负责。\n具体怎么办,村委会或乡镇能告诉您。",
  housingSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 四(二)4“住房救助”",
  housingProcessSource: "依据:《防止返贫致贫工作实施方案》篇五(五)“住房保障”",

  // ---------- 收费 ----------
  fees: "申请低保、救助和防返贫监测,都不用交钱。\n有人要您交钱、送礼才给办,这是违规的,\n可以打乡镇民政办公布的投诉举报电话反映。",
  feesSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第11篇 二(一)",

  // ---------- 查进度、有哪些帮助、去哪申请、这个助手 ----------
  checkProgress:
    "查办理进度:\n1. 发“查进度”,我告诉您办到哪一步了;\n2. 别人帮您报的,发案件编号(比如 2026-000123)查询;\n3. 有新进展,我也会发消息告诉您。",
  checkProgressSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 三(一)“个人申请”",
  helpOverview:
    "困难群众可以申请的帮助主要有:\n1. 基本生活:低保、特困供养;\n2. 专项救助:医疗、教育、住房、就业等;\n3. 急难救助:临时救助;\n4. 防返贫监测帮扶。\n想了解哪一种,直接问我,比如“低保要什么条件”。",
  helpOverviewSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 四“常态化救助帮扶措施”",
  whereToApply:
    "可以在这些地方申请:\n1. 乡镇(街道)的社会救助服务窗口,或政务服务“一门受理”窗口;\n2. 村(社区)党群服务中心,请他们代为申请;\n3. 就在这里:发“申请”,我一步一步帮您填。\n不方便出门的,可以请家人或村干部帮忙。",
  whereToApplySource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 三(一)“个人申请”",
  aboutService:
    "我是社会救助和防返贫监测的申请助手。在这里可以:\n1. 说出家里遇到的困难,我帮您报给村里;\n2. 申请防返贫监测帮扶,或低保、特困等救助;\n3. 查询办理进度。",
  aboutServiceSource: "依据:《乡镇农村低收入人口常态化帮扶工作方案》第2篇 三(一)“个人申请”",

  // ---------- 通用 ----------
  askApply: "要不要现在帮您申请?回复“申请”开始,回复“不用”就好。",
  notFound: "这个问题我答不准,村委会或乡镇民政办能告诉您。",
  notFoundWithPhone: "这个问题我答不准,村委会或乡镇民政办能告诉您,也可以打电话问:{{phone}}。",
  countyPhone: "县里的咨询电话:{{phone}}",
  noApply: "好的,有需要随时找我。",
} as const;

export type PolicyAnswers = { [K in keyof typeof policyAnswersZhCN]: string };

const plan001 = "“Township plans for regular help to rural low-income people” (乡镇农村低收入人口常态化帮扶工作方案)";
const plan004 = "“Implementation plans for preventing return to poverty” (防止返贫致贫工作实施方案)";
const plan002 =
  "“Yanjing Street Office, Daying County: 2022 plan for the concentrated check of return-to-poverty monitoring” (大英县盐井街道办事处2022年防止返贫监测帮扶集中排查工作方案)";

export const policyAnswersEn: PolicyAnswers = {
  // ---------- Minimum living allowance (低保) ----------
  lowIncome:
    "Dibao (低保, the minimum living allowance) helps poor families with basic living costs.\nYou can apply if the average income of the people living together is below the local dibao line and your property meets the local rules.\nThe local dibao line is published by the county.\nYou can ask me: “conditions for dibao”, “what documents”, “how to apply”, “how long”.",
  lowIncomeConditions:
    "Dibao depends on two things:\n1. The average income of the family members living together is below the local dibao line;\n2. The family's property (savings, house, car and so on) meets the local rules.\nThe local line is published by the county; the village committee or township civil-affairs office can tell you.\nA person with a severe disability or serious illness can sometimes be covered on their own.",
  lowIncomeMaterials:
    "For dibao you usually need:\n1. A written application from the head of household, plus the application form;\n2. Household register (户口本) and ID cards;\n3. Proof of the family's income;\n4. If someone is ill or disabled: disability card, discharge summary or diagnosis (outpatient records do not count).\nPlaces differ a little; follow what the village committee or township civil-affairs office says.",
  lowIncomeProcess:
    "How to apply for dibao:\n1. The head of household applies in writing, for the whole family, to the village (community) or township;\n2. At least two people from the village visit to check your income and living conditions;\n3. The village holds a democratic appraisal and posts the result publicly;\n4. The township reviews, the county civil affairs bureau approves, then the allowance is paid.\nYou can also apply right here; I will guide you step by step.",
  lowIncomeTimeline:
    "The main steps for dibao take time:\n1. After the village appraisal the result is posted, usually for at least 7 days;\n2. If someone objects, the village checks again and posts again;\n3. Then the township reviews and the county civil affairs bureau approves.\nHow long it takes in total differs by place; the village committee or township civil-affairs office can tell you.",
  lowIncomeAmount:
    "Dibao usually tops up the gap:\nit pays the difference between your family's average income and the local dibao line.\nThe line is set and published by the county;\nthe village committee or township civil-affairs office can tell you the amount.",
  lowIncomeSource: `Source: ${plan001}, part 2, section 4 (1) “basic living assistance”`,
  lowIncomeMaterialsSource: `Source: ${plan001}, part 10, section 3.2 “identify dibao households accurately”`,
  lowIncomeProcessSource: `Source: ${plan001}, part 10, section 3.2 “identify dibao households accurately”`,
  lowIncomeTimelineSource: `Source: ${plan001}, part 12, section 2 (2) 3 “publicity and re-check”`,
  lowIncomeAmountSource: `Source: ${plan001}, part 11, section 2 (3)`,

  // ---------- Support for people in extreme poverty (特困供养) ----------
  extremePoverty:
    "Extreme-poverty support (特困供养) is for elderly, disabled and under-age people with nothing to live on.\nAll must apply: unable to work, no source of living, and no one legally bound to support them (or they cannot).\nThe county civil affairs bureau (in some places the township) confirms it; the level of support follows local rules.\nYou can ask me: “conditions for extreme-poverty support”, “how to apply”.",
  extremePovertyConditions:
    "Extreme-poverty support needs all three:\n1. Unable to work;\n2. No source of living;\n3. No one legally bound to support them (such as children), or those people cannot.\nIt is for elderly, disabled and under-age people; the county civil affairs bureau (in some places the township) confirms it.",
  extremePovertyProcess:
    "To apply for extreme-poverty support:\n1. Apply at the social assistance window of the township (street office);\n2. Or ask the village (community) service centre to apply for you;\n3. Give the information asked about the family; the county civil affairs bureau (in some places the township) confirms it.\nThe village committee or township civil-affairs office will tell you which documents to bring. You can also apply right here.",
  extremePovertySource: `Source: ${plan001}, part 2, section 4 (1) 3 “support for people in extreme poverty”`,
  extremePovertyProcessSource: `Source: ${plan001}, part 2, section 3 (1) “individual application”`,

  // ---------- Temporary assistance (临时救助) ----------
  temporaryAssistance:
    "Temporary assistance (临时救助) helps a family through a hard spell.\nYou can apply if a sudden emergency, or unavoidable costs that are too high, leave you unable to cover basic living.\nHow much, and how often a year, follows local rules.\nYou can ask me: “conditions for temporary assistance”, “who do I ask”.",
  temporaryAssistanceConditions:
    "Temporary assistance covers two situations:\n1. Emergency: a sudden disaster, accident or other emergency leaves you unable to cover basic living;\n2. Expenses: illness, disaster or an accident brings costs you cannot avoid, or income drops sharply, and basic living becomes very hard.\nExactly how this is judged follows the county's rules.",
  temporaryAssistanceProcess:
    "To apply for temporary assistance:\n1. Apply at the township (street office) social assistance window, or ask the village committee to help;\n2. In some places you can apply where the emergency happened;\n3. In urgent cases help can come first and the paperwork afterwards.\nYou can also apply right here.",
  temporaryAssistanceAmount:
    "The amount of temporary assistance follows the local standard; it is not one fixed sum.\nThe civil affairs department reviews it and pays it to your bank card.\nThe village committee or township civil-affairs office can tell you the amount.",
  temporaryAssistanceSource: `Source: ${plan001}, part 2, section 4 (3) “emergency assistance”`,
  temporaryAssistanceConditionsSource: `Source: ${plan001}, part 2, sections 2 (4) and 4 (3)`,
  temporaryAssistanceAmountSource: `Source: ${plan004}, part 5 (2) “temporary assistance”`,

  // ---------- Return-to-poverty monitoring (防返贫监测) ----------
  monitoring:
    "Return-to-poverty monitoring (防返贫监测) is there so that illness, disaster, an accident or losing work does not push a family (back) into poverty.\nAfter checks by the village, township and county, households at risk are taken into monitoring,\nand then get help that fits their needs: farming or business, jobs, medical, schooling, housing, dibao and so on.\nYou can ask me: “who can be monitored”, “how to apply”.",
  monitoringConditions:
    "A rural household (the whole family) can be taken into monitoring if:\n1. Its average net income per person for the year is below this year's monitoring income line;\n2. Or it falls below that line after costs you cannot avoid (medical, school), or after a sharp income drop;\n3. Or a child is out of school because of hardship, there is no basic medical insurance, or the house or drinking water is unsafe.\nBoth formerly poor and ordinary households count. The county publishes the line; the village committee can tell you.",
  monitoringMaterials:
    "You don't need to gather many documents to apply for monitoring:\n1. Tell the village about your situation, or apply right here;\n2. When the village visits, they ask about income and spending, schooling, medical care, housing and drinking water;\n3. The staff who visit will tell you which papers they need to see.",
  monitoringProcess:
    "After you apply for monitoring:\n1. The village visits your home within 5 working days;\n2. The village meets to appraise it; whether a list is posted follows local rules;\n3. The township re-visits and reviews within 3 working days;\n4. The county checks the data and decides within 3 working days, then arranges help.\nYou don't have to apply: if village visits or department data find you, they will come anyway.",
  monitoringSource: `Source: ${plan004}, part 9, section 2 (3) “monitoring procedure”`,
  monitoringConditionsSource: `Source: ${plan002}, section 2 (1) “identifying new monitoring households”`,

  // ---------- Medical assistance (医疗救助) ----------
  medicalAssistance:
    "Medical assistance (医疗救助) helps poor people with high medical costs:\nit is for dibao recipients, people in extreme poverty, and people who have fallen or may fall into poverty.\nFor chronic or special outpatient illness and hospital stays, basic medical insurance and serious-illness insurance pay first;\nthe part you still pay yourself is then helped according to policy.\nHow much is covered follows local policy, published by the county.",
  medicalAssistanceConditions:
    "Medical assistance is for:\n1. Dibao recipients;\n2. People in extreme poverty;\n3. People who have fallen into poverty, or may easily fall into it (such as monitored households).\nIt covers chronic or special outpatient illness and hospital stays: the part you still pay after medical insurance and serious-illness insurance.",
  medicalAssistanceAmount:
    "How much medical assistance covers:\nbasic medical insurance and serious-illness insurance pay first;\nthe part left for you to pay is then helped according to local policy.\nRates and limits differ by county and are published by the county; the village committee, township or county medical insurance bureau can tell you.",
  medicalAssistanceProcess:
    "Medical assistance is run by the county medical insurance bureau.\nIf medical bills are more than you can pay, first tell the village committee or township; they will help you find out what to do;\nif you qualify, you receive medical assistance.\nYou can also apply right here, and the village will visit.",
  medicalAssistanceSource: `Source: ${plan001}, part 2, section 4 (2) 1 “medical assistance”`,
  medicalAssistanceProcessSource: `Source: ${plan004}, part 5 (1) “medical assistance”`,

  // ---------- Education help (教育资助) ----------
  educationAid:
    "Students from poor families can get:\n1. Scholarships and grants;\n2. Work-study jobs and student loans;\n3. Reduced or waived tuition and other fees;\n4. Teaching at home for children who cannot attend school for health reasons.\nWho qualifies and how much follows local policy; ask your child's school or the county education bureau.",
  educationAidSource: `Source: ${plan001}, part 2, section 4 (2) 3 “education assistance”`,

  // ---------- Repairing unsafe houses (危房改造) ----------
  housing:
    "Poor rural families whose main house is unsafe can get a subsidy to repair or rebuild it (危房改造) or to make it earthquake-safe.\nThe departments concerned come and assess whether the house is safe; those who qualify are included.\nThe amount follows the local standard set by the county.\nTell the village committee first, or apply here, and the village will come and look.",
  housingConditions:
    "Who can get a subsidy for an unsafe house:\n1. Rural low-income families (such as dibao, extreme-poverty or monitored households);\n2. Whose main house is assessed as unsafe.\nThe amount follows the local standard set by the county.",
  housingProcess:
    "To apply for the repair of an unsafe house:\n1. Tell the village committee, or apply here;\n2. The departments concerned visit and assess whether the house is safe;\n3. Families who qualify receive the housing-safety subsidy, run by the county housing bureau.\nThe village committee or township can tell you the details.",
  housingSource: `Source: ${plan001}, part 2, section 4 (2) 4 “housing assistance”`,
  housingProcessSource: `Source: ${plan004}, part 5 (5) “housing security”`,

  // ---------- Fees ----------
  fees: "Applying for dibao, assistance or monitoring costs nothing.\nIf anyone asks you for money or gifts to get it done, that is against the rules;\nreport it on the complaint hotline published by the township civil-affairs office.",
  feesSource: `Source: ${plan001}, part 11, section 2 (1)`,

  // ---------- Progress, what help there is, where to apply, this service ----------
  checkProgress:
    "To check progress:\n1. Send “progress” and I will tell you which step your case is at;\n2. If someone else filed for you, send the case number (such as 2026-000123);\n3. When something new happens, I will also message you.",
  checkProgressSource: `Source: ${plan001}, part 2, section 3 (1) “individual application”`,
  helpOverview:
    "The main kinds of help you can apply for:\n1. Basic living: dibao, extreme-poverty support;\n2. Special assistance: medical, education, housing, employment and more;\n3. Emergencies: temporary assistance;\n4. Return-to-poverty monitoring and help.\nAsk me about any of them, for example “conditions for dibao”.",
  helpOverviewSource: `Source: ${plan001}, part 2, section 4 “regular assistance measures”`,
  whereToApply:
    "You can apply at:\n1. The social assistance window or the one-stop government service window of the township (street office);\n2. The village (community) service centre, who can apply for you;\n3. Right here: send “apply” and I will guide you step by step.\nIf going out is hard, family members or village cadres can help.",
  whereToApplySource: `Source: ${plan001}, part 2, section 3 (1) “individual application”`,
  aboutService:
    "I am the application assistant for social assistance and return-to-poverty monitoring. Here you can:\n1. Tell me about a hardship at home, and I report it to your village;\n2. Apply for monitoring and help, or for dibao, extreme-poverty support and other assistance;\n3. Check how your case is progressing.",
  aboutServiceSource: `Source: ${plan001}, part 2, section 3 (1) “individual application”`,

  // ---------- Common ----------
  askApply: "Shall I help you apply now? Reply “apply” to start, or “no thanks” if not.",
  notFound: "I can't answer that reliably. Your village committee or the township civil-affairs office can tell you.",
  notFoundWithPhone:
    "I can't answer that reliably. Your village committee or the township civil-affairs office can tell you, or you can call {{phone}}.",
  countyPhone: "The county's enquiry line: {{phone}}",
  noApply: "All right; message me whenever you need.",
};
