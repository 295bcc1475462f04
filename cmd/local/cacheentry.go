package main

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// A cache entry is stored as fields, each ended by a NUL byte (no pattern,
// branch or base holds one: encodeEntry refuses an entry where one would).
// Reading it is one scan that slices one string, with no decoder: a check
// of a short list spends most of its time starting and reading, and the
// JSON decoding of a 50-thread plan took longer than the check (BENCHMARKS.md,
// "check as a whole process"). Each record starts with its kind:
//
//	base NAME
//	valid | invalid FINDINGS-JSON
//	shared TEXT GLOB FILE
//	thread ID MERGE-ORDER STATUS BRANCH
//	owns TEXT GLOB FILE      (of the thread before it)
//	forbids TEXT GLOB FILE   (of the thread before it)
//
// FILE is "1" for a literal that names a file of the base's tree, else "0".

// errEntryField is a field an entry cannot hold.
var errEntryField = errors.New("a field holds a NUL byte")

// encodeEntry is e as stored.
func encodeEntry(e cachedPlan) (string, error) {
	var b strings.Builder
	bad := false
	field := func(s string) {
		bad = bad || strings.IndexByte(s, 0) >= 0
		b.WriteString(s)
		b.WriteByte(0)
	}
	pattern := func(kind string, p cachedPattern) {
		field(kind)
		field(p.Text)
		field(p.Glob)
		field(map[bool]string{false: "0", true: "1"}[p.File])
	}
	field("base")
	field(e.Base)
	if e.Valid {
		field("valid")
	} else {
		findings, err := json.Marshal(e.Findings)
		if err != nil {
			return "", err
		}
		field("invalid")
		field(string(findings))
	}
	for _, p := range e.Shared {
		pattern("shared", p)
	}
	for _, t := range e.Threads {
		field("thread")
		field(strconv.Itoa(t.ID))
		field(strconv.Itoa(t.MergeOrder))
		field(t.Status)
		field(t.Branch)
		for _, p := range t.Owns {
			pattern("owns", p)
		}
		for _, p := range t.Forbids {
			pattern("forbids", p)
		}
	}
	if bad {
		return "", errEntryField
	}
	return b.String(), nil
}

// decodeEntry reads an entry encodeEntry wrote; ok is false for anything
// else.
func decodeEntry(data string) (e cachedPlan, ok bool) {
	fields := entryFields{rest: data, ok: true}
	if fields.next() != "base" {
		return cachedPlan{}, false
	}
	e.Base = fields.next()
	switch fields.next() {
	case "valid":
		e.Valid = true
	case "invalid":
		if json.Unmarshal([]byte(fields.next()), &e.Findings) != nil || len(e.Findings) == 0 {
			return cachedPlan{}, false
		}
	default:
		return cachedPlan{}, false
	}
	// The patterns share one array, each group a slice of it; so the
	// groups come in the order encodeEntry writes them.
	all := make([]cachedPattern, 0, strings.Count(data, "\x00")/4)
	start, last := 0, "shared"
	for fields.ok && fields.rest != "" {
		kind := fields.next()
		if kind != last {
			start = len(all)
		}
		switch {
		case kind == "shared" && len(e.Threads) == 0:
			all = append(all, fields.pattern())
			e.Shared = all[start:len(all):len(all)]
		case kind == "thread":
			id, err1 := strconv.Atoi(fields.next())
			order, err2 := strconv.Atoi(fields.next())
			fields.ok = fields.ok && err1 == nil && err2 == nil
			e.Threads = append(e.Threads, cachedThread{ID: id, MergeOrder: order, Status: fields.next(), Branch: fields.next()})
		case kind == "owns" && (last == "thread" || last == "owns"):
			all = append(all, fields.pattern())
			e.Threads[len(e.Threads)-1].Owns = all[start:len(all):len(all)]
		case kind == "forbids" && (last == "thread" || last == "owns" || last == "forbids"):
			all = append(all, fields.pattern())
			e.Threads[len(e.Threads)-1].Forbids = all[start:len(all):len(all)]
		default:
			return cachedPlan{}, false
		}
		last = kind
	}
	if !fields.ok || (!e.Valid && (len(e.Shared) > 0 || len(e.Threads) > 0)) {
		return cachedPlan{}, false
	}
	return e, true
}

// entryFields reads the NUL-ended fields of an entry; ok turns false at
// the first field that is missing or malformed.
type entryFields struct {
	rest string
	ok   bool
}

func (f *entryFields) next() string {
	i := strings.IndexByte(f.rest, 0)
	if i < 0 {
		f.ok, f.rest = false, ""
		return ""
	}
	s := f.rest[:i]
	f.rest = f.rest[i+1:]
	return s
}

func (f *entryFields) pattern() cachedPattern {
	p := cachedPattern{Text: f.next(), Glob: f.next()}
	switch f.next() {
	case "0":
	case "1":
		p.File = true
	default:
		f.ok = false
	}
	return p
}
