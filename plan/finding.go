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
	// Severity is Error (the zero value) for a broken rule, which makes the
	// plan invalid, or Warning for advice (coverage) that does not.
	Severity Severity
}

// Severity says whether a finding makes the plan invalid.
type Severity uint8

// Severities. Error is the zero value.
const (
	Error Severity = iota
	Warning
)

// String is "error" or "warning", as --json reports it.
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText encodes the severity as String does.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes "error" or "warning".
func (s *Severity) UnmarshalText(text []byte) error {
	switch string(text) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q; want \"error\" or \"warning\"", text)
	}
	return nil
}

// String is "FILE:LINE:COL: message [rule]", with "warning: " before the
// message of a warning.
func (f Finding) String() string {
	w := ""
	if f.Severity == Warning {
		w = "warning: "
	}
	return fmt.Sprintf("%s:%d:%d: %s%s [%s]", f.File, f.Pos.Line, f.Pos.Col, w, f.Message, f.Rule)
}

// Errors counts the findings that make a plan invalid: all but warnings.
// A plan is valid when Errors is zero.
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity != Warning {
			n++
		}
	}
	return n
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

func (fs *findings) warn(pos Position, rule, format string, args ...any) {
	fs.list = append(fs.list, Finding{File: fs.file, Pos: pos, Rule: rule, Message: fmt.Sprintf(format, args...), Severity: Warning})
}
