package plan

import (
	"regexp"
	"sync"
)

// The expressions are compiled on first use, not when a program that
// links plan starts: ps-local check, which starts often, never needs them.
var (
	placeholderRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`) })
	envNameRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
)

func validEnvName(name string) bool { return envNameRE().MatchString(name) }

// placeholders lists the {name} placeholders of an env template.
func placeholders(template string) []string {
	var names []string
	for _, m := range placeholderRE().FindAllStringSubmatch(template, -1) {
		names = append(names, m[1])
	}
	return names
}

func knownPlaceholder(name string) bool {
	return name == "id" || name == "branch" || name == "slug" || name == "port"
}
