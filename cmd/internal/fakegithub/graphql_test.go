package fakegithub

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, url string, body any) (int, string) {
	t.Helper()
	data, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Another operation, or the BranchPulls operation with a query text the
// fake does not know, fails the test with a 501; the query it knows is
// answered, recorded as a read, and filtered as GitHub filters it.
func TestGraphQLAnswersOnlyTheBranchPullsQuery(t *testing.T) {
	rec := &recorder{TB: t}
	s := New(rec, "octo", "repo")
	s.AddPull(Pull{Number: 1, State: "closed", Merged: true, HeadRef: "t1", HeadSHA: "a", BaseRef: "main"})
	s.AddPull(Pull{Number: 2, HeadRef: "t1", HeadRepo: "fork/repo", HeadSHA: "b", BaseRef: "main"})
	s.AddPull(Pull{Number: 3, HeadRef: "t1", HeadSHA: "c", BaseRef: "dev"})
	vars := map[string]any{"owner": "octo", "name": "repo", "base": "main", "b0": "t1"}
	for _, body := range []graphQLRequest{
		{Query: "query Viewer { viewer { login } }", OperationName: "Viewer"},
		{Query: strings.Replace(branchPullsQuery(1), "merged ", "", 1), OperationName: "BranchPulls", Variables: vars},
		{Query: branchPullsQuery(2), OperationName: "BranchPulls", Variables: vars},
	} {
		if status, _ := post(t, s.GraphQLURL(), body); status != http.StatusNotImplemented {
			t.Errorf("%s: %d, want 501", body.Query, status)
		}
	}
	if len(rec.errs) != 3 {
		t.Errorf("recorded failures: %q", rec.errs)
	}
	rec.errs = nil
	status, answer := post(t, s.GraphQLURL(), graphQLRequest{Query: branchPullsQuery(1), OperationName: "BranchPulls", Variables: vars})
	want := `{"data":{"repository":{"b0":{"nodes":[{"baseRefName":"main","headRefName":"t1","headRefOid":"a","headRepository":{"nameWithOwner":"octo/repo"},"merged":true,"number":1,"state":"MERGED"},{"baseRefName":"main","headRefName":"t1","headRefOid":"b","headRepository":{"nameWithOwner":"fork/repo"},"merged":false,"number":2,"state":"OPEN"}],"pageInfo":{"hasNextPage":false}}}}}`
	if status != http.StatusOK || strings.TrimSpace(answer) != want || len(rec.errs) != 0 {
		t.Errorf("answer %d %s, failures %q", status, answer, rec.errs)
	}
	reqs := s.Requests()
	if len(reqs) != 4 || !IsQuery(reqs[3]) || len(Writes(reqs)) != 0 {
		t.Errorf("recorded %+v; a query is a read", reqs)
	}
	vars["owner"] = "other"
	if _, answer := post(t, s.GraphQLURL(), graphQLRequest{Query: branchPullsQuery(1), OperationName: "BranchPulls", Variables: vars}); !strings.Contains(answer, `"repository":null`) || !strings.Contains(answer, "NOT_FOUND") {
		t.Errorf("another repository: %s", answer)
	}
}
