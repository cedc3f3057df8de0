//go:build ignore

// gen writes the synthetic noisy test set: four policy documents written
// for this test (never real text), each wrapped in a different kind of
// noise that real policy texts come with, and the hand coding of their
// policy sentences (coder S). Run from the repository's root:
//
//	go run data/testsets/noisy/gen.go
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// policy is a policy sentence written for this set, with its hand coding
// (concept ids of data/sample/codebook.yaml).
type policy struct {
	text  string
	codes []string
}

var sentences = []policy{
	{"深入贯彻党的二十大精神，把产教融合作为推动经济社会高质量发展的重要抓手。", []string{"con-1"}},
	{"坚持以习近平新时代中国特色社会主义思想为指导，全面落实立德树人根本任务。", []string{"con-3"}},
	{"认真落实国务院办公厅关于深化产教融合的若干意见部署要求。", []string{"con-4"}},
	{"坚持政府主导、企业主体、学校主动，政府承担联合体建设的主体责任。", []string{"con-11"}},
	{"依托省级以上开发区组建市域产教联合体，推动园区、企业、学校深度合作。", []string{"con-9"}},
	{"到2026年，全市建成市域产教联合体3个以上，力争1个入选国家级市域产教联合体。", []string{"con-15", "con-16"}},
	{"围绕新能源汽车和电子信息产业集群，推动人才链与产业链精准对接。", []string{"con-17"}},
	{"对年度考核优秀的校企合作项目负责人，在职称评审和评优评先中予以倾斜。", []string{"con-26"}},
	{"市财政每年安排专项资金2000万元，加大对联合体建设的财政支持力度。", []string{"con-83"}},
	{"支持联合体成员企业与职业院校共建产业学院和共享型实训基地。", []string{"con-27"}},
	{"推行现代学徒制，企业师傅与学校教师共同制定学徒培养方案。", []string{"con-33"}},
	{"建立企业技术人员与学校教师双向流动机制，每年互派人员不少于50人次。", []string{"con-39"}},
	{"建设全市职业教育大数据平台，定期发布重点产业人才需求清单。", []string{"con-42", "con-43"}},
	{"成立由分管副市长任组长的市域产教联合体建设领导小组，统筹推进各项工作。", []string{"con-51"}},
	{"联合体实行理事会决策、秘书处执行的运行机制。", []string{"con-50"}},
	{"市教育局每半年对联合体建设情况开展一次专项督导。", []string{"con-54"}},
	{"对连续两年考核不合格的联合体，取消其市级联合体资格。", []string{"con-60"}},
	{"将联合体建设成效纳入对各区县政府教育工作的考核指标。", []string{"con-70"}},
	{"制定联合体建设绩效评价办法，完善以质量为导向的评价体系。", []string{"con-64"}},
	{"出台支持市域产教联合体建设的实施意见，明确建设任务和支持政策。", []string{"con-73"}},
	{"鼓励金融机构为联合体重点项目提供中长期信贷支持。", []string{"con-87"}},
	{"吸引社会资本通过股份制、混合所有制等方式参与联合体建设。", []string{"con-89"}},
	{"通过报纸、电视和新媒体广泛宣传联合体建设的典型案例和先进人物。", []string{"con-d2"}},
	{"及时公开联合体建设进展情况，营造全社会关心支持的良好氛围。", []string{"con-d3", "con-d4"}},
}

// Uncoded lines a human leaves uncoded: background, closing formulas.
var preamble = []string{
	"近年来，我市职业教育规模稳步扩大，现有职业院校12所，在校生4.6万人。",
	"但职业教育与产业发展结合不够紧密，企业参与的积极性有待提高。",
	"为进一步推动职业教育与产业协同发展，经市政府同意，现就有关事项通知如下：",
}
var closing = []string{"各区县可参照本方案，结合实际制定具体措施。", "本方案自印发之日起施行。"}

type doc struct {
	id, title, noise string
	traditional      bool
	lines            []string
}

