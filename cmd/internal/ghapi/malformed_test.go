package ghapi

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestMalformedAnswersAreErrors: a null body, wrong types, a pull request
// without base or head, a null list: each is an error, never a closed pull
// request into "" or "no files".
func TestMalformedAnswersAreErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, path, raw string
		call            func(*Client) error
		malformed       bool // ErrMalformed rather than a decoding error
	}{
		{"TestNullPullBodyIsAnError", "/pulls/1", "null", func(c *Client) error { _, err := c.PullRequest(ctx, 1); return err }, true},
		{"pull with wrong types", "/pulls/1", `{"number":"1","state":7}`, func(c *Client) error { _, err := c.PullRequest(ctx, 1); return err }, false},
		{"pull without base", "/pulls/1", `{"number":1,"state":"open","head":{"ref":"x","sha":"a"}}`, func(c *Client) error { _, err := c.PullRequest(ctx, 1); return err }, true},
		{"pull without head", "/pulls/1", `{"number":1,"state":"open","base":{"ref":"main"}}`, func(c *Client) error { _, err := c.PullRequest(ctx, 1); return err }, true},
		{"another pull", "/pulls/1", `{"number":2,"state":"open","head":{"ref":"x","sha":"a"},"base":{"ref":"main"}}`, func(c *Client) error { _, err := c.PullRequest(ctx, 1); return err }, true},
		{"TestNullFileListIsAnError", "/pulls/1/files", "null", func(c *Client) error { _, err := c.PullFiles(ctx, 1); return err }, true},
		{"null file entry", "/pulls/1/files", "[null]", func(c *Client) error { _, err := c.PullFiles(ctx, 1); return err }, true},
		{"file without name", "/pulls/1/files", `[{"status":"modified"}]`, func(c *Client) error { _, err := c.PullFiles(ctx, 1); return err }, true},
		{"file list of wrong type", "/pulls/1/files", `{"filename":"a"}`, func(c *Client) error { _, err := c.PullFiles(ctx, 1); return err }, false},
		{"null pull list", "/pulls", "null", func(c *Client) error { _, err := c.OpenPulls(ctx, "main"); return err }, true},
		{"null statuses", "/commits/a/status", `{"sha":"a","statuses":null}`, func(c *Client) error { _, err := c.Statuses(ctx, "a"); return err }, true},
		{"null comments", "/issues/1/comments", "null", func(c *Client) error { _, err := c.Comments(ctx, 1); return err }, true},
		{"null tree", "/git/trees/main", `{"sha":"main","truncated":false}`, func(c *Client) error { _, _, err := c.Tree(ctx, "main"); return err }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakegithub.New(t, "octo", "repo")
			fake.AddPull(fakegithub.Pull{Number: 1, HeadRef: "x", HeadSHA: "a", BaseRef: "main", Files: []fakegithub.File{{Status: "modified", Filename: "f"}}})
			fake.SetFile("main", "f", "x")
			fake.AddFault(&fakegithub.Fault{Method: "GET", Path: tc.path, Raw: tc.raw})
			err := tc.call(newClient(t, fake))
			if err == nil {
				t.Fatal("a malformed answer was read as a good one")
			}
			if tc.malformed && !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestEndlessPagesAreAnError(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddPull(fakegithub.Pull{Number: 1, HeadRef: "x", HeadSHA: "a", BaseRef: "main"})
	link := `<` + fake.APIURL() + `/repos/octo/repo/pulls/1/files?page=1>; rel="next"`
	fake.AddFault(&fakegithub.Fault{Path: "/pulls/1/files", Raw: `[{"filename":"f","status":"added"}]`, Header: map[string]string{"Link": link}})
	_, err := newClient(t, fake).PullFiles(context.Background(), 1)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("a page linking back to itself: %v", err)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestTreeListsFilesOnly(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	for _, p := range []string{"a/b/c.go", "a/d.go", "README.md"} {
		fake.SetFile("main", p, "x")
	}
	c := newClient(t, fake)
	paths, truncated, err := c.Tree(context.Background(), "main")
	if err != nil || truncated || !reflect.DeepEqual(paths, []string{"README.md", "a/b/c.go", "a/d.go"}) {
		t.Fatalf("Tree = %q, %v, %v", paths, truncated, err)
	}
	if q := fake.Requests()[0]; q.Path != "/repos/octo/repo/git/trees/main" || q.Query != "recursive=1" {
		t.Errorf("request %s?%s", q.Path, q.Query)
	}
	fake.SetTreeTruncated(true)
	paths, truncated, err = c.Tree(context.Background(), "main")
	if err != nil || !truncated || len(paths) >= 3 {
		t.Errorf("truncated tree: %q, %v, %v", paths, truncated, err)
	}
	if _, _, err := c.Tree(context.Background(), "gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown ref: %v", err)
	}
}
