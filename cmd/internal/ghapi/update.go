package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-github/v60/github"
)

// ErrHeadMoved is GitHub's 422 to an update of a pull request's branch
// whose head is no longer the expected one.
var ErrHeadMoved = errors.New("the head moved")

// UpdateBranch asks GitHub to merge the base into pull request n's branch,
// if its head is still expectedHead; ErrHeadMoved when it is not. GitHub
// does the update after it answers (202).
func (c *Client) UpdateBranch(ctx context.Context, n int, expectedHead string) error {
	_, _, err := c.gh.PullRequests.UpdateBranch(ctx, c.owner, c.repo, n, &github.PullRequestBranchUpdateOptions{ExpectedHeadSHA: github.String(expectedHead)})
	var accepted *github.AcceptedError
	if err == nil || errors.As(err, &accepted) {
		return nil
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnprocessableEntity {
		return fmt.Errorf("update the branch of #%d: %w", n, ErrHeadMoved)
	}
	return wrap(err, "update the branch of #%d", n)
}
