package plan

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// valueKind is the TOML type of a value.
type valueKind uint8

const (
	kindString valueKind = iota
	kindInteger
	kindFloat
	kindBool
	kindDatetime
	kindArray
	kindTable
)

var kindNames = [...]string{"string", "integer", "float", "boolean", "datetime", "array", "table"}

func (k valueKind) String() string { return kindNames[k] }

// value is a TOML value with the position it was written at. go-toml's
// decoder reports no positions for values it accepted, so the plan is read
// twice: once by the decoder, which proves the document is valid TOML
// (syntax, duplicate keys, table redefinitions), and once by the parser into
// this tree, which keeps every key's and value's position for findings.
type value struct {
	kind  valueKind
	pos   Position
	str   string   // strings
	num   int64    // integers
	items []*value // arrays
	keys  []entry  // tables, in file order
}

// entry is a key of a table and its value.
type entry struct {
	name string
	pos  Position // of the key
	val  *value
}

func (v *value) lookup(name string) *value {
	for _, e := range v.keys {
		if e.name == name {
			return e.val
		}
	}
	return nil
}

// syntaxError is a document that is not valid TOML.
type syntaxError struct {
	pos Position
	msg string
}

// parseTree checks data is valid TOML and returns its positioned tree.
func parseTree(data []byte) (*value, *syntaxError) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, &syntaxError{newLineIndex(data).position(off), "file is not UTF-8 text"}
	}
	var generic map[string]any
	if err := toml.Unmarshal(data, &generic); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, &syntaxError{Position{line, col}, tomlMessage(de.Error())}
		}
		return nil, &syntaxError{Position{1, 1}, tomlMessage(err.Error())}
	}
	b := treeBuilder{lines: newLineIndex(data)}
	return b.build(data)
}

// tomlMessage makes a go-toml error read like the other findings.
func tomlMessage(msg string) string {
	msg = strings.TrimPrefix(msg, "toml: ")
	return "invalid TOML: " + msg
}

type treeBuilder struct {
	lines lineIndex
	p     unstable.Parser
}

func (b *treeBuilder) build(data []byte) (*value, *syntaxError) {
	root := &value{kind: kindTable, pos: Position{1, 1}}
	cur := root
	b.p.Reset(data)
	for b.p.NextExpression() {
		expr := b.p.Expression()
		switch expr.Kind {
		case unstable.KeyValue:
			parts := b.keyParts(expr.Key())
			tbl := cur
			for _, k := range parts[:len(parts)-1] {
				tbl = b.child(tbl, k)
			}
			last := parts[len(parts)-1]
			tbl.keys = append(tbl.keys, entry{name: last.name, pos: last.pos, val: b.value(expr.Value(), last.pos)})
		case unstable.Table:
			parts := b.keyParts(expr.Key())
			cur = root
			for _, k := range parts {
				cur = b.child(cur, k)
			}
		case unstable.ArrayTable:
			parts := b.keyParts(expr.Key())
			tbl := root
			for _, k := range parts[:len(parts)-1] {
				tbl = b.child(tbl, k)
			}
			last := parts[len(parts)-1]
			arr := tbl.lookup(last.name)
			if arr == nil {
				arr = &value{kind: kindArray, pos: last.pos}
				tbl.keys = append(tbl.keys, entry{name: last.name, pos: last.pos, val: arr})
			}
			cur = &value{kind: kindTable, pos: b.headerStart(data, parts[0].offset)}
			arr.items = append(arr.items, cur)
		}
	}
	if err := b.p.Error(); err != nil {
		// Unreachable after the decoder accepted the document; kept so a
		// disagreement between the two is a finding, not a panic.
		return nil, &syntaxError{Position{1, 1}, tomlMessage(err.Error())}
	}
	return root, nil
}

type keyPart struct {
	name   string
	pos    Position
	offset int
}

// headerStart is the position of the "[[" that opens the header whose first
// key starts at offset: findings about a whole table point there.
func (b *treeBuilder) headerStart(data []byte, offset int) Position {
	for offset > 0 && strings.IndexByte("[ \t", data[offset-1]) >= 0 {
		offset--
	}
	return b.lines.position(offset)
}

func (b *treeBuilder) keyParts(it unstable.Iterator) []keyPart {
	var parts []keyPart
	for it.Next() {
		n := it.Node()
		off := int(n.Raw.Offset)
		parts = append(parts, keyPart{name: string(n.Data), pos: b.lines.position(off), offset: off})
	}
	return parts
}

// child descends into key k of tbl, creating an implicit table, or taking
// the last table of an array of tables, as TOML does.
func (b *treeBuilder) child(tbl *value, k keyPart) *value {
	v := tbl.lookup(k.name)
	switch {
	case v == nil:
		v = &value{kind: kindTable, pos: k.pos}
		tbl.keys = append(tbl.keys, entry{name: k.name, pos: k.pos, val: v})
	case v.kind == kindArray && len(v.items) > 0:
		v = v.items[len(v.items)-1]
	}
	return v
}

// value converts a parser node; at is the position to use for nodes that
// carry none (arrays).
func (b *treeBuilder) value(n *unstable.Node, at Position) *value {
	pos := at
	if n.Raw.Length > 0 {
		pos = b.lines.position(int(n.Raw.Offset))
	}
	v := &value{pos: pos}
	switch n.Kind {
	case unstable.String:
		v.kind, v.str = kindString, string(n.Data)
	case unstable.Integer:
		v.kind = kindInteger
		// The decoder already accepted the literal, so only a value out of
		// int64's range fails here; it saturates, which every rule rejects.
		num, err := strconv.ParseInt(string(n.Data), 0, 64)
		if err != nil {
			num = int64(^uint64(0) >> 1)
		}
		v.num = num
	case unstable.Float:
		v.kind = kindFloat
	case unstable.Bool:
		v.kind = kindBool
	case unstable.Array:
		v.kind = kindArray
		it := n.Children()
		for it.Next() {
			v.items = append(v.items, b.value(it.Node(), pos))
		}
	case unstable.InlineTable:
		v.kind = kindTable
		it := n.Children()
		for it.Next() {
			kv := it.Node()
			parts := b.keyParts(kv.Key())
			tbl := v
			for _, k := range parts[:len(parts)-1] {
				tbl = b.child(tbl, k)
			}
			last := parts[len(parts)-1]
			tbl.keys = append(tbl.keys, entry{name: last.name, pos: last.pos, val: b.value(kv.Value(), last.pos)})
		}
	default: // the date and time kinds
		v.kind = kindDatetime
	}
	return v
}

// lineIndex maps byte offsets to line and column.
type lineIndex []int // offsets at which lines start

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lineIndex) position(off int) Position {
	line := sort.Search(len(l), func(i int) bool { return l[i] > off }) - 1
	return Position{Line: line + 1, Col: off - l[line] + 1}
}
