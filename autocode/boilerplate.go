package autocode

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb"
)

// Real policy texts come wrapped in what no coder codes: the page furniture
// of the site that published them (打印 关闭 分享到), metadata lines (发布时间：
// 来源： 浏览次数：), reposting sites' notices (本文转自…, 免责声明), contact and
// copyright lines, file numbers. boilerplate recognises such a unit by its
// markers, or by a text that is mostly not Chinese; both coders leave it
// uncoded whatever its words.
var chrome = []string{
	"发布时间", "发文时间", "发布日期", "成文日期", "印发日期", "来源：", "来源:", "信息来源", "浏览次数", "阅读次数",
	"点击数", "访问量", "字号", "【打印】", "【关闭】", "打印本页", "关闭窗口", "分享到", "扫一扫", "责任编辑",
	"编辑：", "审核：", "校对：", "版权所有", "免责声明", "转载请", "本文转自", "联系我们", "网站地图", "ICP备",
	"icp备", "公网安备", "主办单位：", "承办单位：", "技术支持：", "上一篇", "下一篇", "相关链接", "附件：", "附件:",
	"索引号", "主题分类", "发文机关", "文号：", "扫码", "二维码", "原文链接", "http://", "https://", "www.",
	"当前位置", "首页 >", "首页>", "首页 »",
	// The formal clauses of laws, regulations and plans: definitions, scope,
	// entry into force.
	"是指", "本法所称", "本办法所称", "本法适用于", "下列用语的含义", "起施行",
}

func boilerplate(u Unit) bool {
	s := u.Simplified
	for _, m := range chrome {
		if strings.Contains(s, m) {
			return true
		}
	}
	if utf8.RuneCountInString(s) >= 4 && hanShare(s) < 0.5 {
		return true
	}
	return formal(u)
}

// The clauses of laws and regulations that no coder codes by what they
// do as policy:
//   - titles and headings (a list's lead, ending in a colon, is a sentence
//     that may be coded);
//   - the items of a list that only names cases: conditions, situations,
//     acts, modes, duties, rights, activities, meanings (设立…应当具备下列条件：
//     （一）有…；);
//   - a right stated as such (公民有依法接受职业教育的权利; 享有…权利),
//     qualifications and certificates (取得教师资格，应当具备…学历).
var (
	caseLead      = regexp.MustCompile(`下列[^，。；：]{0,12}(条件|情形|行为|方式|义务|权利|活动|用语|原则|项目|职责)`)
	rightClause   = regexp.MustCompile(`享有[^。；]*权利|有[^，。；]{0,16}的权利[。；]?$`)
	qualification = regexp.MustCompile(`(取得|具备|具有|丧失|认定)[^。；]{0,24}(资格|证书)|(资格|证书)[^。；]{0,16}(认定|取得|凭证)`)
)

func formal(u Unit) bool {
	s := strings.TrimSpace(u.Simplified)
	if u.Sentence.Kind == policykb.KindHeading && !strings.HasSuffix(s, "：") && !strings.HasSuffix(s, ":") {
		return true
	}
	if u.Lead != "" && caseLead.MatchString(u.Lead) {
		return true
	}
	if strings.Contains(s, "取消") || strings.Contains(s, "撤销") || strings.Contains(s, "明确") {
		return false
	}
	return rightClause.MatchString(s) || qualification.MatchString(s)
}
