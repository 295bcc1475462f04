package ghapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// maxErrorsShown is how many of a GraphQL answer's errors an error names.
const maxErrorsShown = 3

// branchesPerQuery bounds one GraphQL query: its size and its cost in
// GitHub's points stay the same however many branches a plan has.
const branchesPerQuery = 50

// pullsPerBranch is the page of each branch's connection: GitHub's
// maximum. A branch with more pull requests is listed with BranchPulls.
const pullsPerBranch = 100

// branchPullsOperation is the operation name of the query PullsOfBranches
// sends.
const branchPullsOperation = "BranchPulls"

// branchPullsQuery is the query text for n branches, given as the
// variables $b0 … $b(n-1): branch names never enter the text.
func branchPullsQuery(n int) string {
	var b strings.Builder
	b.WriteString("query " + branchPullsOperation + "($owner: String!, $name: String!, $base: String!")
	for i := range n {
		fmt.Fprintf(&b, ", $b%d: String!", i)
	}
	b.WriteString(") {\n  repository(owner: $owner, name: $name) {\n")
	for i := range n {
		fmt.Fprintf(&b, "    b%d: pullRequests(headRefName: $b%d, baseRefName: $base, first: %d) {\n", i, i, pullsPerBranch)
		b.WriteString("      pageInfo { hasNextPage }\n")
		b.WriteString("      nodes { number state merged headRefName headRefOid baseRefName headRepository { nameWithOwner } }\n")
		b.WriteString("    }\n")
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// graphQLRequest is the body of a GraphQL POST.
type graphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// branchPullsAnswer is GitHub's answer to the query; every field is a
// pointer, a raw message or a nil-able slice so that a missing one is told
// from a zero one.
type branchPullsAnswer struct {
	Data *struct {
		Repository map[string]*pullConnection `json:"repository"`
	} `json:"data"`
	Errors []struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"errors"`
}

type pullConnection struct {
	PageInfo *struct {
		HasNextPage *bool `json:"hasNextPage"`
	} `json:"pageInfo"`
	Nodes []*pullNode `json:"nodes"`
}

type pullNode struct {
	Number      *int    `json:"number"`
	State       *string `json:"state"`
	Merged      *bool   `json:"merged"`
	HeadRefName *string `json:"headRefName"`
	HeadRefOid  *string `json:"headRefOid"`
	BaseRefName *string `json:"baseRefName"`
	// HeadRepository is null when the fork is gone; absent is malformed.
	HeadRepository json.RawMessage `json:"headRepository"`
}

// PullsOfBranches lists, for each branch, what BranchPulls lists: the pull
// requests, open and closed, from that branch of this repository into
// base (a fork's branch of the same name is left out). It costs one
// GraphQL query per 50 branches, whatever their history (README, "API
// cost"), and one BranchPulls listing for a branch with more than 100
// pull requests into base. An answer with errors, without the repository
// or with a field missing or of the wrong type is ErrMalformed, never a
// branch without pull requests.
func (c *Client) PullsOfBranches(ctx context.Context, base string, branches []string) (map[string][]PullRequest, error) {
	out := map[string][]PullRequest{}
	var todo []string
	for _, b := range branches {
		if _, ok := out[b]; !ok {
			out[b] = nil
			todo = append(todo, b)
		}
	}
	for len(todo) > 0 {
		chunk := todo[:min(len(todo), branchesPerQuery)]
		todo = todo[len(chunk):]
		more, err := c.branchPulls(ctx, base, chunk, out)
		if err != nil {
			return nil, fmt.Errorf("list pull requests of %d %s into %s: %w", len(chunk), plural(len(chunk), "branch", "branches"), base, err)
		}
		for _, b := range more {
			if out[b], err = c.BranchPulls(ctx, base, b); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// branchPulls sends one query for branches and puts each one's pull
// requests into out; it returns the branches whose connection has more
// pages.
func (c *Client) branchPulls(ctx context.Context, base string, branches []string, out map[string][]PullRequest) (more []string, err error) {
	vars := map[string]any{"owner": c.owner, "name": c.repo, "base": base}
	for i, b := range branches {
		vars[fmt.Sprintf("b%d", i)] = b
	}
	req, err := c.gh.NewRequest(http.MethodPost, c.graphQL, graphQLRequest{Query: branchPullsQuery(len(branches)), OperationName: branchPullsOperation, Variables: vars})
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	// A query changes nothing: it is sent again as a read would be.
	if _, err := c.gh.Do(retrySafe(ctx), req, &raw); err != nil {
		return nil, wrap(err, "GraphQL query %s", branchPullsOperation)
	}
	return readBranchPulls(raw, c.owner+"/"+c.repo, base, branches, out)
}

// readBranchPulls reads GitHub's answer to the query for branches into
// base and puts each branch's pull requests from repository self into
// out; it returns the branches whose connection has more pages.
func readBranchPulls(raw []byte, self, base string, branches []string, out map[string][]PullRequest) (more []string, err error) {
	var answer *branchPullsAnswer
	if err := json.Unmarshal(raw, &answer); err != nil {
		return nil, malformed("the GraphQL answer does not decode: %v", err)
	}
	if answer == nil {
		return nil, malformed("the GraphQL answer is null")
	}
	if len(answer.Errors) > 0 {
		// The first few say what went wrong; a log line stays bounded.
		var msgs []string
		for _, e := range answer.Errors[:min(len(answer.Errors), maxErrorsShown)] {
			msgs = append(msgs, truncateMessage(strings.TrimSpace(e.Type+" "+e.Message), 200))
		}
		if more := len(answer.Errors) - len(msgs); more > 0 {
			msgs = append(msgs, fmt.Sprintf("and %d more", more))
		}
		return nil, malformed("the GraphQL answer has errors (%s)", strings.Join(msgs, "; "))
	}
	if answer.Data == nil || answer.Data.Repository == nil {
		return nil, malformed("the GraphQL answer has no repository")
	}
	for i, b := range branches {
		conn := answer.Data.Repository[fmt.Sprintf("b%d", i)]
		if conn == nil || conn.PageInfo == nil || conn.PageInfo.HasNextPage == nil || conn.Nodes == nil {
			return nil, malformed("the GraphQL answer has no pull request list for branch %s", b)
		}
		if *conn.PageInfo.HasNextPage {
			more = append(more, b)
			continue
		}
		for _, n := range conn.Nodes {
			pr, err := nodePull(n, b, base)
			if err != nil {
				return nil, err
			}
			if strings.EqualFold(pr.HeadRepo, self) {
				out[b] = append(out[b], pr)
			}
		}
	}
	return more, nil
}

// nodePull converts one pull request of branch's connection; one that
// lacks a field, is of another branch or base, or whose state and merged
// disagree is ErrMalformed.
func nodePull(n *pullNode, branch, base string) (PullRequest, error) {
	if n == nil || n.Number == nil || *n.Number <= 0 || n.State == nil || n.Merged == nil || n.HeadRefName == nil || n.HeadRefOid == nil || *n.HeadRefOid == "" || n.BaseRefName == nil || len(n.HeadRepository) == 0 {
		return PullRequest{}, malformed("a pull request of branch %s lacks a field", branch)
	}
	pr := PullRequest{Number: *n.Number, Merged: *n.Merged, HeadRef: *n.HeadRefName, HeadSHA: *n.HeadRefOid, BaseRef: *n.BaseRefName}
	switch {
	case pr.HeadRef != branch || pr.BaseRef != base:
		return PullRequest{}, malformed("pull request #%d is from %s into %s, asked for %s into %s", pr.Number, pr.HeadRef, pr.BaseRef, branch, base)
	case *n.State == "OPEN" && !pr.Merged:
		pr.State = "open"
	case *n.State == "CLOSED" && !pr.Merged, *n.State == "MERGED" && pr.Merged:
		pr.State = "closed"
	default:
		return PullRequest{}, malformed("pull request #%d has state %q and merged %v", pr.Number, *n.State, pr.Merged)
	}
	var repo *struct {
		NameWithOwner *string `json:"nameWithOwner"`
	}
	if err := json.Unmarshal(n.HeadRepository, &repo); err != nil {
		return PullRequest{}, malformed("pull request #%d has a head repository that does not decode: %v", pr.Number, err)
	}
	if repo != nil {
		if repo.NameWithOwner == nil || *repo.NameWithOwner == "" {
			return PullRequest{}, malformed("pull request #%d has a head repository without a name", pr.Number)
		}
		pr.HeadRepo = *repo.NameWithOwner
	}
	return pr, nil
}

// truncateMessage cuts s to at most n bytes on a rune boundary.
func truncateMessage(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
