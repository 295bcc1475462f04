package plan

import (
	"cmp"
	"fmt"
	"slices"
)

// Finding is one problem in a plan file, reported as data rather than as a
// Go error: "FILE:LINE:COL: message [rule]".
type Finding struct {
	File    string
	Pos     Position
	Message string
	Rule    string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s [%s]", f.File, f.Pos.Line, f.Pos.Col, f.Message, f.Rule)
}

// SortFindings orders findings by file, position, rule and message, so that
// output never changes between runs.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// findings collects findings for one file.
type findings struct {
	file string
	list []Finding
}

func (fs *findings) add(pos Position, rule, format string, args ...any) {
	fs.list = append(fs.list, Finding{File: fs.file, Pos: pos, Rule: rule, Message: fmt.Sprintf(format, args...)})
}
