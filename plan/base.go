package plan

import (
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
)

// BaseOf is the base branch a plan names, DefaultBase when it names none:
// what Parse(file, data).Base says, at a fraction of its cost, for a caller
// that needs nothing else (which plan to read from the base branch). It
// reads only the top-level keys, which TOML puts before the first table,
// and says DefaultBase for text it cannot read there, a base that is not
// a string, an empty one, or one given twice.
func BaseOf(data []byte) string {
	if !utf8.Valid(data) {
		return DefaultBase
	}
	var p unstable.Parser
	p.Reset(data)
	base, seen := "", false
	for p.NextExpression() {
		expr := p.Expression()
		if expr.Kind != unstable.KeyValue {
			break // a table header: no top-level key follows
		}
		key := expr.Key()
		if !key.Next() || string(key.Node().Data) != "base" || key.Next() {
			continue
		}
		v := expr.Value()
		if seen || v.Kind != unstable.String {
			return DefaultBase
		}
		base, seen = string(v.Data), true
	}
	if p.Error() != nil || base == "" {
		return DefaultBase
	}
	return base
}
