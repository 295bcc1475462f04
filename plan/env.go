package plan

import "strings"

// validEnvName reports whether name is a shell variable name: a letter or
// '_', then letters, digits and '_'. The plan reads no regular expression:
// linking package regexp would initialize Unicode tables at the start of
// every program that links plan, ps-local check first (BENCHMARKS.md).
func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// placeholders lists the {name} placeholders of an env template, in
// order: a name between braces, as validEnvName has it.
func placeholders(template string) []string {
	var names []string
	for {
		open := strings.IndexByte(template, '{')
		if open < 0 {
			return names
		}
		template = template[open+1:]
		end := strings.IndexByte(template, '}')
		if end < 0 {
			return names
		}
		if name := template[:end]; validEnvName(name) {
			names = append(names, name)
			template = template[end+1:]
		}
	}
}

func knownPlaceholder(name string) bool {
	return name == "id" || name == "branch" || name == "slug" || name == "port"
}
