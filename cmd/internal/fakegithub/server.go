// Package fakegithub is an in-process GitHub REST server for tests: one
// repository's contents, pull requests, files, commit statuses, labels and
// comments, served in GitHub's JSON shapes under an API prefix (as on GitHub
// Enterprise, so a client that builds absolute URLs fails), and the one
// GraphQL query the client sends. It paginates with Link headers, records
// every request, and injects faults.
package fakegithub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Prefix is where the API is mounted; APIURL ends with it.
const Prefix = "/api/v3"

// Server is a fake GitHub for one repository.
type Server struct {
	srv         *httptest.Server
	Owner, Repo string

	mu       sync.Mutex
	contents map[string]map[string]string // ref, path → content
	pulls    map[int]*Pull
	statuses map[string][]Status // sha → statuses, oldest first
	labels   map[string]bool
	comments map[int][]*Comment
	nextID   int64
	requests []Request
	faults   []*Fault
	hooks    []*Hook
	users    map[string]string // token → login, for tokens of users
	app      *app
	t        testing.TB
	// done is closed when the test ends: hung answers give up then.
	done chan struct{}
	// treeTruncated makes the trees route cut its answer short.
	treeTruncated bool
	// ancestors holds, per commit, every commit it descends from.
	ancestors map[string]map[string]bool
	// MaxPerPage caps per_page, to exercise pagination with few items.
	MaxPerPage int
	delay      atomic.Int64 // nanoseconds each answer waits
}

// Pull is a pull request of the fake repository.
type Pull struct {
	Number   int
	State    string // "open" or "closed"
	Merged   bool
	HeadRef  string
	HeadSHA  string
	HeadRepo string // "owner/name"; the fake repository when empty
	BaseRef  string
	Files    []File
	// ChangedFiles overrides len(Files) as the count GitHub reports.
	ChangedFiles int
	Labels       []string
	Title, Body  string
	// Mergeable and MergeableState are what a read of this one pull
	// request says of its merge into the base (lists leave them out):
	// Mergeable nil is null, GitHub still computing.
	Mergeable      *bool
	MergeableState string
}

// File is an entry of a pull request's file list.
type File struct {
	Status, Filename, PreviousFilename string
}

// Status is a commit status.
type Status struct {
	State, Context, Description, TargetURL string
	// Creator is the login of who created it.
	Creator string
}

// Comment is an issue comment.
type Comment struct {
	ID   int64
	Body string
	// User is the login of its author.
	User string
}

// Request is a recorded request, its path without the API prefix.
type Request struct {
	Method, Path, Query string
	Body                []byte
	// Auth is the Authorization header.
	Auth string
}

// Hook runs Fn after the fake has answered a matching request, Times times
// (0: always), outside the fake's lock: a test changes the repository
// between two of the client's requests with it, as GitHub changes under a
// running job.
type Hook struct {
	Method  string // "" for any
	Path    string // a substring of the path without the prefix; "" for any
	Times   int
	Fn      func()
	matched int
}

// AddHook registers a hook.
func (s *Server) AddHook(h *Hook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, h)
}

// New starts a fake GitHub for repository owner/name, stopped at the end of
// the test.
func New(t testing.TB, owner, repo string) *Server {
	s := &Server{
		Owner: owner, Repo: repo,
		contents:  map[string]map[string]string{},
		pulls:     map[int]*Pull{},
		statuses:  map[string][]Status{},
		labels:    map[string]bool{},
		comments:  map[int][]*Comment{},
		nextID:    1000,
		ancestors: map[string]map[string]bool{},
		t:         t,
		done:      make(chan struct{}),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(s.done) }) // runs first: hung answers end
	return s
}

// APIURL is the API root as a runner's GITHUB_API_URL gives it, without a
// trailing slash.
func (s *Server) APIURL() string { return s.srv.URL + Prefix }

// SetFile sets the content of path at ref ("" content removes it).
func (s *Server) SetFile(ref, path, content string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.contents[ref] == nil {
		s.contents[ref] = map[string]string{}
	}
	if content == "" {
		delete(s.contents[ref], path)
		return
	}
	s.contents[ref][path] = content
}

// File returns the content of path at ref, as SetFile left it.
func (s *Server) File(ref, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	content, ok := s.contents[ref][path]
	return content, ok
}

// AddPull adds or replaces a pull request.
func (s *Server) AddPull(p Pull) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.HeadRepo == "" {
		p.HeadRepo = s.Owner + "/" + s.Repo
	}
	if p.State == "" {
		p.State = "open"
	}
	s.pulls[p.Number] = &p
}

