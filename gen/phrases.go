package gen

// The phrase bank: wording in the style of municipal policies on
// industry-education integration, written for synthetic corpora. Templates
// hold slots in braces; no phrase contains a sentence terminator (。！？；)
// or a line break, so every template yields exactly one sentence.

// codedTemplates wrap one concept ({c}, the concept's Chinese name).
var codedTemplates = []string{
	"{s}要{c}，{m}。",
	"{s}要{c}，{m}，{g}。",
	"坚持{c}，{m}，{g}。",
	"鼓励{s}{c}，{m}。",
	"围绕{c}，{s}{m}，{g}。",
	"{t}，{s}{c}，{g}。",
	"进一步{c}，{g}。",
	"支持{s}{c}，对成效明显的予以重点推广。",
	"{s}应当把{c}作为重要任务，{m}。",
	"按照{p}的要求，{s}{c}，{g}。",
}

// pairTemplates wrap two concepts of one sentence ({c} and {c2}).
var pairTemplates = []string{
	"{s}要{c}，同时{c2}，{g}。",
	"坚持{c}与{c2}相结合，{m}。",
	"{t}，{s}{c}，并{c2}。",
}

// plainTemplates are sentences that no code applies to: background,
// situation and boilerplate.
var plainTemplates = []string{
	"{city}地处{region}，是区域重要的{industry}基地，{fact}。",
	"近年来，我市{progress}，{fact}。",
	"当前，{problem}，{problem2}。",
	"{industry}产业是我市的支柱产业，{fact}。",
	"各单位要结合实际，{m}。",
	"{t}，全市{fact}。",
	"我市{progress}，但{problem}。",
	"{s}要高度重视，{m}。",
}

var subjects = []string{
	"市教育局", "市人力资源社会保障局", "市发展改革委", "市财政局", "市工业和信息化局", "市科技局",
	"各区县人民政府", "各职业院校", "联合体牵头单位", "园区管委会", "行业协会", "重点企业", "市国资委",
	"市税务局", "有关部门", "各高等院校", "市商务局", "市委组织部", "市委宣传部", "各成员单位",
}

var means = []string{
	"统筹推进各项任务落地见效", "建立健全工作台账和推进机制", "强化部门协同和政策衔接",
	"细化年度目标和责任清单", "完善配套制度和保障措施", "加强过程管理和跟踪问效",
	"按照“一联合体一方案”的要求推进", "定期研究解决建设中的重大问题", "将相关任务纳入年度重点工作",
	"形成上下联动、齐抓共管的工作格局", "充分发挥政府、企业、学校、科研机构等各方作用",
	"依托产业园区集聚优质资源", "建立常态化沟通协调机制", "加强督促指导和经验总结",
	"健全多元投入和成本分担机制", "用好各类专项资金和政策工具", "每年遴选一批示范项目予以重点培育",
	"组织开展专项调研和评估", "做到任务清单化、责任具体化", "确保有人抓、有人管、有人落实",
}

var goals = []string{
	"推动教育链、人才链与产业链、创新链有机衔接", "切实提升职业教育服务区域经济社会发展的能力",
	"为我市产业转型升级提供有力的技能人才支撑", "打造一批具有区域影响力的产教融合示范项目",
	"形成可复制、可推广的经验做法", "促进人才培养供给侧和产业需求侧结构要素全方位融合",
	"不断增强职业教育的适应性和吸引力", "确保各项政策措施落地落实", "推动联合体实体化、规范化运行",
	"助力我市经济社会高质量发展", "加快建设技能型社会", "努力把我市建设成为产教融合示范城市",
}

var times = []string{
	"到2025年", "“十四五”期间", "自本方案印发之日起", "每年年底前", "三年内", "到2027年底", "2024年起",
	"近期", "到2030年", "每年第一季度",
}

var principles = []string{
	"政府统筹、市场导向", "需求牵引、校企协同", "试点先行、分类推进", "问题导向、精准施策",
	"共建共享、互利共赢",
}

var regions = []string{
	"长江中游", "东南沿海", "西南地区", "中部地区", "黄河流域", "环渤海地区", "珠江流域", "东北老工业基地",
}

var industries = []string{
	"装备制造", "新能源汽车", "电子信息", "生物医药", "现代物流", "新材料", "数字经济", "纺织服装",
	"绿色化工", "文化旅游", "现代农业", "智能家电",
}

var progresses = []string{
	"持续深化职业教育改革", "积极推进产教融合型城市建设", "职业院校办学条件明显改善",
	"校企合作不断走深走实", "技能人才队伍持续壮大", "产业结构不断优化升级",
}

// facts hold %d verbs for a number drawn per use.
var facts = []string{
	"全市共有职业院校%d所", "规模以上工业企业达到%d家", "产业工人总量超过%d万人",
	"在校生规模达到%d万余人", "建成校企共建实训基地%d个", "累计培养技术技能人才%d万人",
}

var problems = []string{
	"校企合作“学校热、企业冷”的问题依然存在", "专业设置与产业需求匹配度有待提高",
	"企业参与职业教育的积极性不高", "高技能人才供给不足", "实训基地共建共享水平不高",
}

var problems2 = []string{
	"制约了职业教育服务产业发展的能力", "亟需通过体制机制创新加以破解",
	"与我市产业转型升级的要求还有差距",
}

// sectionTitles are the headings of a document's parts, in order.
var sectionTitles = []string{
	"总体要求", "基本原则", "建设目标", "重点任务", "组织实施", "政策支持", "保障措施", "监督考核",
	"宣传引导", "工作要求",
}

var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// docKinds pairs a manifest doc_type with the title's ending.
var docKinds = []struct{ docType, ending string }{
	{"implementation plan", "实施方案"}, {"implementation opinions", "实施意见"}, {"work plan", "工作方案"},
	{"measures", "若干措施"}, {"notice", "通知"},
}

var titleTopics = []string{
	"关于深化产教融合推进市域产教联合体建设的", "关于推进市域产教联合体建设的", "关于加快现代职业教育高质量发展的",
	"关于建设产教融合型城市的", "关于支持企业参与职业教育的",
}

var issuers = []string{"人民政府", "人民政府办公室", "教育局", "人力资源和社会保障局", "发展和改革委员会"}
