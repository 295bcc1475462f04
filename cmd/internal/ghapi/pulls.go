package ghapi

import (
	"context"

	"github.com/google/go-github/v60/github"
)

// OpenPulls lists the open pull requests into base ("": into any base),
// from any branch or fork. GitHub's list leaves ChangedFiles out: read a
// pull request with PullRequest for it.
func (c *Client) OpenPulls(ctx context.Context, base string) ([]PullRequest, error) {
	what := "list open pull requests into " + base
	if base == "" {
		what = "list open pull requests"
	}
	return c.listPulls(ctx, &github.PullRequestListOptions{State: "open", Base: base}, what)
}

// listPulls lists every page of pull requests opts select; what names the
// call in an error.
func (c *Client) listPulls(ctx context.Context, opts *github.PullRequestListOptions, what string) ([]PullRequest, error) {
	pulls, err := listAll(&opts.ListOptions, func() ([]*github.PullRequest, *github.Response, error) {
		return c.gh.PullRequests.List(ctx, c.owner, c.repo, opts)
	}, pullRequest)
	return pulls, wrap(err, "%s", what)
}
