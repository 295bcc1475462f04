package fakegithub

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a test whose failures are recorded rather than reported.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUnimplementedRouteFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	s := New(rec, "octo", "repo")
	for _, path := range []string{"/repos/octo/repo/branches/main", "/orgs/octo", "/repos/other/repo/pulls"} {
		status, _ := get(t, s.APIURL()+path)
		if status != http.StatusNotImplemented {
			t.Errorf("GET %s: %d, want 501", path, status)
		}
	}
	if len(rec.errs) != 3 || !strings.Contains(rec.errs[0], "GET /api/v3/repos/octo/repo/branches/main") {
		t.Errorf("recorded failures: %q", rec.errs)
	}
	// A route the fake implements still answers GitHub's 404.
	rec.errs = nil
	if status, _ := get(t, s.APIURL()+"/repos/octo/repo/pulls/9"); status != http.StatusNotFound || len(rec.errs) != 0 {
		t.Errorf("missing pull request: %d, failures %q", status, rec.errs)
	}
}

func TestFaultAfterWriteStoresTheWrite(t *testing.T) {
	s := New(t, "octo", "repo")
	s.AddPull(Pull{Number: 1, HeadRef: "x", HeadSHA: "a", BaseRef: "main"})
	for _, f := range []*Fault{{Method: "POST", Path: "/comments", Status: 502, AfterWrite: true, Times: 1}, {Method: "POST", Path: "/comments", Drop: true, AfterWrite: true, Times: 1}} {
		s.AddFault(f)
		resp, err := http.Post(s.APIURL()+"/repos/octo/repo/issues/1/comments", "application/json", strings.NewReader(`{"body":"hi"}`))
		if f.Drop && err == nil {
			t.Errorf("dropped connection answered %d", resp.StatusCode)
		}
		if !f.Drop && (err != nil || resp.StatusCode != 502) {
			t.Errorf("after-write 502: %v %v", resp, err)
		}
	}
	if got := len(s.Comments(1)); got != 2 {
		t.Errorf("%d comments stored, want 2 (one per write whose answer was lost)", got)
	}
}

func TestHungAnswerWaitsForTheClient(t *testing.T) {
	s := New(t, "octo", "repo")
	f := &Fault{Hang: true}
	s.AddFault(f)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.APIURL()+"/repos/octo/repo/pulls/1", nil)
	start := time.Now()
	if resp, err := http.DefaultClient.Do(req); err == nil {
		t.Fatalf("hung answer came: %d", resp.StatusCode)
	}
	if time.Since(start) < 200*time.Millisecond || s.Matched(f) != 1 {
		t.Errorf("the client gave up after %v, fault matched %d times", time.Since(start), s.Matched(f))
	}
}

func TestRawFaultBody(t *testing.T) {
	s := New(t, "octo", "repo")
	s.AddFault(&Fault{Path: "/pulls/1", Raw: "null"})
	if status, body := get(t, s.APIURL()+"/repos/octo/repo/pulls/1"); status != 200 || body != "null" {
		t.Errorf("raw fault: %d %q", status, body)
	}
}

// TestCommentBodyLimits: creating and editing a comment refuse what GitHub
// refuses (no body, an empty one, one over 65,536 characters) with 422 and
// store nothing; a body of exactly 65,536 characters, multi-byte ones
// counted once, is stored.
func TestCommentBodyLimits(t *testing.T) {
	s := New(t, "octo", "repo")
	s.AddPull(Pull{Number: 1, HeadRef: "x", HeadSHA: "a", BaseRef: "main"})
	s.AddComment(1, "first")
	id := s.Comments(1)[0].ID
	send := func(method, path, body string) int {
		t.Helper()
		req, err := http.NewRequest(method, s.APIURL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	create := func(body string) int { return send("POST", "/repos/octo/repo/issues/1/comments", body) }
	edit := func(body string) int {
		return send("PATCH", fmt.Sprintf("/repos/octo/repo/issues/comments/%d", id), body)
	}
	atLimit := strings.Repeat("é", maxCommentChars)
	for _, body := range []string{`{}`, `{"body":""}`, `not json`, `{"body":"` + atLimit + `x"}`} {
		if got := create(body); got != http.StatusUnprocessableEntity {
			t.Errorf("create %.20q…: %d, want 422", body, got)
		}
		if got := edit(body); got != http.StatusUnprocessableEntity {
			t.Errorf("edit %.20q…: %d, want 422", body, got)
		}
	}
	if c := s.Comments(1); len(c) != 1 || c[0].Body != "first" {
		t.Fatalf("a refused body was stored: %d comments, first %.20q", len(c), c[0].Body)
	}
	if got := create(`{"body":"` + atLimit + `"}`); got != http.StatusCreated {
		t.Errorf("create at the limit: %d, want 201", got)
	}
	if got := edit(`{"body":"` + atLimit + `"}`); got != http.StatusOK {
		t.Errorf("edit at the limit: %d, want 200", got)
	}
	if c := s.Comments(1); len(c) != 2 || c[0].Body != atLimit || c[1].Body != atLimit {
		t.Errorf("bodies at the limit not stored: %d comments", len(c))
	}
}
