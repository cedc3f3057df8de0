package loaders_test

import (
	"fmt"

	"github.com/policykb/policykb/loaders"
)

func ExampleSegment() {
	text := "临澜市推进市域产教联合体建设实施方案\n\n" +
		"一、总体要求\n" +
		"（一）健全组织架构。在市政府统筹下，市财政每年安排3.5亿元\n" +
		"专项资金。详见www.linlan.gov.cn。\n"
	for _, s := range loaders.Segment("d01", text) {
		fmt.Printf("%s %-8s [%d,%d) %s\n", s.ID, s.Kind, s.Start, s.End, s.Text)
	}
	// Output:
	// d01#0 HEADING  [0,18) 临澜市推进市域产教联合体建设实施方案
	// d01#1 HEADING  [20,26) 一、总体要求
	// d01#2 HEADING  [27,37) （一）健全组织架构。
	// d01#3 SENTENCE [37,63) 在市政府统筹下，市财政每年安排3.5亿元专项资金。
	// d01#4 SENTENCE [63,83) 详见www.linlan.gov.cn。
}
