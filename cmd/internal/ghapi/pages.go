package ghapi

import (
	"errors"
	"fmt"

	"github.com/google/go-github/v60/github"
)

// ErrMalformed is an answer GitHub would not give: a null body, a list
// that is not a list, an entry without the fields every entry has. The
// product never reads one as "nothing there".
var ErrMalformed = errors.New("malformed answer from GitHub")

// maxPages bounds every list: 3,000 files or 100,000 comments are far
// below it, a server whose Link headers never end is not.
const maxPages = 1000

// listAll reads every page of a list, from the first until GitHub's Link
// header names no next page, and converts each entry with conv. fetch
// reads the page opts.Page names; a nil page (a `null` body) or a nil
// entry is ErrMalformed, and so is any error conv returns.
func listAll[T, U any](opts *github.ListOptions, fetch func() ([]*T, *github.Response, error), conv func(*T) (U, error)) ([]U, error) {
	opts.PerPage = perPage
	opts.Page = 0
	var out []U
	for pages := 1; ; pages++ {
		page, resp, err := fetch()
		if err != nil {
			return nil, err
		}
		if page == nil {
			return nil, fmt.Errorf("page %d is not a list: %w", max(opts.Page, 1), ErrMalformed)
		}
		for i, item := range page {
			if item == nil {
				return nil, fmt.Errorf("entry %d of page %d is null: %w", i, max(opts.Page, 1), ErrMalformed)
			}
			u, err := conv(item)
			if err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		if resp.NextPage <= max(opts.Page, 1) || pages == maxPages {
			return nil, fmt.Errorf("page %d links to page %d (after %d pages): %w", max(opts.Page, 1), resp.NextPage, pages, ErrMalformed)
		}
		opts.Page = resp.NextPage
	}
}

// malformed names what an answer lacks.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrMalformed)
}
