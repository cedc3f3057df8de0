package gen

// City names are made of two syllables, each a Chinese character with its
// pinyin; none of them is meant to be a real prefecture-level city.
var (
	firstSyllables = []syllable{
		{"临", "Lin"}, {"溪", "Xi"}, {"汀", "Ting"}, {"枫", "Feng"}, {"云", "Yun"}, {"青", "Qing"},
		{"澄", "Cheng"}, {"岚", "Lan"}, {"桐", "Tong"}, {"柏", "Bai"}, {"泓", "Hong"}, {"翠", "Cui"},
		{"鹭", "Lu"}, {"渠", "Qu"}, {"沅", "Yuan"}, {"潭", "Tan"}, {"秀", "Xiu"}, {"宁", "Ning"},
		{"嘉", "Jia"}, {"淮", "Huai"}, {"湘", "Xiang"}, {"桂", "Gui"}, {"汶", "Wen"}, {"漳", "Zhang"},
		{"梧", "Wu"}, {"芷", "Zhi"}, {"蓉", "Rong"}, {"沧", "Cang"}, {"雁", "Yan"}, {"松", "Song"},
		{"棠", "Tang"}, {"潇", "Xiao"}, {"洛", "Luo"}, {"瑞", "Rui"}, {"霞", "Xia"}, {"杉", "Shan"},
		{"银", "Yin"}, {"金", "Jin"}, {"华", "Hua"}, {"榆", "Yu"},
	}
	secondSyllables = []syllable{
		{"澜", "lan"}, {"川", "chuan"}, {"阳", "yang"}, {"岭", "ling"}, {"州", "zhou"}, {"原", "yuan"},
		{"江", "jiang"}, {"山", "shan"}, {"浦", "pu"}, {"安", "an"}, {"平", "ping"}, {"泉", "quan"},
		{"城", "cheng"}, {"湖", "hu"}, {"峰", "feng"}, {"水", "shui"}, {"德", "de"}, {"兴", "xing"},
		{"昌", "chang"}, {"沙", "sha"}, {"宁", "ning"}, {"林", "lin"}, {"河", "he"}, {"堰", "yan"},
		{"海", "hai"}, {"关", "guan"}, {"台", "tai"}, {"门", "men"}, {"溪", "xi"}, {"口", "kou"},
		{"坞", "wu"}, {"桥", "qiao"}, {"湾", "wan"}, {"塘", "tang"}, {"石", "shi"}, {"滨", "bin"},
		{"南", "nan"}, {"北", "bei"}, {"东", "dong"}, {"渡", "du"},
	}
	provinces = []string{
		"Hebei", "Shanxi", "Liaoning", "Jilin", "Heilongjiang", "Jiangsu", "Zhejiang", "Anhui", "Fujian",
		"Jiangxi", "Shandong", "Henan", "Hubei", "Hunan", "Guangdong", "Hainan", "Sichuan", "Guizhou",
		"Yunnan", "Shaanxi", "Gansu", "Qinghai", "Inner Mongolia", "Guangxi", "Ningxia", "Xinjiang",
	}
)

type syllable struct{ zh, pinyin string }

// cityNames lists every synthetic city in a fixed order, each English name
// once.
var cityNames = func() []cityName {
	var out []cityName
	seen := map[string]bool{}
	for _, a := range firstSyllables {
		for _, b := range secondSyllables {
			n := cityName{en: a.pinyin + b.pinyin, zh: a.zh + b.zh + "市"}
			if !seen[n.en] {
				seen[n.en] = true
				out = append(out, n)
			}
		}
	}
	return out
}()

type cityName struct{ en, zh string }

// MaxCities is the number of distinct synthetic city names, the most cities
// a corpus can have.
var MaxCities = len(cityNames)
