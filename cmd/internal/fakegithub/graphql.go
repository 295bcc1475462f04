package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// GraphQLPrefix is where the GraphQL endpoint is mounted, as on GitHub
// Enterprise (https://HOST/api/graphql beside https://HOST/api/v3); the
// request is recorded with the path GraphQLPath.
const GraphQLPrefix = "/api/graphql"

// GraphQLPath is the recorded path of a GraphQL request; faults and hooks
// match it as they match a REST path.
const GraphQLPath = "/graphql"

// GraphQLURL is the GraphQL endpoint as a runner's GITHUB_GRAPHQL_URL
// gives it.
func (s *Server) GraphQLURL() string { return s.srv.URL + GraphQLPrefix }

// IsQuery reports whether r is a GraphQL query: a POST that reads.
func IsQuery(r Request) bool { return r.Method == http.MethodPost && r.Path == GraphQLPath }

// graphQLRequest is the body of a GraphQL POST.
type graphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// graphQL answers the one query the fake implements, BranchPulls, from its
// own pull requests; anything else fails the test, as an unimplemented
// REST route does.
func (s *Server) graphQL(w http.ResponseWriter, r *http.Request, body []byte) {
	var q graphQLRequest
	if err := json.Unmarshal(body, &q); err != nil || q.OperationName != "BranchPulls" {
		s.t.Errorf("fakegithub: GraphQL operation %q is not one the fake implements (add it): %s", q.OperationName, body)
		writeError(w, http.StatusNotImplemented, "fakegithub does not implement this GraphQL operation")
		return
	}
	branches, ok := branchVariables(q.Variables)
	if !ok || q.Query != branchPullsQuery(len(branches)) {
		s.t.Errorf("fakegithub: the BranchPulls query is not the one the fake implements (change both together):\n%s\nvariables %v", q.Query, q.Variables)
		writeError(w, http.StatusNotImplemented, "fakegithub does not implement this BranchPulls query")
		return
	}
	if q.Variables["owner"] != s.Owner || q.Variables["name"] != s.Repo {
		writeJSON(w, http.StatusOK, map[string]any{
			"data":   map[string]any{"repository": nil},
			"errors": []map[string]any{{"type": "NOT_FOUND", "path": []string{"repository"}, "message": fmt.Sprintf("Could not resolve to a Repository with the name '%v/%v'.", q.Variables["owner"], q.Variables["name"])}},
		})
		return
	}
	base, _ := q.Variables["base"].(string)
	repo := map[string]any{}
	for i, branch := range branches {
		repo["b"+strconv.Itoa(i)] = s.branchConnection(base, branch)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"repository": repo}})
}

// branchConnection is the pullRequests connection of branch into base: as
// on GitHub, every pull request whose head branch has that name, forks'
// included, oldest first, MaxPerPage at a time.
func (s *Server) branchConnection(base, branch string) map[string]any {
	var numbers []int
	for n, p := range s.pulls {
		if p.HeadRef == branch && p.BaseRef == base {
			numbers = append(numbers, n)
		}
	}
	sort.Ints(numbers)
	first := 100
	if s.MaxPerPage > 0 {
		first = min(first, s.MaxPerPage)
	}
	more := len(numbers) > first
	nodes := []map[string]any{}
	for _, n := range numbers[:min(len(numbers), first)] {
		p := s.pulls[n]
		state := strings.ToUpper(p.State)
		if p.Merged {
			state = "MERGED"
		}
		var headRepo any
		if p.HeadRepo != "" {
			headRepo = map[string]any{"nameWithOwner": p.HeadRepo}
		}
		nodes = append(nodes, map[string]any{
			"number": p.Number, "state": state, "merged": p.Merged,
			"headRefName": p.HeadRef, "headRefOid": p.HeadSHA, "baseRefName": p.BaseRef,
			"headRepository": headRepo,
		})
	}
	return map[string]any{"pageInfo": map[string]any{"hasNextPage": more}, "nodes": nodes}
}

// branchVariables reads $b0 … $b(n-1), every one a string, and no other
// variable than owner, name and base.
func branchVariables(vars map[string]any) ([]string, bool) {
	var branches []string
	for i := 0; ; i++ {
		v, ok := vars["b"+strconv.Itoa(i)]
		if !ok {
			break
		}
		b, ok := v.(string)
		if !ok {
			return nil, false
		}
		branches = append(branches, b)
	}
	_, isBase := vars["base"].(string)
	return branches, len(branches) > 0 && isBase && len(vars) == len(branches)+3
}

// branchPullsQuery is the text of the BranchPulls query for n branches,
// written out here as the fake's own copy of the client's query: a client
// that changes its query fails the tests until the fake answers the new
// one.
func branchPullsQuery(n int) string {
	var b strings.Builder
	b.WriteString("query BranchPulls($owner: String!, $name: String!, $base: String!")
	for i := range n {
		fmt.Fprintf(&b, ", $b%d: String!", i)
	}
	b.WriteString(") {\n  repository(owner: $owner, name: $name) {\n")
	for i := range n {
		fmt.Fprintf(&b, "    b%d: pullRequests(headRefName: $b%d, baseRefName: $base, first: 100) {\n", i, i)
		b.WriteString("      pageInfo { hasNextPage }\n")
		b.WriteString("      nodes { number state merged headRefName headRefOid baseRefName headRepository { nameWithOwner } }\n")
		b.WriteString("    }\n")
	}
	b.WriteString("  }\n}\n")
	return b.String()
}