func main() {
	dir := "data/testsets/noisy"
	toTrad := traditional("data/words/t2s.txt")
	var docs []doc
	var codings [][]string
	part := func(i int) []policy { return sentences[i*6 : i*6+6] }

	// n01: a government site's page copied as text: breadcrumb, metadata,
	// print/close links, footer; a long preamble; run-in headings.
	d := doc{id: "n01", title: "瑞江市推进市域产教联合体建设的实施方案", noise: "page furniture, metadata, preamble, run-in headings"}
	d.lines = append(d.lines, "首页 > 政务公开 > 政策文件 > 规范性文件", "",
		"发布时间：2024-03-12 09:30  来源：瑞江市教育局  浏览次数：1280  字号：【大 中 小】", "", d.title, "")
	for _, p := range preamble {
		d.lines = append(d.lines, p, "")
	}
	for i, p := range part(0) {
		d.lines = append(d.lines, fmt.Sprintf("（%s）%s。%s", []string{"一", "二", "三", "四", "五", "六"}[i], []string{"强化思想引领", "落实政策要求", "压实政府责任", "依托产业园区", "明确建设目标", "聚焦重点产业"}[i], p.text), "")
	}
	d.lines = append(d.lines, closing[1], "", "【打印本页】 【关闭窗口】", "", "版权所有：瑞江市人民政府办公室  网站标识码：3300000001  ICP备12345678号  网站地图 | 联系我们")
	docs = append(docs, d)

	// n02: a reposting site: notices, an advert, share links.
	d = doc{id: "n02", title: "漳岭市关于深化产教融合的若干措施（全文）", noise: "reposting site: source notice, advert, share links, disclaimer"}
	d.lines = append(d.lines, d.title, "", "本文转自漳岭市人民政府网站，仅供学习参考，如有侵权请联系删除。", "",
		"【广告】职业资格证书考试培训火热报名中，报名热线：400-123-4567", "", "一、激励与资金", "")
	for _, p := range part(1) {
		d.lines = append(d.lines, p.text, "")
	}
	d.lines = append(d.lines, closing[0], "", "扫一扫，分享到微信朋友圈", "", "免责声明：本站转载文章仅代表原作者观点，不代表本站立场。", "",
		"上一篇：关于做好2024年职业院校招生工作的通知", "下一篇：职业教育活动周安排")
	docs = append(docs, d)

	// n03: reposted in traditional script, with the metadata table of a
	// government document library.
	d = doc{id: "n03", title: "霞浦市市域产教联合体建设工作方案", noise: "traditional script, metadata lines", traditional: true}
	d.lines = append(d.lines, "索引号：000014349/2024-00027", "主题分类：教育", "发文机关：霞浦市人民政府办公室", "成文日期：2024年05月20日", "",
		d.title, "", "一、组织保障", "")
	for _, p := range part(2) {
		d.lines = append(d.lines, p.text, "")
	}
	d.lines = append(d.lines, closing[1])
	docs = append(docs, d)

	// n04: plain text of a notice without any section heading, sentences
	// run together in long paragraphs, a contact line and attachments.
	d = doc{id: "n04", title: "关于支持市域产教联合体建设的通知", noise: "no headings, long paragraphs, contact and attachment lines"}
	var para []string
	for _, p := range part(3) {
		para = append(para, p.text)
	}
	d.lines = append(d.lines, d.title, "", "各区县人民政府，市政府各部门：", "", preamble[2], "",
		strings.Join(para[:3], ""), "", strings.Join(para[3:], ""), "",
		"联系人：王老师，联系电话：0571-12345678", "", "附件：1.联合体申报书 2.联合体建设任务书")
	docs = append(docs, d)

	w := func(name string, f func(*bufio.Writer)) {
		out, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			panic(err)
		}
		bw := bufio.NewWriter(out)
		f(bw)
		if err := bw.Flush(); err != nil {
			panic(err)
		}
		out.Close()
	}
	os.MkdirAll(filepath.Join(dir, "texts"), 0o755)
	for i, d := range docs {
		text := strings.Join(d.lines, "\n") + "\n"
		if d.traditional {
			text = toTrad(text)
		}
		w("texts/"+d.id+".txt", func(b *bufio.Writer) { b.WriteString(text) })
		for _, p := range sentences[i*6 : i*6+6] {
			q := p.text
			if d.traditional {
				q = toTrad(q)
			}
			for _, c := range p.codes {
				codings = append(codings, []string{d.id, q, c, "S"})
			}
		}
	}
	w("documents.csv", func(b *bufio.Writer) {
		cw := csv.NewWriter(b)
		cw.Write([]string{"id", "city", "city_zh", "province", "title", "issuer", "issued_on", "doc_type", "url", "file", "synthetic"})
		for i, d := range docs {
			city := []string{"Ruijiang", "Zhangling", "Xiapu", "Qinghe"}[i]
			zh := []string{"瑞江市", "漳岭市", "霞浦市", "青禾市"}[i]
			cw.Write([]string{d.id, city, zh, "", d.title, zh + "人民政府", "2024-0" + fmt.Sprint(3+i) + "-12", "noisy synthetic: " + d.noise, "", "texts/" + d.id + ".txt", "true"})
		}
		cw.Flush()
	})
	w("codings.csv", func(b *bufio.Writer) {
		cw := csv.NewWriter(b)
		cw.Write([]string{"document_id", "quote", "code_id", "coder"})
		cw.WriteAll(codings)
	})
}

// traditional returns a simplified → traditional converter inverting the
// character table (the first traditional character of each simplified one).
func traditional(path string) func(string) string {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	back := map[rune]rune{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") {
			continue
		}
		r := []rune(strings.ReplaceAll(l, " ", ""))
		if len(r) == 2 {
			if _, ok := back[r[1]]; !ok {
				back[r[1]] = r[0]
			}
		}
	}
	return func(s string) string {
		return strings.Map(func(r rune) rune {
			if t, ok := back[r]; ok {
				return t
			}
			return r
		}, s)
	}
}