// Update changes pull request n under the server's lock.
func (s *Server) Update(n int, change func(*Pull)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(s.pulls[n])
}

// PullState returns a copy of pull request n.
func (s *Server) PullState(n int) Pull {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.pulls[n]
}

// AddComment adds a comment to pull request n, as the user octocat would.
func (s *Server) AddComment(n int, body string) { s.AddCommentAs(n, "octocat", body) }

// Comments returns the comments of pull request n.
func (s *Server) Comments(n int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments[n] {
		out = append(out, *c)
	}
	return out
}

// AddCommit records a commit and every commit it descends from, for the
// compare endpoint.
func (s *Server) AddCommit(sha string, ancestors ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := map[string]bool{}
	for _, a := range ancestors {
		set[a] = true
	}
	s.ancestors[sha] = set
}

// LatestStatus returns the newest status of context on sha.
func (s *Server) LatestStatus(sha, context string) (Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.statuses[sha]
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Context == context {
			return list[i], true
		}
	}
	return Status{}, false
}

// Label reports whether the repository has the label.
func (s *Server) Label(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.labels[name]
}

// AddFault registers a fault; faults are tried in the order added.
func (s *Server) AddFault(f *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// Requests returns the recorded requests and forgets them.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.requests
	s.requests = nil
	return out
}

// Writes filters requests to those that change something: a GraphQL
// query is a read.
func Writes(reqs []Request) []Request {
	var out []Request
	for _, r := range reqs {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !IsQuery(r) {
			out = append(out, r)
		}
	}
	return out
}

// SetDelay makes every answer wait d, as a distant GitHub does.
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	for _, fn := range s.answer(w, r) {
		fn()
	}
}

// answer answers r under the lock and returns the hooks to run after it.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) []func() {
	body, _ := io.ReadAll(r.Body)
	time.Sleep(time.Duration(s.delay.Load()))
	s.mu.Lock()
	defer s.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	if r.URL.Path == GraphQLPrefix {
		path = GraphQLPath
	}
	var after []func()
	for _, h := range s.hooks {
		if (h.Method == "" || h.Method == r.Method) && strings.Contains(path, h.Path) && (h.Times == 0 || h.matched < h.Times) {
			h.matched++
			after = append(after, h.Fn)
		}
	}
	if fault := s.dispatch(w, r, path, body); fault != nil {
		after = append([]func(){fault}, after...)
	}
	return after
}

// dispatch records r and answers it, or injects the first matching fault;
// it returns what a fault does once the lock is released (hang, drop).
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, path string, body []byte) func() {
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: body, Auth: r.Header.Get("Authorization")})
	if !strings.HasPrefix(r.URL.Path, Prefix+"/") && r.URL.Path != GraphQLPrefix {
		s.unimplemented(w, r)
		return nil
	}
	for _, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.Contains(path, f.Path) && (f.Times == 0 || f.matched < f.Times) {
			f.matched++
			if f.AfterWrite {
				s.handle(httptest.NewRecorder(), r, path, body)
			}
			return s.inject(w, r, f)
		}
	}
	s.handle(w, r, path, body)
	return nil
}

// handle answers r as GitHub would.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	if s.app != nil && s.serveApp(w, r, path) {
		return
	}
	if path == GraphQLPath && r.Method == http.MethodPost {
		s.graphQL(w, r, body)
		return
	}
	if path == "/user" && r.Method == http.MethodGet {
		s.user(w, r)
		return
	}
	repoPrefix := "/repos/" + s.Owner + "/" + s.Repo + "/"
	if !strings.HasPrefix(path, repoPrefix) {
		s.unimplemented(w, r)
		return
	}
	s.route(w, r, strings.Split(strings.TrimPrefix(path, repoPrefix), "/"), body)
}

func writeError(w http.ResponseWriter, status int, message string) {
	if message == "" {
		message = http.StatusText(status)
	}
	writeJSON(w, status, map[string]any{"message": message, "documentation_url": "https://docs.github.com/rest"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// page writes items [from, to) of n for the request's page and per_page,
// with GitHub's Link header, and returns the bounds.
func (s *Server) page(w http.ResponseWriter, r *http.Request, n int) (from, to int) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	if s.MaxPerPage > 0 {
		per = min(per, s.MaxPerPage)
	}
	pg, _ := strconv.Atoi(q.Get("page"))
	pg = max(pg, 1)
	last := max((n+per-1)/per, 1)
	from = min((pg-1)*per, n)
	to = min(from+per, n)
	if pg < last {
		link := func(p int) string {
			q.Set("page", strconv.Itoa(p))
			u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
			return u.String()
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="last"`, link(pg+1), link(last)))
	}
	return from, to
}
