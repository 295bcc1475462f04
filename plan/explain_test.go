package plan

import (
	"os"
	"testing"
)

func TestExplain(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, fs := Parse("full.toml", data)
	if len(fs) > 0 {
		t.Fatalf("full.toml has findings: %v", fs)
	}
	tests := []struct {
		path      string
		owner     int // thread id, 0 for none
		shared    bool
		forbidden []int
	}{
		{"services/auth/login.go", 1, false, []int{2}},
		{"services/auth", 1, false, []int{2}},
		{"services/authz/x.go", 0, false, nil},
		{"services/api/v1/handler.go", 2, false, nil},
		{"services/api/README.md", 0, false, nil},
		{"docs/api/index.md", 2, false, nil},
		{"services/payments/charge.go", 3, false, []int{1}},
		{"go.sum", 0, true, nil},
		{"services/other/x.go", 0, false, nil}, // thread 4 owns services/ but is dropped
	}
	for _, tt := range tests {
		e := p.Explain(tt.path)
		owner := 0
		if len(e.Owners) > 1 {
			t.Errorf("%s: %d owners in a valid plan", tt.path, len(e.Owners))
		}
		if len(e.Owners) == 1 {
			owner = e.Owners[0].Thread.ID
		}
		var forbidden []int
		for _, c := range e.Forbidden {
			forbidden = append(forbidden, c.Thread.ID)
		}
		if owner != tt.owner || (len(e.Shared) > 0) != tt.shared || len(forbidden) != len(tt.forbidden) || (len(forbidden) > 0 && forbidden[0] != tt.forbidden[0]) {
			t.Errorf("Explain(%q) = owner %d, shared %v, forbidden %v; want %d, %v, %v", tt.path, owner, e.Shared, forbidden, tt.owner, tt.shared, tt.forbidden)
		}
	}
}
