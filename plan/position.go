package plan

// Position is a place in the plan file: 1-based line and byte column. The
// zero Position means "the file as a whole".
type Position struct {
	Line, Col int
}

// Less orders positions top to bottom, left to right.
func (p Position) Less(q Position) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}
