package plan

import "strings"

// renderGlob writes alternatives as one doublestar pattern that matches
// exactly the paths the alternatives do. Three things keep doublestar in line
// with the pattern rules:
//
//   - braces are expanded up front ("{alt1,alt2}" at the very start), because
//     doublestar only tries to match a nullable rest of a pattern when the
//     name runs out if that rest starts with '{' ("a*{,b}" misses "a");
//   - an alternative ending in "*/**" also appears without the "/**", because
//     doublestar does not let "*" match nothing there ("c*/**" misses "c");
//   - character classes are written so they never match '/'.
func renderGlob(alts []alternative) string {
	var parts []string
	for _, a := range alts {
		parts = append(parts, a.render())
		if n := len(a.segs); n >= 2 && a.segs[n-1].globstar && !a.segs[n-2].globstar {
			if toks := a.segs[n-2].toks; toks[len(toks)-1].kind == tokStar {
				parts = append(parts, alternative{segs: a.segs[:n-1]}.render())
			}
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func (a alternative) render() string {
	var b strings.Builder
	for i, s := range a.segs {
		if i > 0 {
			b.WriteByte('/')
		}
		if s.globstar {
			b.WriteString("**")
			continue
		}
		for _, t := range s.toks {
			switch r, lit := t.set.literal(); {
			case t.kind == tokStar:
				b.WriteByte('*')
			case lit:
				if strings.ContainsRune(`*?[]{},\`, r) {
					b.WriteByte('\\')
				}
				b.WriteRune(r)
			case t.set.negated && len(t.set.ranges) == 0:
				b.WriteByte('?')
			default:
				b.WriteString(t.set.classGlob())
			}
		}
	}
	return b.String()
}
