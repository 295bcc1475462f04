package plan

import (
	"testing"
)

func TestBaseOf(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"named", "base = \"develop\"\n[[threads]]\nid = 1\n", "develop"},
		{"after other keys", "version = 1\n# the base\nshared = [\"a/\"]\nbase = 'trunk'\n", "trunk"},
		{"quoted key", "\"base\" = \"dev\"\n", "dev"},
		{"escaped", "base = \"de\\u0076\"\n", "dev"},
		{"none", "[[threads]]\nbase = \"not-top-level\"\n", DefaultBase},
		{"empty", "base = \"\"\n", DefaultBase},
		{"not a string", "base = 5\n", DefaultBase},
		{"a table", "base.name = \"x\"\n", DefaultBase},
		{"twice", "base = \"a\"\nbase = \"b\"\n", DefaultBase},
		{"broken before it", "x = \nbase = \"a\"\n", DefaultBase},
		{"not UTF-8", "base = \"\xff\"\n", DefaultBase},
		{"nothing", "", DefaultBase},
	}
	for _, tt := range tests {
		if got := BaseOf([]byte(tt.text)); got != tt.want {
			t.Errorf("%s: BaseOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// FuzzBaseOf holds BaseOf to Decode: on every document Decode reads, the
// base is the one the decoded plan names (DefaultBase when it is empty).
// Seeds: every golden plan.
func FuzzBaseOf(f *testing.F) {
	addGoldenPlans(f)
	f.Add([]byte("base = \"x\"\nbase = \"y\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _ := Decode("fuzz.toml", data, nil)
		if p == nil {
			return // not TOML: no base to agree on
		}
		want := p.Base
		if want == "" {
			want = DefaultBase
		}
		if got := BaseOf(data); got != want {
			t.Fatalf("BaseOf = %q, Decode says %q", got, want)
		}
	})
}
