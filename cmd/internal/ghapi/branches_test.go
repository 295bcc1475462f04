package ghapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

func TestGraphQLURL(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                "https://api.github.com/graphql",
		"https://api.github.com":          "https://api.github.com/graphql",
		"https://api.github.com/":         "https://api.github.com/graphql",
		"https://ghe.example.com/api/v3":  "https://ghe.example.com/api/graphql",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com/api/graphql",
	} {
		base, err := BaseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := graphQLURL(base); got != want {
			t.Errorf("graphQLURL(%q) = %s, want %s", raw, got, want)
		}
		c, err := New("octo/repo", Options{BaseURL: raw})
		if err != nil || c.graphQL != want {
			t.Errorf("New with BaseURL %q: GraphQL endpoint %q, %v; want %s", raw, c.graphQL, err, want)
		}
	}
	c, err := New("octo/repo", Options{BaseURL: "https://ghe.example.com/api/v3", GraphQLURL: "https://gql.example.com/x/graphql"})
	if err != nil || c.graphQL != "https://gql.example.com/x/graphql" {
		t.Errorf("the runner's GITHUB_GRAPHQL_URL is not used: %q, %v", c.graphQL, err)
	}
	if _, err := New("octo/repo", Options{GraphQLURL: "ftp://x"}); err == nil {
		t.Error("New accepted an ftp GraphQL URL")
	}
}

// branchFixture: branches with merged, closed, open, forks' and other
// bases' pull requests, and one named with every character a query would
// choke on.
func branchFixture(t *testing.T) (*fakegithub.Server, []string) {
	fake := fakegithub.New(t, "octo", "repo")
	odd := `a"b){x}$y\n#z`
	pulls := []fakegithub.Pull{
		{Number: 1, State: "closed", Merged: true, HeadRef: "t1", HeadSHA: "s1", BaseRef: "main"},
		{Number: 2, State: "closed", HeadRef: "t2", HeadSHA: "s2", BaseRef: "main"},
		{Number: 3, HeadRef: "t2", HeadSHA: "s3", BaseRef: "main"},
		{Number: 4, State: "closed", Merged: true, HeadRef: "t3", HeadRepo: "mallory/repo", HeadSHA: "s4", BaseRef: "main"},
		{Number: 5, State: "closed", Merged: true, HeadRef: "t3", HeadSHA: "s5", BaseRef: "develop"},
		{Number: 6, State: "closed", Merged: true, HeadRef: odd, HeadSHA: "s6", BaseRef: "main"},
	}
	for _, p := range pulls {
		fake.AddPull(p)
	}
	return fake, []string{"t1", "t2", "t3", "none", odd}
}

