package loaders

import (
	"errors"
	"fmt"

	"github.com/policykb/policykb/refiqda"
)

func sourceKindName(kind string) string {
	switch kind {
	case refiqda.KindPDF:
		return "PDF source"
	case refiqda.KindPicture:
		return "picture source"
	case refiqda.KindAudio:
		return "audio source"
	case refiqda.KindVideo:
		return "video source"
	}
	return "<" + kind + ">"
}

func sourceEntry(a *refiqda.Archive, s refiqda.Source) string {
	if s.HasContent {
		return "inline"
	}
	e, _, _ := a.SourcePath(s.PlainTextPath)
	return e
}

// sourceText returns a text source's text, or why it cannot be had, and a
// note on a deviation from the standard. err is set only for a refusal (the
// archive expands past its cap).
func sourceText(a *refiqda.Archive, s refiqda.Source) (raw, why, note string, err error) {
	if s.HasContent {
		return s.PlainTextContent, "", "", nil
	}
	if s.PlainTextPath == "" {
		return "", "it has neither plainTextPath nor PlainTextContent", "", nil
	}
	entry, note, ok := a.SourcePath(s.PlainTextPath)
	if !ok {
		return "", fmt.Sprintf("its text %q is outside the archive", s.PlainTextPath), note, nil
	}
	b, err := a.ReadEntry(entry)
	if errors.Is(err, refiqda.ErrTooLarge) {
		return "", "", note, err
	}
	if err != nil {
		return "", fmt.Sprintf("its text %s is not in the archive", entry), note, nil
	}
	raw, err = refiqda.DecodeText(b)
	if err != nil {
		return "", fmt.Sprintf("its text %s cannot be read: %v", entry, err), note, nil
	}
	return raw, "", note, nil
}
