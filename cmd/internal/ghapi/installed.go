package ghapi

import (
	"context"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Installed is a repository an installation of the App can access.
type Installed struct {
	Installation  int64
	Repository    string // owner/name
	DefaultBranch string
	HTMLURL       string
}

// Installations lists the ids of the App's installations (GET
// /app/installations, with the App's JWT), leaving out suspended ones:
// GitHub gives them no token.
func (a *App) Installations(ctx context.Context) ([]int64, error) {
	base, err := BaseURL(a.opts.BaseURL)
	if err != nil {
		return nil, err
	}
	opts := a.opts
	opts.Transport = a.apps
	gh := newGitHub(opts, base)
	var lo github.ListOptions
	ids, err := listAll(&lo, func() ([]*github.Installation, *github.Response, error) {
		return gh.Apps.ListInstallations(ctx, &lo)
	}, func(in *github.Installation) (int64, error) {
		if in.GetID() <= 0 {
			return 0, malformed("an installation without an id")
		}
		if in.SuspendedAt != nil {
			return 0, nil
		}
		return in.GetID(), nil
	})
	if err != nil {
		return nil, wrap(err, "list the installations of GitHub App %d (GET /app/installations)", a.apps.AppID())
	}
	out := ids[:0]
	for _, id := range ids {
		if id != 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

// Repositories lists the repositories installation can access (GET
// /installation/repositories, with its token), leaving out archived and
// disabled ones, which take no statuses.
func (a *App) Repositories(ctx context.Context, installation int64) ([]Installed, error) {
	base, err := BaseURL(a.opts.BaseURL)
	if err != nil {
		return nil, err
	}
	opts := a.opts
	opts.Transport = a.transport(installation)
	gh := newGitHub(opts, base)
	var lo github.ListOptions
	repos, err := listAll(&lo, func() ([]*github.Repository, *github.Response, error) {
		page, resp, err := gh.Apps.ListRepos(ctx, &lo)
		if page == nil {
			return nil, resp, err
		}
		return page.Repositories, resp, err
	}, func(r *github.Repository) (Installed, error) {
		owner, name, ok := strings.Cut(r.GetFullName(), "/")
		if !ok || owner == "" || name == "" {
			return Installed{}, malformed("a repository named %q", r.GetFullName())
		}
		if r.GetArchived() || r.GetDisabled() {
			return Installed{}, nil
		}
		return Installed{Installation: installation, Repository: r.GetFullName(), DefaultBranch: r.GetDefaultBranch(), HTMLURL: r.GetHTMLURL()}, nil
	})
	if err != nil {
		return nil, wrap(err, "list the repositories of installation %d (GET /installation/repositories)", installation)
	}
	out := repos[:0]
	for _, r := range repos {
		if r.Repository != "" {
			out = append(out, r)
		}
	}
	return out, nil
}
