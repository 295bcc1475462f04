package ghapi

import "context"

// DeleteComment deletes issue comment id.
func (c *Client) DeleteComment(ctx context.Context, id int64) error {
	_, err := c.gh.Issues.DeleteComment(ctx, c.owner, c.repo, id)
	return wrap(err, "delete comment %d", id)
}
