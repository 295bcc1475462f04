package ghapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

func newClient(t *testing.T, fake *fakegithub.Server) *Client {
	t.Helper()
	c, err := New("octo/repo", Options{BaseURL: fake.APIURL(), Token: "t0ken", Retry: RetryPolicy{Budget: 2 * time.Second, Backoff: 10 * time.Millisecond, Floor: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBaseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                "https://api.github.com/",
		"https://api.github.com":          "https://api.github.com/",
		"https://ghe.example.com/api/v3":  "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com/api/v3/",
	} {
		u, err := BaseURL(raw)
		if err != nil || u.String() != want {
			t.Errorf("BaseURL(%q) = %v, %v; want %s", raw, u, err, want)
		}
	}
	for _, bad := range []string{"ftp://x", "not a url", "https://"} {
		if _, err := BaseURL(bad); err == nil {
			t.Errorf("BaseURL(%q): no error", bad)
		}
	}
	if _, err := New("no-slash", Options{}); err == nil {
		t.Error("New accepted a repository without owner")
	}
}

func TestPaginationFollowsLinkHeaders(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.MaxPerPage = 2
	var files []fakegithub.File
	for i := range 5 {
		files = append(files, fakegithub.File{Status: "modified", Filename: fmt.Sprintf("f%d", i)})
	}
	fake.AddPull(fakegithub.Pull{Number: 7, HeadRef: "x", HeadSHA: "abc", BaseRef: "main", Files: files})
	c := newClient(t, fake)
	got, err := c.PullFiles(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[4].Filename != "f4" {
		t.Fatalf("files: %+v", got)
	}
	reqs := fake.Requests()
	if len(reqs) != 3 {
		t.Errorf("%d requests for 5 files at 2 a page, want 3", len(reqs))
	}
	for _, r := range reqs {
		if !strings.Contains(r.Query, "per_page=100") {
			t.Errorf("request without per_page=100: %s?%s", r.Path, r.Query)
		}
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name  string
		fault fakegithub.Fault
		tries int // requests made, the successful one included
	}{
		{"5xx burst", fakegithub.Fault{Status: 502, Times: 2}, 3},
		{"429", fakegithub.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}, Times: 1}, 2},
		{"secondary rate limit with Retry-After", fakegithub.Fault{Status: 403, Header: map[string]string{"Retry-After": "1"}, Body: "You have exceeded a secondary rate limit", Times: 1}, 2},
		{"primary rate limit reset", fakegithub.Fault{Status: 403, Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"}, Body: "API rate limit exceeded", Times: 1}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakegithub.New(t, "octo", "repo")
			fake.AddPull(fakegithub.Pull{Number: 1, HeadRef: "x", HeadSHA: "abc", BaseRef: "main"})
			f := tt.fault
			f.Path = "/pulls/1"
			fake.AddFault(&f)
			pr, err := newClient(t, fake).PullRequest(context.Background(), 1)
			if err != nil || pr.HeadSHA != "abc" {
				t.Fatalf("PullRequest: %+v, %v", pr, err)
			}
			if n := len(fake.Requests()); n != tt.tries {
				t.Errorf("%d requests, want %d", n, tt.tries)
			}
		})
	}
}

func TestRetriesEndWithinTheBudget(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddFault(&fakegithub.Fault{Status: 500})
	c, _ := New("octo/repo", Options{BaseURL: fake.APIURL(), Retry: RetryPolicy{Budget: 300 * time.Millisecond, Backoff: 50 * time.Millisecond, Floor: 50 * time.Millisecond}})
	start := time.Now()
	_, err := c.PullRequest(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v, want the 500", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("gave up after %v, budget 300ms", took)
	}
	if n := len(fake.Requests()); n < 2 || n > 5 {
		t.Errorf("%d attempts", n)
	}

	// A secondary limit that asks for longer than the budget is not waited.
	fake2 := fakegithub.New(t, "octo", "repo")
	fake2.AddFault(&fakegithub.Fault{Status: 403, Header: map[string]string{"Retry-After": "3600"}, Body: "secondary rate limit"})
	c2, _ := New("octo/repo", Options{BaseURL: fake2.APIURL(), Retry: RetryPolicy{Budget: time.Second, Backoff: time.Millisecond, Floor: time.Millisecond}})
	if _, err := c2.PullRequest(context.Background(), 1); err == nil || len(fake2.Requests()) != 1 {
		t.Errorf("waited for a limit beyond the budget: %v", err)
	}
}

func TestNoRetryForClientErrors(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	c := newClient(t, fake)
	_, err := c.File(context.Background(), "main", "plan.toml")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v", err)
	}
	fake.AddFault(&fakegithub.Fault{Method: "POST", Path: "/statuses/", Status: 422, Body: "Validation Failed"})
	err = c.SetStatus(context.Background(), "abc", Status{Context: "x", State: "success"})
	if err == nil || !strings.Contains(err.Error(), "422") {
		t.Errorf("422: %v", err)
	}
	fake.AddFault(&fakegithub.Fault{Path: "/pulls/9", Status: 403, Body: "Resource not accessible by integration"})
	if _, err := c.PullRequest(context.Background(), 9); err == nil {
		t.Error("a plain 403 passed")
	}
	if n := len(fake.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 (no retries)", n)
	}
}

func TestReadWriteRoundTrip(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.SetFile("main", "plan.toml", "version = 1\n")
	fake.AddPull(fakegithub.Pull{Number: 3, HeadRef: "t", HeadSHA: "s3", BaseRef: "main"})
	c := newClient(t, fake)
	ctx := context.Background()
	if data, err := c.File(ctx, "main", "plan.toml"); err != nil || string(data) != "version = 1\n" {
		t.Fatalf("File: %q, %v", data, err)
	}
	if err := c.SetStatus(ctx, "s3", Status{Context: "ctx", State: "pending", Description: "d"}); err != nil {
		t.Fatal(err)
	}
	st, err := c.Statuses(ctx, "s3")
	if err != nil || st["ctx"].State != "pending" || st["ctx"].Description != "d" {
		t.Fatalf("Statuses: %+v, %v", st, err)
	}
	if ok, err := c.LabelExists(ctx, "merge-order:1"); ok || err != nil {
		t.Fatalf("LabelExists before create: %v, %v", ok, err)
	}
	if err := c.CreateLabel(ctx, "merge-order:1", "0e8a16", "d"); err != nil {
		t.Fatal(err)
	}
	if err := c.AddLabel(ctx, 3, "merge-order:1"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveLabel(ctx, 3, "merge-order:1"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateComment(ctx, 3, "hello"); err != nil {
		t.Fatal(err)
	}
	cs, err := c.Comments(ctx, 3)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Comments: %v, %v", cs, err)
	}
	if err := c.EditComment(ctx, cs[0].ID, "edited"); err != nil || fake.Comments(3)[0].Body != "edited" {
		t.Fatalf("EditComment: %v", err)
	}
	pulls, err := c.BranchPulls(ctx, "main", "t")
	if err != nil || len(pulls) != 1 || pulls[0].Number != 3 {
		t.Fatalf("BranchPulls: %+v, %v", pulls, err)
	}
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/repos/octo/repo/") {
			t.Errorf("request outside the repository: %s %s", r.Method, r.Path)
		}
	}
}
