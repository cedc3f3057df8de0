package loaders

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/policykb/policykb/refiqda"
)

// Encodings a manifest's encoding column may name; "" means EncodingAuto.
const (
	EncodingAuto    = "auto"
	EncodingUTF8    = "utf-8"
	EncodingUTF16   = "utf-16"
	EncodingGB18030 = "gb18030"
	EncodingGBK     = "gbk"
)

// encodingNames maps the accepted spellings of the encoding column to the
// canonical name.
var encodingNames = map[string]string{
	"": EncodingAuto, "auto": EncodingAuto,
	"utf-8": EncodingUTF8, "utf8": EncodingUTF8,
	"utf-16": EncodingUTF16, "utf16": EncodingUTF16, "utf-16le": "utf-16le", "utf-16be": "utf-16be",
	"gb18030": EncodingGB18030, "gbk": EncodingGBK, "gb2312": EncodingGBK, "cp936": EncodingGBK,
}

// parseEncoding returns the canonical name of an encoding column value.
func parseEncoding(s string) (string, error) {
	if e, ok := encodingNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return e, nil
	}
	return "", fmt.Errorf("%q: expected utf-8, utf-16, gb18030, gbk or auto (the default)", s)
}

// decodeText decodes a plain text file. Named encodings are used as they
// are (utf-16 without a byte-order mark is read as little-endian). With
// "auto": a byte-order mark decides (UTF-8, UTF-16 LE or BE); otherwise
// valid UTF-8 is UTF-8; otherwise the bytes are decoded as GB18030 and
// accepted when every sequence is valid GB18030 and at least 80% of the
// non-ASCII characters are CJK (Han characters, CJK and full-width
// punctuation); otherwise it is an error giving the first byte that is not
// UTF-8.
func decodeText(b []byte, enc string) (string, error) {
	switch enc {
	case EncodingUTF8:
		// normalizeText reports the offset of the first bad byte.
		if off := invalidUTF8(bytes.TrimPrefix(b, utf8BOM)); off >= 0 {
			_, err := normalizeText(b)
			return "", err
		}
		return string(b), nil
	case EncodingUTF16, "utf-16le", "utf-16be":
		s, err := refiqda.DecodeUTF16(b, enc == "utf-16be")
		if err != nil {
			return "", fmt.Errorf("%v; check the encoding named in the manifest", err)
		}
		return s, nil
	case EncodingGB18030, EncodingGBK:
		return decodeWith(simplifiedchinese.GB18030, b, strings.ToUpper(enc))
	}
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		return decodeText(b, EncodingUTF8)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeText(b, "utf-16le")
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeText(b, "utf-16be")
	}
	if bytes.IndexByte(b, 0) >= 0 {
		// No text file holds NUL; UTF-16 holds one in every ASCII character.
		return "", errors.New("holds NUL bytes: it looks like UTF-16 without a byte-order mark; name utf-16 in the manifest's encoding column (read as little-endian), or save it as UTF-8")
	}
	off := invalidUTF8(b)
	if off < 0 {
		return string(b), nil
	}
	if s, ok := gb18030Text(b); ok {
		return s, nil
	}
	return "", fmt.Errorf("not valid UTF-8 at byte offset %d (0x%02x), nor GB18030 Chinese text; convert the file to UTF-8 (e.g. iconv -f GB18030 -t UTF-8) or name its encoding in the manifest's encoding column", off, b[off])
}

// decodeWith decodes b, refusing bytes the encoding cannot decode.
func decodeWith(e encoding.Encoding, b []byte, name string) (string, error) {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("not valid %s: %v", name, err)
	}
	if n := bytes.Count(out, []byte(string(utf8.RuneError))); n > 0 {
		return "", fmt.Errorf("not valid %s: %d byte sequences cannot be decoded; check the encoding named in the manifest", name, n)
	}
	return string(out), nil
}

// gb18030Text decodes b as GB18030 and says whether it reads as Chinese
// text: no undecodable sequence, and CJK characters make up at least 80% of
// the non-ASCII characters (bytes of another encoding decode to rare
// symbols and letters of other scripts).
func gb18030Text(b []byte) (string, bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", false
	}
	s := string(out)
	var nonASCII, cjk int
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		nonASCII++
		if isCJK(r) {
			cjk++
		}
	}
	return s, nonASCII > 0 && cjk*5 >= nonASCII*4
}

// isCJK reports Han characters and the punctuation and symbols that
// Chinese text uses.
func isCJK(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r),
		r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
		r >= 0xFF00 && r <= 0xFFEF, // full-width forms
		r >= 0x2010 && r <= 0x206F, // general punctuation: “ ” — …
		r >= 0x2160 && r <= 0x217F, // Roman numerals Ⅰ Ⅱ
		r >= 0x2460 && r <= 0x24FF, // circled numbers ①
		r >= 0x25A0 && r <= 0x25FF, // shapes ■ ●
		r == 0x00B7 || r == 0x00D7: // · ×
		return true
	}
	return false
}
