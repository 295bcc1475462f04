package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// landedScenario: thread 1 (extract-auth) landed with #10, thread 2's #12
// and thread 3's #13 are open. An event of #12 asks for thread 1's branch,
// and only it, in the GraphQL query.
func landedScenario(t *testing.T) *scenario {
	s := newScenario(t)
	s.gh.AddPull(fakegithub.Pull{Number: 10, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a0", BaseRef: "main"})
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "d1", "docs/layout.md")
	return s
}

// queries returns the GraphQL requests among reqs.
func queries(reqs []fakegithub.Request) []fakegithub.Request {
	var out []fakegithub.Request
	for _, r := range reqs {
		if fakegithub.IsQuery(r) {
			out = append(out, r)
		}
	}
	return out
}

// A thread with no open pull request is asked for in the one GraphQL
// query, with its branch as a variable, never by a listing of its branch.
func TestLandedThreadIsAskedForInOneQuery(t *testing.T) {
	s := landedScenario(t)
	r := s.prEvent("pull_request", "synchronize", 12)
	wantCode(t, r, exitOK)
	s.wantStatus("b1", order, "success: ready: every earlier thread has landed")
	q := queries(r.reqs)
	if len(q) != 1 {
		t.Fatalf("%d GraphQL queries, want 1:\n%s", len(q), fmtReqs(r.reqs))
	}
	var body struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(q[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Variables["b0"] != "extract-auth" || len(body.Variables) != 4 || strings.Contains(body.Query, "extract-auth") {
		t.Errorf("the query does not ask for extract-auth alone, as a variable: %v\n%s", body.Variables, body.Query)
	}
	for _, q := range r.reqs {
		if strings.Contains(q.Query, "head=") {
			t.Errorf("listed one branch's pull requests: %s?%s", q.Path, q.Query)
		}
	}
}

// A fork's merged pull request from a branch named like thread 1's is not
// thread 1 landing: the later thread waits.
func TestForkBranchOfTheSameNameDoesNotLand(t *testing.T) {
	s := newScenario(t)
	s.gh.AddPull(fakegithub.Pull{Number: 10, State: "closed", Merged: true, HeadRef: "extract-auth", HeadRepo: "mallory/repo", HeadSHA: "m0", BaseRef: "main"})
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth)")
}

// A branch with more pull requests than a page of its connection is
// listed by branch: the answer is complete, never the first page read as
// all.
func TestBranchWithMorePagesIsListed(t *testing.T) {
	s := newScenario(t)
	s.gh.MaxPerPage = 2
	s.gh.AddPull(fakegithub.Pull{Number: 7, State: "closed", HeadRef: "extract-auth", HeadSHA: "x7", BaseRef: "main"})
	s.gh.AddPull(fakegithub.Pull{Number: 8, State: "closed", HeadRef: "extract-auth", HeadSHA: "x8", BaseRef: "main"})
	s.gh.AddPull(fakegithub.Pull{Number: 10, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a0", BaseRef: "main"})
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "d1", "docs/layout.md")
	r := s.prEvent("pull_request", "synchronize", 12)
	wantCode(t, r, exitOK)
	s.wantStatus("b1", order, "success: ready")
	var listed int
	for _, q := range r.reqs {
		if strings.Contains(q.Query, "head=octo%3Aextract-auth") {
			listed++
		}
	}
	if listed != 2 || len(queries(r.reqs)) != 1 {
		t.Errorf("%d listings of extract-auth (2 pages) and %d queries, want 2 and 1:\n%s", listed, len(queries(r.reqs)), fmtReqs(r.reqs))
	}
}

// TestGraphQLFaultsNeverLandAThread: GitHub fails the query, answers it
// with errors, without the repository, or with a pull request missing a
// field or of the wrong type. The run fails and the later thread gets no
// order status: a thread is never read as landed, nor as missing, from an
// answer that is not whole. A transient failure is retried as a read is.
func TestGraphQLFaultsNeverLandAThread(t *testing.T) {
	node := `{"number":10,"state":"MERGED","merged":true,"headRefName":"extract-auth","headRefOid":"a0","baseRefName":"main","headRepository":{"nameWithOwner":"octo/repo"}}`
	answer := func(nodes string) string {
		return `{"data":{"repository":{"b0":{"pageInfo":{"hasNextPage":false},"nodes":[` + nodes + `]}}}}`
	}
	for _, tc := range []struct {
		name    string
		fault   fakegithub.Fault
		code    int
		queries int // GraphQL requests the run makes
	}{
		{"one 502, retried", fakegithub.Fault{Status: 502, Times: 1}, exitOK, 2},
		{"rate limited, retried", fakegithub.Fault{Status: 403, Header: map[string]string{"Retry-After": "1"}, Body: "You have exceeded a secondary rate limit", Times: 1}, exitOK, 2},
		{"errors array", fakegithub.Fault{Raw: `{"data":null,"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}`}, exitError, 1},
		{"errors beside data", fakegithub.Fault{Raw: `{"data":{"repository":{"b0":{"pageInfo":{"hasNextPage":false},"nodes":[]}}},"errors":[{"message":"Something went wrong"}]}`}, exitError, 1},
		{"null repository", fakegithub.Fault{Raw: `{"data":{"repository":null}}`}, exitError, 1},
		{"null body", fakegithub.Fault{Raw: `null`}, exitError, 1},
		{"no alias", fakegithub.Fault{Raw: `{"data":{"repository":{}}}`}, exitError, 1},
		{"null nodes", fakegithub.Fault{Raw: `{"data":{"repository":{"b0":{"pageInfo":{"hasNextPage":false},"nodes":null}}}}`}, exitError, 1},
		{"no pageInfo", fakegithub.Fault{Raw: `{"data":{"repository":{"b0":{"nodes":[]}}}}`}, exitError, 1},
		{"merged missing", fakegithub.Fault{Raw: answer(strings.Replace(node, `"merged":true,`, "", 1))}, exitError, 1},
		{"merged of the wrong type", fakegithub.Fault{Raw: answer(strings.Replace(node, `"merged":true`, `"merged":"true"`, 1))}, exitError, 1},
		{"merged state, not merged", fakegithub.Fault{Raw: answer(strings.Replace(node, `"merged":true`, `"merged":false`, 1))}, exitError, 1},
		{"head repository missing", fakegithub.Fault{Raw: answer(strings.Replace(node, `,"headRepository":{"nameWithOwner":"octo/repo"}`, "", 1))}, exitError, 1},
		{"another branch", fakegithub.Fault{Raw: answer(strings.Replace(node, `"headRefName":"extract-auth"`, `"headRefName":"other"`, 1))}, exitError, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := landedScenario(t)
			tc.fault.Path = fakegithub.GraphQLPath
			s.gh.AddFault(&tc.fault)
			r := s.prEvent("pull_request", "synchronize", 12)
			wantCode(t, r, tc.code)
			if n := len(queries(r.reqs)); n != tc.queries {
				t.Errorf("%d GraphQL requests, want %d", n, tc.queries)
			}
			if tc.code == exitOK {
				s.wantStatus("b1", order, "success: ready")
				return
			}
			if got := s.status("b1", order); got != "none" {
				t.Errorf("an order status from a failed query: %s", got)
			}
			if !strings.Contains(r.stdout, "::error::") || !strings.Contains(r.stdout, "BranchPulls") && !strings.Contains(r.stdout, "malformed answer") {
				t.Errorf("no error naming the query:\n%s", r.stdout)
			}
		})
	}
}

// A query GitHub keeps failing (5xx) or never answers ends the run within
// its budget or its timeout, with no order status written.
func TestGraphQLOutageEndsTheRun(t *testing.T) {
	for _, f := range []fakegithub.Fault{{Status: 502}, {Hang: true}} {
		s := landedScenario(t)
		s.inputs["retry-budget"], s.inputs["timeout"] = "2", "3"
		f.Path = fakegithub.GraphQLPath
		s.gh.AddFault(&f)
		start := time.Now()
		r := s.prEvent("pull_request", "synchronize", 12)
		took := time.Since(start)
		wantCode(t, r, exitError)
		if took > 20*time.Second {
			t.Errorf("hang=%v: the run took %v with a timeout of 3s", f.Hang, took)
		}
		if n := len(queries(r.reqs)); n < 1 || n > 4 {
			t.Errorf("hang=%v: %d GraphQL requests, want 1 to 4 within a 2s budget at a 1s floor", f.Hang, n)
		}
		if got := s.status("b1", order); got != "none" {
			t.Errorf("hang=%v: an order status without the query's answer: %s", f.Hang, got)
		}
	}
}

// The Action sends the query to GITHUB_GRAPHQL_URL as the runner sets it,
// and without it to the endpoint beside GITHUB_API_URL (the fake's is a
// GitHub Enterprise root: /api/v3 → /api/graphql).
func TestGraphQLEndpointFromTheRunner(t *testing.T) {
	s := landedScenario(t)
	var proxied atomic.Int32
	target := s.gh.GraphQLURL()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, target, r.Body)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	defer proxy.Close()
	s.env = map[string]string{"GITHUB_GRAPHQL_URL": proxy.URL + "/graphql"}
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	if proxied.Load() != 1 {
		t.Errorf("%d queries went to GITHUB_GRAPHQL_URL, want 1", proxied.Load())
	}
	s.env["GITHUB_GRAPHQL_URL"] = ""
	r := s.prEvent("pull_request", "synchronize", 12)
	wantCode(t, r, exitOK)
	if proxied.Load() != 1 || len(queries(r.reqs)) != 1 {
		t.Errorf("without GITHUB_GRAPHQL_URL: %d proxied in all, %d queries at the fake's /api/graphql; want 1 and 1", proxied.Load(), len(queries(r.reqs)))
	}
	s.wantStatus("b1", order, "success: ready")
}