// PullsOfBranches answers, branch by branch, what BranchPulls answers (the
// oracle: one REST listing per branch), in one query.
func TestPullsOfBranchesMatchesBranchPulls(t *testing.T) {
	fake, branches := branchFixture(t)
	c := newClient(t, fake)
	ctx := context.Background()
	got, err := c.PullsOfBranches(ctx, "main", append(branches, "t1"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || !fakegithub.IsQuery(reqs[0]) {
		t.Fatalf("requests: %+v", reqs)
	}
	var body graphQLRequest
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Variables) != 3+len(branches) || strings.Contains(body.Query, "a\"b") || body.Query != branchPullsQuery(len(branches)) {
		t.Errorf("the query is not the text for %d branches with the names as variables: %v\n%s", len(branches), body.Variables, body.Query)
	}
	for _, b := range branches {
		want, err := c.BranchPulls(ctx, "main", b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(queried(got[b]), queried(want)) {
			t.Errorf("branch %q: %+v, BranchPulls %+v", b, got[b], want)
		}
	}
	if len(got["t3"]) != 0 || len(got["t2"]) != 2 || !got["t1"][0].Merged {
		t.Errorf("a fork's or another base's pull request counted, or a merge lost: %+v", got)
	}
}

// 120 branches cost 3 queries (50 a query); a branch whose connection has
// more pages is listed by branch.
func TestPullsOfBranchesChunksAndFallsBack(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	var branches []string
	for i := range 120 {
		branches = append(branches, fmt.Sprintf("b-%d", i))
	}
	fake.AddPull(fakegithub.Pull{Number: 1, State: "closed", HeadRef: "b-77", HeadSHA: "x", BaseRef: "main"})
	c := newClient(t, fake)
	got, err := c.PullsOfBranches(context.Background(), "main", branches)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Requests()); n != 3 || len(got) != 120 || len(got["b-77"]) != 1 {
		t.Errorf("%d requests, %d branches answered, b-77 %+v; want 3, 120, one pull request", n, len(got), got["b-77"])
	}
	fake.MaxPerPage = 2
	for n := 2; n <= 5; n++ {
		fake.AddPull(fakegithub.Pull{Number: n, State: "closed", HeadRef: "b-77", HeadSHA: "x", BaseRef: "main"})
	}
	got, err = c.PullsOfBranches(context.Background(), "main", []string{"b-1", "b-77"})
	if err != nil || len(got["b-77"]) != 5 {
		t.Fatalf("after the fallback: %d pull requests of b-77, %v; want 5", len(got["b-77"]), err)
	}
	var queries, lists int
	for _, r := range fake.Requests() {
		switch {
		case fakegithub.IsQuery(r):
			queries++
		case strings.Contains(r.Query, "head=octo%3Ab-77"):
			lists++
		default:
			t.Errorf("request %s %s?%s", r.Method, r.Path, r.Query)
		}
	}
	if queries != 1 || lists != 3 {
		t.Errorf("%d queries, %d pages of b-77's listing; want 1 and 3", queries, lists)
	}
}

// Every answer that is not whole is ErrMalformed, never a branch without
// pull requests.
func TestPullsOfBranchesMalformed(t *testing.T) {
	node := `{"number":1,"state":"MERGED","merged":true,"headRefName":"t1","headRefOid":"s1","baseRefName":"main","headRepository":{"nameWithOwner":"octo/repo"}}`
	answer := func(conn string) string { return `{"data":{"repository":{"b0":` + conn + `}}}` }
	nodes := func(n string) string { return answer(`{"pageInfo":{"hasNextPage":false},"nodes":[` + n + `]}`) }
	for name, raw := range map[string]string{
		"null":                     `null`,
		"not an object":            `[]`,
		"errors":                   `{"data":null,"errors":[{"type":"NOT_FOUND","message":"Could not resolve to a Repository"}]}`,
		"errors with data":         `{"data":{"repository":{"b0":{"pageInfo":{"hasNextPage":false},"nodes":[]}}},"errors":[{"message":"timeout"}]}`,
		"no data":                  `{}`,
		"null repository":          `{"data":{"repository":null}}`,
		"no alias":                 `{"data":{"repository":{"b1":{"pageInfo":{"hasNextPage":false},"nodes":[]}}}}`,
		"null connection":          answer(`null`),
		"no pageInfo":              answer(`{"nodes":[]}`),
		"null hasNextPage":         answer(`{"pageInfo":{"hasNextPage":null},"nodes":[]}`),
		"no nodes":                 answer(`{"pageInfo":{"hasNextPage":false}}`),
		"null node":                nodes(`null`),
		"number missing":           nodes(strings.Replace(node, `"number":1,`, "", 1)),
		"number of the wrong type": nodes(strings.Replace(node, `"number":1`, `"number":"1"`, 1)),
		"state unknown":            nodes(strings.Replace(node, `"MERGED"`, `"DRAFT"`, 1)),
		"merged but open":          nodes(strings.Replace(node, `"MERGED"`, `"OPEN"`, 1)),
		"merged state, not merged": nodes(strings.Replace(node, `"merged":true`, `"merged":false`, 1)),
		"head sha empty":           nodes(strings.Replace(node, `"s1"`, `""`, 1)),
		"head repository missing":  nodes(strings.Replace(node, `,"headRepository":{"nameWithOwner":"octo/repo"}`, "", 1)),
		"head repository unnamed":  nodes(strings.Replace(node, `{"nameWithOwner":"octo/repo"}`, `{}`, 1)),
		"another base":             nodes(strings.Replace(node, `"baseRefName":"main"`, `"baseRefName":"dev"`, 1)),
	} {
		t.Run(name, func(t *testing.T) {
			fake := fakegithub.New(t, "octo", "repo")
			fake.AddFault(&fakegithub.Fault{Path: fakegithub.GraphQLPath, Raw: raw})
			_, err := newClient(t, fake).PullsOfBranches(context.Background(), "main", []string{"t1"})
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
	// A deleted fork's pull request (headRepository null) is well formed,
	// and no pull request of this repository's branch.
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddFault(&fakegithub.Fault{Path: fakegithub.GraphQLPath, Raw: nodes(strings.Replace(node, `{"nameWithOwner":"octo/repo"}`, `null`, 1))})
	got, err := newClient(t, fake).PullsOfBranches(context.Background(), "main", []string{"t1"})
	if err != nil || len(got["t1"]) != 0 {
		t.Errorf("a deleted fork's pull request: %+v, %v", got, err)
	}
}

// The query is a read: a 5xx or a broken connection is retried within the
// retry budget, as a GET is, and a hung answer is abandoned at the request
// timeout; a lasting failure is an error, never "no pull requests".
func TestPullsOfBranchesFaults(t *testing.T) {
	ctx := context.Background()
	retry := RetryPolicy{Budget: 500 * time.Millisecond, Backoff: 10 * time.Millisecond, Floor: 10 * time.Millisecond}
	for _, tc := range []struct {
		name  string
		fault fakegithub.Fault
		ok    bool
		tries int // at least
	}{
		{"502 burst", fakegithub.Fault{Status: 502, Times: 2}, true, 3},
		{"dropped connection", fakegithub.Fault{Drop: true, Times: 1}, true, 2},
		{"hung answer", fakegithub.Fault{Hang: true, Times: 1}, true, 2},
		{"lasting 503", fakegithub.Fault{Status: 503}, false, 2},
		{"401", fakegithub.Fault{Status: 401, Body: "Bad credentials"}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, branches := branchFixture(t)
			tc.fault.Path = fakegithub.GraphQLPath
			fake.AddFault(&tc.fault)
			c := faultClient(t, fake, Options{RequestTimeout: 200 * time.Millisecond, Retry: retry})
			got, err := c.PullsOfBranches(ctx, "main", branches)
			if tc.ok != (err == nil) || (tc.ok && len(got["t2"]) != 2) || (!tc.ok && got != nil) {
				t.Errorf("got %+v, %v", got, err)
			}
			if n := fake.Matched(&tc.fault); n < 1 {
				t.Errorf("the fault never matched")
			}
			if n := len(fake.Requests()); n < tc.tries || n > 60 {
				t.Errorf("%d requests, want at least %d and few", n, tc.tries)
			}
		})
	}
}

// Through a GitHub App the query carries the installation token, as every
// repository request does.
func TestPullsOfBranchesAsApp(t *testing.T) {
	fake, branches := branchFixture(t)
	key, pemKey := fakegithub.NewAppKey(t)
	fake.InstallApp(42, 7, &key.PublicKey)
	app, err := NewApp(42, pemKey, Options{BaseURL: fake.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := app.Client(context.Background(), "octo/repo", 7)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.PullsOfBranches(context.Background(), "main", branches)
	if err != nil || len(got["t2"]) != 2 {
		t.Fatalf("as the App: %+v, %v", got, err)
	}
	for _, r := range fake.Requests() {
		if fakegithub.IsQuery(r) && !strings.HasPrefix(r.Auth, "token ghs_fake") {
			t.Errorf("the query went with %q", r.Auth)
		}
	}
}

// The GitHub Enterprise endpoint is derived from the fake's REST root, and
// the recorded request went there.
func TestPullsOfBranchesEndpoint(t *testing.T) {
	fake, branches := branchFixture(t)
	c := newClient(t, fake)
	want, _ := url.Parse(fake.GraphQLURL())
	if c.graphQL != want.String() {
		t.Fatalf("endpoint %s, want %s", c.graphQL, want)
	}
	if _, err := c.PullsOfBranches(context.Background(), "main", branches); err != nil {
		t.Fatal(err)
	}
	if r := fake.Requests(); len(r) != 1 || r[0].Method != http.MethodPost || r[0].Path != fakegithub.GraphQLPath {
		t.Errorf("requests %+v", r)
	}
}

// Differential: on random repositories (branches, bases, forks, deleted
// forks' absence, merged, closed and open pull requests, small pages that
// force the fallback), PullsOfBranches answers what the slow oracle, one
// BranchPulls listing per branch, answers.
func TestPullsOfBranchesDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 4))
	branches := []string{"t1", "t2", "t3", "t4", "t5", "none"}
	for round := range 25 {
		fake := fakegithub.New(t, "octo", "repo")
		fake.MaxPerPage = []int{0, 1, 2, 3}[rng.IntN(4)]
		for n := 1; n <= rng.IntN(30); n++ {
			p := fakegithub.Pull{Number: n, HeadRef: branches[rng.IntN(5)], HeadSHA: fmt.Sprintf("s%d", n), BaseRef: []string{"main", "dev"}[rng.IntN(2)]}
			switch rng.IntN(3) {
			case 0:
				p.State, p.Merged = "closed", true
			case 1:
				p.State = "closed"
			}
			if rng.IntN(4) == 0 {
				p.HeadRepo = "fork/repo"
			}
			fake.AddPull(p)
		}
		c := newClient(t, fake)
		got, err := c.PullsOfBranches(context.Background(), "main", branches)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, b := range branches {
			want, err := c.BranchPulls(context.Background(), "main", b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(queried(got[b]), queried(want)) {
				t.Errorf("round %d (page %d), branch %s: %+v, oracle %+v", round, fake.MaxPerPage, b, got[b], want)
			}
		}
	}
}

// queried keeps of pulls what the query asks for: the gate needs no more.
func queried(pulls []PullRequest) []PullRequest {
	var out []PullRequest
	for _, p := range pulls {
		out = append(out, PullRequest{Number: p.Number, State: p.State, Merged: p.Merged, HeadRef: p.HeadRef, HeadSHA: p.HeadSHA, HeadRepo: p.HeadRepo, BaseRef: p.BaseRef})
	}
	return out
}

// An answer with many long errors makes an error of bounded length that
// names the first ones.
func TestPullsOfBranchesErrorsAreBounded(t *testing.T) {
	var errs []string
	for i := range 40 {
		errs = append(errs, fmt.Sprintf(`{"type":"NOT_FOUND","message":"e%d %s"}`, i, strings.Repeat("é", 500)))
	}
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddFault(&fakegithub.Fault{Path: fakegithub.GraphQLPath, Raw: `{"data":null,"errors":[` + strings.Join(errs, ",") + `]}`})
	_, err := newClient(t, fake).PullsOfBranches(context.Background(), "main", []string{"t1"})
	if !errors.Is(err, ErrMalformed) || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "NOT_FOUND e0") || !strings.Contains(err.Error(), "and 37 more") || !utf8.ValidString(err.Error()) {
		t.Errorf("err (%d bytes) = %v", len(err.Error()), err)
	}
}
