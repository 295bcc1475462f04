package ghapi

import (
	"context"
	"fmt"
)

// Tree lists the paths of every file (blob) at ref, directories left out.
// GitHub cuts a large tree short and says so: truncated is then true and
// paths are only some of the files.
func (c *Client) Tree(ctx context.Context, ref string) (paths []string, truncated bool, err error) {
	tree, _, err := c.gh.Git.GetTree(ctx, c.owner, c.repo, ref, true)
	if err != nil {
		return nil, false, wrap(err, "list the files at %s", ref)
	}
	if tree.Entries == nil {
		return nil, false, fmt.Errorf("list the files at %s: %w", ref, malformed("a tree without entries"))
	}
	for _, e := range tree.Entries {
		if e == nil || e.GetPath() == "" || e.GetType() == "" {
			return nil, false, fmt.Errorf("list the files at %s: %w", ref, malformed("a tree entry without a path or type"))
		}
		if e.GetType() == "blob" {
			paths = append(paths, e.GetPath())
		}
	}
	return paths, tree.GetTruncated(), nil
}
