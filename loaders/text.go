package loaders

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// invalidUTF8 returns the byte offset of the first byte that is not valid
// UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// normalizeText turns the bytes of a text file into the text policykb
// stores: valid UTF-8 (or an error giving the offset of the first bad byte),
// without a leading BOM, with CRLF and lone CR turned into LF.
func normalizeText(b []byte) (string, error) {
	skipped := 0
	if bytes.HasPrefix(b, utf8BOM) {
		b, skipped = b[len(utf8BOM):], len(utf8BOM)
	}
	if off := invalidUTF8(b); off >= 0 {
		// offsets count from the start of the file, BOM included
		return "", fmt.Errorf("not valid UTF-8 at byte offset %d (0x%02x); convert the file to UTF-8, e.g. iconv -f GB18030 -t UTF-8", off+skipped, b[off])
	}
	s := string(b)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s, nil
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
