package loaders

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// DecodeDocument turns the bytes of a document file into the text policykb
// stores (valid UTF-8, no BOM, LF line ends), choosing the reader by the
// file's name and contents:
//
//   - .docx: the body's paragraphs in order, the text of table cells (each
//     cell a paragraph), line breaks and tabs; deleted revisions are left
//     out;
//   - .html, .htm, .xhtml, .shtml: the article text (see htmlText), its
//     charset taken from a byte-order mark, the meta charset declaration, or
//     detected like a text file;
//   - anything else that is text: .txt and the like, in the named encoding
//     or, with enc "" or "auto", detected (see decodeText).
//
// PDF, old Word .doc, WPS .wps, RTF, OpenDocument, spreadsheets and images
// are refused with an error that says what to convert them to. enc is a
// value of the manifest's encoding column (utf-8, utf-16, gb18030, gbk,
// auto).
func DecodeDocument(name string, data []byte, enc string) (string, error) {
	enc, err := parseEncoding(enc)
	if err != nil {
		return "", fmt.Errorf("encoding %v", err)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if err := refuseBinary(ext, data); err != nil {
		return "", err
	}
	var text string
	switch ext {
	case ".docx", ".docm", ".dotx":
		text, err = docxText(data)
	case ".html", ".htm", ".xhtml", ".shtml":
		text, err = htmlText(data, enc)
	default:
		text, err = decodeText(data, enc)
	}
	if err != nil {
		return "", err
	}
	return normalizeText([]byte(text))
}

// refuseBinary recognises the file types policykb does not read, by their
// first bytes (a PDF named .txt is still a PDF) and then by extension.
func refuseBinary(ext string, data []byte) error {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return errors.New("PDF is not read: save it as .docx or .txt (in Word or WPS: File → Save As; for a scanned PDF, run OCR first)")
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		what := "an old Word .doc, WPS .wps or Excel .xls file"
		switch ext {
		case ".doc":
			what = "an old Word .doc file"
		case ".wps":
			what = "a WPS .wps file"
		case ".xls":
			what = "an Excel .xls file"
		}
		return fmt.Errorf("%s is not read: open it in Word or WPS and save it as .docx (or as .txt, UTF-8)", what)
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return errors.New("RTF is not read: open it in Word or WPS and save it as .docx (or as .txt, UTF-8)")
	case isImage(data):
		return errors.New("an image holds no text to read: run OCR on it and save the text as .txt (UTF-8) or .docx")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		switch ext {
		case ".docx", ".docm", ".dotx":
			return nil
		case ".odt":
			return errors.New("OpenDocument .odt is not read: save it as .docx (LibreOffice or WPS: File → Save As)")
		case ".xlsx", ".xlsm":
			return errors.New("a spreadsheet is not a policy document: save the text as .docx or .txt")
		case ".pptx":
			return errors.New("a presentation is not read: save its text as .docx or .txt")
		}
		return errors.New("a zip archive is not read: give the document itself, as .docx, .html or .txt")
	}
	switch ext {
	case ".pdf", ".doc", ".wps", ".rtf", ".odt", ".xls", ".xlsx", ".ppt", ".pptx", ".ofd", ".caj", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp":
		return fmt.Errorf("%s files are not read: save the document as .docx or .txt (UTF-8)", strings.ToUpper(ext[1:]))
	case ".docx", ".docm", ".dotx":
		return errors.New("not a .docx file (a .docx is a zip archive): open it in Word or WPS and save it as .docx again")
	}
	return nil
}

func isImage(b []byte) bool {
	for _, magic := range [][]byte{
		{0x89, 'P', 'N', 'G'}, {0xFF, 0xD8, 0xFF}, []byte("GIF87a"), []byte("GIF89a"),
		[]byte("II*\x00"), []byte("MM\x00*"), []byte("BM"),
	} {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	return len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}
