// Package ghapi is the GitHub client both commands use: go-github v60
// behind a few methods that speak in the product's terms, with paginated
// lists, bounded retries of transient failures, and GitHub Enterprise base
// URLs taken as they are; one GraphQL query, for many branches at once.
package ghapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// ErrNotFound is GitHub's 404.
var ErrNotFound = errors.New("not found")

// perPage is the page size of every list: GitHub's maximum.
const perPage = 100

// Options configure a Client.
type Options struct {
	// BaseURL is the REST API root, GITHUB_API_URL as the runner sets it
	// ("https://api.github.com", or "https://ghe.example.com/api/v3").
	BaseURL string
	// GraphQLURL is the GraphQL endpoint, GITHUB_GRAPHQL_URL as the runner
	// sets it; empty means the one beside BaseURL: /graphql on
	// api.github.com, /api/graphql on GitHub Enterprise (README, "API
	// cost").
	GraphQLURL string
	// Token authenticates every request (a GITHUB_TOKEN or an App
	// installation token).
	Token string
	// Retry bounds the retries of transient failures; zero means
	// DefaultRetry.
	Retry RetryPolicy
	// RequestTimeout bounds each request; zero means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxAnswerBytes bounds each answer's body; zero means
	// DefaultMaxAnswerBytes.
	MaxAnswerBytes int64
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
}

// Client talks to one repository.
type Client struct {
	gh          *github.Client
	owner, repo string
	graphQL     string // the GraphQL endpoint
}

// New returns a client for repository "owner/name".
func New(repository string, opts Options) (*Client, error) {
	owner, name, ok := strings.Cut(repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("repository %q is not OWNER/NAME", repository)
	}
	base, err := BaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	graphQL, err := graphQLEndpoint(opts.GraphQLURL, base)
	if err != nil {
		return nil, err
	}
	return &Client{gh: newGitHub(opts, base), owner: owner, repo: name, graphQL: graphQL}, nil
}

// newGitHub is the go-github client of opts, rooted at base, with bounded
// requests and retries.
func newGitHub(opts Options, base *url.URL) *github.Client {
	policy := opts.Retry
	if policy == (RetryPolicy{}) {
		policy = DefaultRetry
	}
	if policy.Floor <= 0 {
		policy.Floor = DefaultRetry.Floor
	}
	hc := &http.Client{Transport: &retryTransport{next: opts.bounded(), policy: policy, budget: &budget{left: policy.Budget}, sleep: sleepCtx, now: time.Now}}
	gh := github.NewClient(hc)
	if opts.Token != "" {
		gh = gh.WithAuthToken(opts.Token)
	}
	gh.BaseURL = base
	gh.UploadURL = base
	return gh
}

// bounded is the options' transport with each request's timeout and
// answer limit.
func (opts Options) bounded() http.RoundTripper {
	next := opts.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	timeout := opts.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	limit := opts.MaxAnswerBytes
	if limit <= 0 {
		limit = DefaultMaxAnswerBytes
	}
	return timeoutTransport{next: next, timeout: timeout, limit: limit}
}

// BaseURL parses an API root and gives it the trailing slash go-github
// needs. Nothing else is added: on GitHub Enterprise the root already ends
// in /api/v3.
func BaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = "https://api.github.com"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("GitHub API URL %q is not an http(s) URL", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// wrap names the failed call and turns 404 into ErrNotFound.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if isNotFound(err) {
		return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}

// isNotFound reports whether GitHub answered 404.
func isNotFound(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound
}

// alreadyExists reports GitHub's 422 for a resource that exists already.
func alreadyExists(err error) bool {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	if strings.Contains(er.Message, "already_exists") {
		return true
	}
	for _, e := range er.Errors {
		if e.Code == "already_exists" {
			return true
		}
	}
	return false
}

// lostAnswer reports a failure after which GitHub may have acted: a 5xx,
// or no answer at all (a broken connection, a timeout).
func lostAnswer(err error) bool {
	if err == nil {
		return false
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		return er.Response != nil && er.Response.StatusCode >= 500
	}
	return true
}
