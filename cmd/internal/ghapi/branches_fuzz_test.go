package ghapi

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// FuzzReadBranchPulls: whatever GitHub's answer to the branch query, it is
// an error or pull requests of the branches asked for, into the base asked
// for, from this repository, each with a number and a state that agrees
// with merged; never a panic. The seed corpus is in
// testdata/fuzz/FuzzReadBranchPulls.
func FuzzReadBranchPulls(f *testing.F) {
	f.Add([]byte(`{"data":{"repository":{"b0":{"pageInfo":{"hasNextPage":false},"nodes":[{"number":1,"state":"MERGED","merged":true,"headRefName":"t1","headRefOid":"a","baseRefName":"main","headRepository":{"nameWithOwner":"octo/repo"}}]},"b1":{"pageInfo":{"hasNextPage":true},"nodes":[]}}}}`))
	branches := []string{"t1", "t2"}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out := map[string][]PullRequest{}
		more, err := readBranchPulls(raw, "octo/repo", "main", branches, out)
		if err != nil {
			return
		}
		var errs struct{ Errors []json.RawMessage }
		if json.Unmarshal(raw, &errs) == nil && len(errs.Errors) > 0 {
			t.Errorf("an answer with errors was read: %s", raw)
		}
		for _, b := range more {
			if !slices.Contains(branches, b) || len(out[b]) != 0 {
				t.Errorf("more pages of %q, which has %d pull requests read", b, len(out[b]))
			}
		}
		for b, pulls := range out {
			if !slices.Contains(branches, b) {
				t.Errorf("pull requests of branch %q, not asked for", b)
			}
			for _, pr := range pulls {
				switch {
				case pr.Number <= 0, pr.HeadRef != b, pr.BaseRef != "main", pr.HeadSHA == "",
					!strings.EqualFold(pr.HeadRepo, "octo/repo"),
					pr.State != "open" && pr.State != "closed", pr.Merged && pr.State != "closed":
					t.Errorf("branch %q: read %+v from %s", b, pr, raw)
				}
			}
		}
	})
}
