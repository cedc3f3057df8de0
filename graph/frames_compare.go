package graph

import (
	"context"
	"fmt"

	"github.com/policykb/policykb"
)

// FrameProfiles is each city's policy mix at a level of a frame: the
// level's codes in frame order, and per city name its counts at them.
type FrameProfiles struct {
	Level  string // the level's id as the frame spells it
	Codes  []AxisValue
	ByCity map[string][]policykb.Count
}

// FrameCountsByCity returns the reference points and material sources of
// every code of a frame level per city, among the sentences the filter
// admits (DESIGN §2, in every frame: direct and derived codings, by the
// filter's coders or else every coder but an automatic one). It is the
// REFERENCE_POINTS and MATERIAL_SOURCES cells of the cross-tab of the
// level against CITY, read in one call (from FRAME_ROLLUP and
// FRAME_LEVELS unless the filter names coders). A city with no admitted
// document is absent from ByCity; a code a city does not hold is absent
// from its list. An unknown frame or level is a policykb.InvalidArgument
// naming arg.
func (s *Store) FrameCountsByCity(ctx context.Context, arg string, level Axis, f policykb.CorpusFilter) (FrameProfiles, error) {
	ctx, end := s.enter(ctx, "FrameCountsByCity")
	defer end()
	if !level.IsFrame() {
		return FrameProfiles{}, policykb.InvalidArgument(arg, "graph: frame counts by city: give a frame and its level, not a dimension")
	}
	study, err := s.StudyID(ctx, f.Study)
	if err != nil {
		return FrameProfiles{}, err
	}
	codes, err := s.resolveAxis(ctx, study, f.Study, arg, level)
	if err != nil {
		return FrameProfiles{}, err
	}
	t, err := s.frameByDimension(ctx, study, f, codes, policykb.DimensionCity)
	if err != nil {
		return FrameProfiles{}, fmt.Errorf("graph: frame counts by city: %w", err)
	}
	out := FrameProfiles{Level: codes.level, Codes: t.rows, ByCity: map[string][]policykb.Count{}}
	for j, city := range t.cols {
		list := []policykb.Count{}
		for i, code := range t.rows {
			if t.refs[i][j] > 0 {
				list = append(list, policykb.Count{CodeID: code.ID, ReferencePoints: t.refs[i][j], MaterialSources: t.docs[i][j]})
			}
		}
		out.ByCity[city.ID] = list
	}
	return out, nil
}
