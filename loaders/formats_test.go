package loaders

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/policykb/policykb"
)

// A synthetic policy text used in every encoding: a title, a heading, two
// sentences and a signature line, with CRLF line ends.
const encText = "临澜市产教联合体建设方案\r\n\r\n一、总体要求\r\n坚持政府统筹，产业牵引。到2025年，建成联合体5个以上。\r\n\r\n临澜市教育局\r\n"

// encWant is encText as stored: CRLF read as LF.
var encWant = strings.ReplaceAll(encText, "\r\n", "\n")

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

func TestDecodeText(t *testing.T) {
	utf16le := encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), encText) // writes FF FE
	utf16be := encode(t, xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM), encText)    // writes FE FF
	utf16noBOM := encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), encText)
	gb := encode(t, simplifiedchinese.GB18030, encText)
	gbk := encode(t, simplifiedchinese.GBK, encText)
	// Latin-1 French: é (0xE9) followed by a space is not GB18030, and
	// the rest is no Chinese text either.
	latin1 := []byte("D\xe9cret n\xb0 2023 relatif \xe0 l'\xe9ducation et \xe0 la formation professionnelle.\n")
	tests := []struct {
		name    string
		data    []byte
		enc     string
		want    string
		wantErr string
	}{
		{"UTF-8", []byte(encText), "", encWant, ""},
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, encText...), "auto", encWant, ""},
		{"UTF-16 LE with BOM", utf16le, "", encWant, ""},
		{"UTF-16 BE with BOM", utf16be, "", encWant, ""},
		{"UTF-16 named, no BOM: little-endian", utf16noBOM, "utf-16", encWant, ""},
		{"UTF-16 without BOM, not named", utf16noBOM, "", "", "holds NUL bytes: it looks like UTF-16 without a byte-order mark"},
		{"GB18030 detected", gb, "", encWant, ""},
		{"GBK detected", gbk, "", encWant, ""},
		{"GBK named", gbk, "GBK", encWant, ""},
		{"GB18030 named", gb, "gb18030", encWant, ""},
		// encText's first character 临 is 0xC1 0xD9 in GBK: byte 0 is the
		// first that is not UTF-8.
		{"GBK named utf-8: the UTF-8 error", gbk, "utf-8", "", "not valid UTF-8 at byte offset 0 (0xc1); convert the file to UTF-8"},
		{"UTF-8 named gb18030", []byte(encText), "gb18030", "", "not valid GB18030: "},
		{"Latin-1: neither", latin1, "", "", "not valid UTF-8 at byte offset 1 (0xe9), nor GB18030 Chinese text"},
		{"unknown encoding name", []byte(encText), "big5", "", `encoding "big5": expected utf-8, utf-16, gb18030, gbk or auto`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeDocument("d.txt", tt.data, tt.enc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestDecodedSentences checks that every encoding gives the same units.
func TestDecodedSentences(t *testing.T) {
	want := []string{
		"HEADING 临澜市产教联合体建设方案",
		"HEADING 一、总体要求",
		"SENTENCE 坚持政府统筹，产业牵引。",
		"SENTENCE 到2025年，建成联合体5个以上。",
		"HEADING 临澜市教育局",
	}
	for name, data := range map[string][]byte{
		"gb18030": encode(t, simplifiedchinese.GB18030, encText),
		"utf-16":  encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), encText),
	} {
		text, err := DecodeDocument("d.txt", data, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		assertUnits(t, name, Segment("d", text), want)
	}
}

func assertUnits(t *testing.T, name string, got []policykb.Sentence, want []string) {
	t.Helper()
	var lines []string
	for _, s := range got {
		lines = append(lines, string(s.Kind)+" "+s.Text)
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: units\n%s\nwant\n%s", name, strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`

// docxBody is a synthetic Word document: a title paragraph split into runs,
// a heading, a paragraph with a line break and a tab, a tracked deletion
// and insertion, a text box written twice (mc:Choice and mc:Fallback, as
// Word does), a 2×2 table, and an empty paragraph.
const docxBody = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps">
<w:body>
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>临澜市推进市域</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>产教联合体建设实施方案</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>一、总体要求</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">坚持政府统筹，产业牵引</w:t></w:r><w:del w:id="1" w:author="A"><w:r><w:delText>，删去的话</w:delText></w:r></w:del><w:ins w:id="2" w:author="A"><w:r><w:t>，校企协同</w:t></w:r></w:ins><w:r><w:t>。</w:t></w:r><w:r><w:br/><w:t>到2025年，建成联合体5个以上。</w:t></w:r></w:p>
<w:p><w:r><w:t>联系人：</w:t></w:r><w:r><w:tab/><w:t>张三</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>附件：任务分工表</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>附件：任务分工表</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>重点任务</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>牵头单位</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>建立理事会制度。</w:t></w:r></w:p><w:p><w:r><w:t>完善章程。</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>市教育局</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p/>
<w:sectPr/>
</w:body>
</w:document>`

func buildDocx(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeDocx(t *testing.T) {
	data := buildDocx(t, map[string]string{"_rels/.rels": docxRels, "word/document.xml": docxBody})
	got, err := DecodeDocument("plan.docx", data, "")
	if err != nil {
		t.Fatal(err)
	}
	want := "临澜市推进市域产教联合体建设实施方案\n\n" +
		"一、总体要求\n\n" +
		"坚持政府统筹，产业牵引，校企协同。\n到2025年，建成联合体5个以上。\n\n" +
		"联系人：\t张三\n\n" +
		"附件：任务分工表\n\n" +
		"重点任务\n\n牵头单位\n\n建立理事会制度。\n\n完善章程。\n\n市教育局"
	if got != want {
		t.Fatalf("docx text\n%q\nwant\n%q", got, want)
	}
	// A hard line break inside a paragraph of words joins them with a space.
	latin := buildDocx(t, map[string]string{"word/document.xml": strings.Replace(docxBody, `<w:t>联系人：</w:t>`, `<w:t>Az orvos szerint. Javasolja a</w:t></w:r><w:r><w:br/><w:t>kötelező oltást.</w:t>`, 1)})
	if got, err := DecodeDocument("l.docx", latin, ""); err != nil {
		t.Fatal(err)
	} else if units := Segment("d", got); !slices.ContainsFunc(units, func(s policykb.Sentence) bool { return s.Text == "Javasolja a kötelező oltást." }) {
		t.Errorf("docx with a hard line break in words: %+v", units)
	}
	assertUnits(t, "docx", Segment("d", got), []string{
		"HEADING 临澜市推进市域产教联合体建设实施方案",
		"HEADING 一、总体要求",
		"SENTENCE 坚持政府统筹，产业牵引，校企协同。",
		"SENTENCE 到2025年，建成联合体5个以上。",
		"HEADING 联系人：\t张三", // short lines without a terminator are title lines
		"HEADING 附件：任务分工表",
		"HEADING 重点任务",
		"HEADING 牵头单位",
		"SENTENCE 建立理事会制度。",
		"SENTENCE 完善章程。",
		"HEADING 市教育局",
	})

	// Without _rels/.rels the main part is word/document.xml.
	if got2, err := DecodeDocument("plan.docx", buildDocx(t, map[string]string{"word/document.xml": docxBody}), ""); err != nil || got2 != want {
		t.Errorf("without package relationships: %q, %v", got2, err)
	}
	// A zip that is not a Word document.
	if _, err := DecodeDocument("plan.docx", buildDocx(t, map[string]string{"_rels/.rels": docxRels}), ""); err == nil ||
		!strings.Contains(err.Error(), "not a Word document: the .docx has no word/document.xml") {
		t.Errorf("docx without document.xml: %v", err)
	}
}

// govWant is the article text of testdata/formats/gov.html: the page's h1
// first, then div#zoom; the logo, navigation, breadcrumb, metadata table,
// script, hidden paragraph, share and related links, and footer are gone.
var govWant = "临澜市人民政府办公室关于推进市域产教联合体建设的实施意见\n\n" +
	"临政办发〔2023〕27号\n\n" +
	"各县（市、区）人民政府，市政府各部门：\n\n" +
	"\u00a0\u00a0\u00a0\u00a0为深化产教融合，推进市域产教联合体建设，现提出如下意见。\n\n" +
	"一、总体要求\n\n" +
	"　　坚持政府统筹、产业牵引，建设3.5个亿元级实训基地。到2025年，建成产教联合体5个以上。\n\n" +
	"二、重点任务\n\n" +
	"（一）健全组织架构。成立由市政府分管领导任组长的领导小组；\n领导小组办公室设在市教育局。\n\n" +
	"完善章程；\n\n建立理事会制度。\n\n" +
	"临澜市人民政府办公室\n2023年7月2日"

var govUnits = []string{
	"HEADING 临澜市人民政府办公室关于推进市域产教联合体建设的实施意见",
	"HEADING 临政办发〔2023〕27号",
	"SENTENCE 各县（市、区）人民政府，市政府各部门：",
	"SENTENCE 为深化产教融合，推进市域产教联合体建设，现提出如下意见。",
	"HEADING 一、总体要求",
	"SENTENCE 坚持政府统筹、产业牵引，建设3.5个亿元级实训基地。",
	"SENTENCE 到2025年，建成产教联合体5个以上。",
	"HEADING 二、重点任务",
	"HEADING （一）健全组织架构。",
	"SENTENCE 成立由市政府分管领导任组长的领导小组；",
	"SENTENCE 领导小组办公室设在市教育局。",
	"SENTENCE 完善章程；",
	"SENTENCE 建立理事会制度。",
	"HEADING 临澜市人民政府办公室",
	"HEADING 2023年7月2日",
}

func TestDecodeHTML(t *testing.T) {
	page, err := os.ReadFile("testdata/formats/gov.html")
	if err != nil {
		t.Fatal(err)
	}
	// The same page as a GB2312 site serves it: the declaration in
	// http-equiv, after a head longer than the 1024 bytes browsers prescan.
	gbPage := bytes.Replace(page, []byte("charset=utf-8"), []byte("charset=gb2312"), 1)
	gbPage = bytes.Replace(gbPage, []byte("<head>"), []byte("<head>\n<!-- "+strings.Repeat("padding ", 150)+"-->"), 1)
	gbPage = encode(t, simplifiedchinese.GBK, string(gbPage))
	// A page with no declaration at all, in GB18030.
	undeclared := encode(t, simplifiedchinese.GB18030, string(bytes.Replace(page, []byte(`<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />`), nil, 1)))
	for _, tt := range []struct {
		name string
		data []byte
		file string
	}{
		{"UTF-8 page", page, "gov.html"},
		{"GB2312 page declared late", gbPage, "gov.htm"},
		{"GB18030 page without declaration", undeclared, "GOV.HTML"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeDocument(tt.file, tt.data, "")
			if err != nil {
				t.Fatal(err)
			}
			if got != govWant {
				t.Fatalf("html text\n%q\nwant\n%q", got, govWant)
			}
			assertUnits(t, tt.name, Segment("d", got), govUnits)
		})
	}
}

// TestDecodeHTMLContainers checks the choice of the article element.
func TestDecodeHTMLContainers(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"article element", `<html><body><nav>首页 政策</nav><article><h2>第一条</h2><p>为规范管理，制定本办法。</p></article><footer>版权所有</footer></body></html>`,
			"第一条\n\n为规范管理，制定本办法。"},
		{"main element", `<body><div class="menu">菜单</div><main><p>甲。</p><p>乙。</p></main><aside>侧栏</aside></body>`, "甲。\n\n乙。"},
		{"TRS_Editor beats article", `<body><article><p>摘要。</p><div class="TRS_Editor"><p>正文。</p></div></article></body>`, "正文。"},
		{"empty container is skipped", `<body><div id="zoom"> </div><div class="article-content"><p>正文。</p></div></body>`, "正文。"},
		{"body when nothing marks the article", `<body><div class="breadcrumb">首页 &gt; 通知</div><div><p>通知如下：</p><p>一、请按时报送。</p></div><div class="footer">联系我们</div></body>`,
			"通知如下：\n\n一、请按时报送。"},
		{"pre keeps line breaks", `<body><pre>第一行
第二行</pre></body>`, "第一行\n第二行"},
		{"two br end a paragraph", `<body><p>甲。<br><br>乙。<br>丙。</p></body>`, "甲。\n\n乙。\n丙。"},
		{"source line break between Chinese characters vanishes", "<body><p>推动产教\n  融合，<b>坚持</b>\n<i>需求</i>导向 AI\n发展。</p></body>", "推动产教融合，坚持需求导向 AI 发展。"},
		{"source line break between words is a space", "<body><p>Javasolja a\nkötelező <b>oltást</b>\n<i>most</i>.</p></body>", "Javasolja a kötelező oltást most."},
		{"plain spaces between Chinese characters stay", "<body><p>推动 融合。</p></body>", "推动 融合。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeDocument("p.html", []byte(tt.page), "")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRefusedFormats(t *testing.T) {
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0}
	tests := []struct {
		file string
		data []byte
		want string
	}{
		{"policy.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "PDF is not read: save it as .docx or .txt"},
		{"misnamed.txt", []byte("%PDF-1.4\n"), "PDF is not read: save it as .docx or .txt"},
		{"old.doc", ole, "an old Word .doc file is not read: open it in Word or WPS and save it as .docx"},
		{"wps.wps", ole, "a WPS .wps file is not read: open it in Word or WPS and save it as .docx"},
		{"old.docx", ole, "an old Word .doc, WPS .wps or Excel .xls file is not read"},
		{"policy.rtf", []byte(`{\rtf1\ansi\deff0 {\fonttbl}}`), "RTF is not read: open it in Word or WPS and save it as .docx"},
		{"scan.png", []byte("\x89PNG\r\n\x1a\n0000"), "an image holds no text to read: run OCR"},
		{"scan.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, "an image holds no text to read: run OCR"},
		{"policy.odt", buildDocx(t, map[string]string{"word/document.xml": "x"}), "OpenDocument .odt is not read: save it as .docx"},
		{"archive.zip", buildDocx(t, map[string]string{"word/document.xml": "x"}), "a zip archive is not read"},
		{"policy.ofd", []byte("not really"), "OFD files are not read: save the document as .docx or .txt"},
		{"text.docx", []byte("plain text named .docx"), "not a .docx file"},
		{"broken.docx", buildDocx(t, map[string]string{"word/document.xml": "<w:document"}), "cannot read word/document.xml in the .docx"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := DecodeDocument(tt.file, tt.data, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestManifestFormats validates, offline, a manifest that lists a document
// in each format, with an encoding column, and one row with a bad encoding
// name and one with a PDF.
func TestManifestFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	page, err := os.ReadFile("testdata/formats/gov.html")
	if err != nil {
		t.Fatal(err)
	}
	write("plan.docx", buildDocx(t, map[string]string{"_rels/.rels": docxRels, "word/document.xml": docxBody}))
	write("page.html", page)
	write("gbk.txt", encode(t, simplifiedchinese.GBK, encText))
	write("u16.txt", encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), encText))
	write("scan.pdf", []byte("%PDF-1.7\n"))
	manifest := "id,city,title,file,encoding\n" +
		"f1,Linlan,方案,plan.docx,\n" +
		"f2,Linlan,意见,page.html,auto\n" +
		"f3,Linlan,方案,gbk.txt,gbk\n" +
		"f4,Linlan,方案,u16.txt,UTF-16\n"
	write("documents.csv", []byte(manifest))
	plan, err := Validate(context.Background(), nil, Input{Manifest: filepath.Join(dir, "documents.csv")})
	if err != nil {
		t.Fatal(err)
	}
	// Units: 11 (docx) + 15 (the page) + 5 + 5.
	wantUnits := map[string]int{"f1": 11, "f2": 15, "f3": 5, "f4": 5}
	for _, b := range plan.Documents {
		if got := len(b.Sentences); got != wantUnits[b.Document.ID] {
			t.Errorf("%s: %d units, want %d", b.Document.ID, got, wantUnits[b.Document.ID])
		}
	}
	if len(plan.Documents) != 4 {
		t.Fatalf("%d documents, want 4", len(plan.Documents))
	}

	write("bad.csv", []byte("id,city,title,file,encoding\n"+
		"b1,Linlan,方案,gbk.txt,big5\n"+
		"b2,Linlan,方案,scan.pdf,\n"))
	_, err = Validate(context.Background(), nil, Input{Manifest: filepath.Join(dir, "bad.csv")})
	bad := filepath.Join(dir, "bad.csv")
	want := []string{
		bad + `:2: encoding: "big5": expected utf-8, utf-16, gb18030, gbk or auto (the default)`,
		filepath.Join(dir, "scan.pdf") + ": PDF is not read: save it as .docx or .txt (in Word or WPS: File → Save As; for a scanned PDF, run OCR first) (listed at " + bad + ":3)",
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}

// FuzzDecodeDocument feeds arbitrary bytes to every reader: none may
// panic, and whatever is accepted is valid UTF-8 without CR or a BOM.
func FuzzDecodeDocument(f *testing.F) {
	page, _ := os.ReadFile("testdata/formats/gov.html")
	f.Add("gov.html", page, "")
	f.Add("d.txt", []byte(encText), "")
	f.Add("d.txt", []byte("\xff\xfe1\x002\x00"), "auto")
	f.Add("d.txt", []byte("\xc1\xd9\xc0\xbd"), "gbk")
	f.Add("d.docx", []byte("PK\x03\x04"), "")
	f.Fuzz(func(t *testing.T, name string, data []byte, enc string) {
		for _, n := range []string{name, "f.txt", "f.html", "f.docx"} {
			text, err := DecodeDocument(n, data, enc)
			if err != nil {
				continue
			}
			if !utf8.ValidString(text) || strings.ContainsAny(text, "\r") || strings.HasPrefix(text, "\uFEFF") {
				t.Fatalf("%s: accepted text %q is not normalised", n, text)
			}
		}
	})
}
