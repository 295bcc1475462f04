package ghapi

import (
	"context"

	"github.com/google/go-github/v60/github"
)

// OpenPulls lists the open pull requests into base, from any branch or
// fork. GitHub's list leaves ChangedFiles out: read a pull request with
// PullRequest for it.
func (c *Client) OpenPulls(ctx context.Context, base string) ([]PullRequest, error) {
	return c.listPulls(ctx, &github.PullRequestListOptions{State: "open", Base: base}, "list open pull requests into "+base)
}

// listPulls lists every page of pull requests opts select; what names the
// call in an error.
func (c *Client) listPulls(ctx context.Context, opts *github.PullRequestListOptions, what string) ([]PullRequest, error) {
	opts.PerPage = perPage
	var out []PullRequest
	for {
		page, resp, err := c.gh.PullRequests.List(ctx, c.owner, c.repo, opts)
		if err != nil {
			return nil, wrap(err, "%s", what)
		}
		for _, p := range page {
			out = append(out, pullRequest(p))
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}
