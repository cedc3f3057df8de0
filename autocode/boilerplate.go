package autocode

import (
	"strings"
	"unicode/utf8"
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
	return utf8.RuneCountInString(s) >= 4 && hanShare(s) < 0.5
}
