package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// githubTimeout bounds what status and cleanup wait for GitHub before they
// show git's view alone.
const githubTimeout = 4 * time.Second

// remoteRepo is a GitHub repository named by a git remote URL.
type remoteRepo struct {
	host        string // github.com, or an Enterprise host
	owner, name string
}

// parseRemoteURL reads https://host/owner/repo(.git), ssh://git@host/owner/repo.git
// and git@host:owner/repo.git.
func parseRemoteURL(raw string) (remoteRepo, error) {
	var host, path string
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		host, path = u.Hostname(), u.Path
	} else if at, rest, ok := strings.Cut(raw, "@"); ok && !strings.Contains(at, "/") {
		host, path, _ = strings.Cut(rest, ":")
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	owner, name, ok := strings.Cut(path, "/")
	if host == "" || !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return remoteRepo{}, fmt.Errorf("remote URL %q does not name a GitHub repository (https://HOST/OWNER/REPO or git@HOST:OWNER/REPO)", raw)
	}
	return remoteRepo{host: host, owner: owner, name: name}, nil
}

// apiURL is the REST root for the host: api.github.com, or /api/v3 on an
// Enterprise host.
func (r remoteRepo) apiURL() string {
	if r.host == "github.com" {
		return "https://api.github.com"
	}
	return "https://" + r.host + "/api/v3"
}

// compareURL is the web page that opens a pull request for branch.
func (r remoteRepo) compareURL(base, branch string) string {
	return fmt.Sprintf("https://%s/%s/%s/compare/%s...%s?expand=1", r.host, r.owner, r.name, url.PathEscape(base), url.PathEscape(branch))
}

// githubFor returns a GitHub client for the remote's repository when a
// token is set (GITHUB_TOKEN or GH_TOKEN), nil otherwise. GITHUB_API_URL
// overrides the API root derived from the remote URL.
func (c *command) githubFor(repo remoteRepo) (*ghapi.Client, error) {
	token := c.getenv("GITHUB_TOKEN")
	if token == "" {
		token = c.getenv("GH_TOKEN")
	}
	if token == "" {
		return nil, nil
	}
	api := c.getenv("GITHUB_API_URL")
	if api == "" {
		api = repo.apiURL()
	}
	return ghapi.New(repo.owner+"/"+repo.name, ghapi.Options{BaseURL: api, Token: token})
}

// remoteOf reads the configured URL of a remote (before insteadOf
// rewriting, which names the repository as the user wrote it). onGitHub is
// whether it is a GitHub repository: github.com, a host named like
// GitHub Enterprise (github.*), or any host when GITHUB_API_URL says
// where the API is. Other remotes (a path, file://, GitLab, Gitea) are
// pushed to all the same.
func (c *command) remoteOf(git gitCmd, remote string) (repo remoteRepo, onGitHub bool, err error) {
	raw, err := git.line("config", "--get", "remote."+remote+".url")
	if err != nil {
		return remoteRepo{}, false, fmt.Errorf("no remote %q in this repository; add it (git remote add %s URL) or pass --remote NAME", remote, remote)
	}
	repo, err = parseRemoteURL(raw)
	if err != nil {
		return remoteRepo{}, false, nil
	}
	return repo, isGitHubHost(repo.host) || c.getenv("GITHUB_API_URL") != "", nil
}

// mergedPulls reports, per branch, the head SHA of a merged pull request
// into base, asking GitHub in one query (README, "API cost"): the only
// way to see a squash merge.
func mergedPulls(ctx context.Context, gh *ghapi.Client, base string, branches []string) (map[string]string, error) {
	pulls, err := gh.PullsOfBranches(ctx, base, branches)
	if err != nil {
		return nil, err
	}
	merged := map[string]string{}
	for _, b := range branches {
		for _, p := range pulls[b] {
			if p.Merged {
				merged[b] = p.HeadSHA
			}
		}
	}
	return merged, nil
}

// isGitHubHost: github.com, or a GitHub Enterprise host named github.*.
func isGitHubHost(host string) bool {
	host = strings.ToLower(host)
	return host == "github.com" || strings.HasPrefix(host, "github.")
}
