package policykb

import (
	"encoding/json"
	"fmt"
	"strings"
)

// FrameExchange is a frame, and the mappings that derive codings into it,
// as a REFI-QDA export carries them: in the description of one extra root
// code of the project's code tree, the frame's own root, under which the
// frame's codes hang. A QDA program shows it as a folder of codes beside
// the codebook; policykb's import reads it back into a frame (not into the
// grounded-theory codebook). Mapping entries name their source codes as
// the export names them (a codebook code by its GUID in the export).
type FrameExchange struct {
	Frame    Frame     `json:"frame"`
	Mappings []Mapping `json:"mappings,omitempty"`
}

// frameExchangeTag begins the line of the description that holds the
// frame as JSON.
const frameExchangeTag = "policykb-frame: "

// Description is the text of the frame's root code: a sentence for the
// reader of the project in a QDA program, then the frame as JSON on a line
// of its own.
func (x FrameExchange) Description() string {
	b, err := json.Marshal(x)
	if err != nil { // a Frame and Mappings are plain data: cannot fail
		panic(fmt.Sprintf("policykb: frame exchange: %v", err))
	}
	var levels []string
	for _, l := range x.Frame.Levels {
		levels = append(levels, l.ID)
	}
	text := fmt.Sprintf("A coding frame of policykb (%q, levels %s), kept beside the grounded-theory codebook and not part of it.",
		x.Frame.ID, strings.Join(levels, " > "))
	for _, m := range x.Mappings {
		text += fmt.Sprintf(" Codings by the user %q are derived by policykb from codings of %q through the mapping %q, not coded by hand.",
			DerivedCoder(m.ID), m.Source, m.ID)
	}
	return text + "\n" + frameExchangeTag + string(b)
}

// ParseFrameExchange reads a description written by Description: ok is
// false when the description holds no frame (an ordinary code); an error
// when it does but its JSON is broken.
func ParseFrameExchange(desc string) (x FrameExchange, ok bool, err error) {
	for line := range strings.SplitSeq(desc, "\n") {
		rest, found := strings.CutPrefix(strings.TrimSpace(line), frameExchangeTag)
		if !found {
			continue
		}
		if err := json.Unmarshal([]byte(rest), &x); err != nil {
			return x, true, fmt.Errorf("the frame in the code's description is not readable: %v", err)
		}
		if x.Frame.ID == "" || len(x.Frame.Levels) == 0 {
			return x, true, fmt.Errorf("the frame in the code's description has no id or no levels")
		}
		return x, true, nil
	}
	return x, false, nil
}

// DerivedCoder is the coder (and origin) of the codings a mapping derives.
func DerivedCoder(mapping string) string { return "derived:" + mapping }
