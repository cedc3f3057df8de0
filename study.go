package policykb

import (
	"strings"
	"time"
	"unicode"
)

// Study is one coding of (some of) the knowledge base's documents: its
// coding scheme, its codings and every number counted through them belong
// to it, while cities and documents are shared by every study. ID is the
// slug of its name (StudySlug).
type Study struct {
	ID, Name, Description string
	// Source says where the study comes from: "load" for files loaded with
	// policykb load, "import:<tool>" for a REFI-QDA project, "migration"
	// for a knowledge base stored before studies existed.
	Source    string
	CreatedAt time.Time
}

// StudySlug returns the id of a study called name: lower case, letters and
// digits kept (any script), every other run of characters one hyphen.
func StudySlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
