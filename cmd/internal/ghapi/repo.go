package ghapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-github/v60/github"
	"github.com/parallel-sessions/parallel-sessions/ordering"
)

// PullRequest is what the product needs of a pull request.
type PullRequest struct {
	Number       int
	State        string // "open" or "closed"
	Merged       bool
	HeadRef      string
	HeadSHA      string
	HeadRepo     string // "owner/name"; "" when the fork is gone
	BaseRef      string
	BaseRepo     string
	ChangedFiles int
	Labels       []string
	Title, Body  string
	// Mergeable says whether the pull request merges into its base without
	// conflicts; nil while GitHub computes it, and in lists, which leave it
	// out. MergeableState is GitHub's mergeable_state ("behind", "dirty",
	// "clean", "unknown", ...).
	Mergeable      *bool
	MergeableState string
}

// pullRequest converts GitHub's pull request; one without a number, state,
// head or base is ErrMalformed, never a closed pull request into "".
func pullRequest(p *github.PullRequest) (PullRequest, error) {
	switch {
	case p.GetNumber() <= 0:
		return PullRequest{}, malformed("a pull request without a number")
	case p.GetState() != "open" && p.GetState() != "closed":
		return PullRequest{}, malformed("pull request #%d has state %q", p.GetNumber(), p.GetState())
	case p.GetHead().GetRef() == "" || p.GetHead().GetSHA() == "":
		return PullRequest{}, malformed("pull request #%d has no head branch or commit", p.GetNumber())
	case p.GetBase().GetRef() == "":
		return PullRequest{}, malformed("pull request #%d has no base branch", p.GetNumber())
	}
	pr := PullRequest{
		Number:         p.GetNumber(),
		State:          p.GetState(),
		Merged:         p.GetMerged() || p.MergedAt != nil,
		HeadRef:        p.GetHead().GetRef(),
		HeadSHA:        p.GetHead().GetSHA(),
		HeadRepo:       p.GetHead().GetRepo().GetFullName(),
		BaseRef:        p.GetBase().GetRef(),
		BaseRepo:       p.GetBase().GetRepo().GetFullName(),
		ChangedFiles:   p.GetChangedFiles(),
		Title:          p.GetTitle(),
		Body:           p.GetBody(),
		Mergeable:      p.Mergeable,
		MergeableState: p.GetMergeableState(),
	}
	for _, l := range p.Labels {
		pr.Labels = append(pr.Labels, l.GetName())
	}
	return pr, nil
}

// File is one entry of a pull request's file list.
type File struct {
	Status           string // added, removed, modified, renamed, copied, changed, unchanged
	Filename         string
	PreviousFilename string
}

// Status is a commit status.
type Status struct {
	Context     string
	State       string // pending, success, failure, error
	Description string
	TargetURL   string
	Creator     string // the login of who created it; read only
}

// Comment is an issue comment.
type Comment struct {
	ID     int64
	Body   string
	Author string // the login of who wrote it
}

// File returns the content of path at ref; ErrNotFound when there is none.
func (c *Client) File(ctx context.Context, ref, path string) ([]byte, error) {
	file, dir, _, err := c.gh.Repositories.GetContents(ctx, c.owner, c.repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		return nil, wrap(err, "read %s at %s", path, ref)
	}
	if file == nil || dir != nil {
		return nil, fmt.Errorf("read %s at %s: is a directory", path, ref)
	}
	content, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, ref, err)
	}
	return []byte(content), nil
}

// PullRequest fetches pull request n as GitHub has it now; an answer
// without changed_files is ErrMalformed (lists leave it out, a read of one
// pull request never does).
func (c *Client) PullRequest(ctx context.Context, n int) (PullRequest, error) {
	p, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, n)
	if err != nil {
		return PullRequest{}, wrap(err, "get pull request #%d", n)
	}
	pr, err := pullRequest(p)
	if err != nil {
		return PullRequest{}, fmt.Errorf("get pull request #%d: %w", n, err)
	}
	if pr.Number != n {
		return PullRequest{}, fmt.Errorf("get pull request #%d: %w", n, malformed("GitHub answered with #%d", pr.Number))
	}
	if p.ChangedFiles == nil {
		// The count an empty file list is checked against: without it a
		// list GitHub left empty would read as a change of no file.
		return PullRequest{}, fmt.Errorf("get pull request #%d: %w", n, malformed("the answer has no changed_files"))
	}
	return pr, nil
}

// BranchPulls lists the pull requests, open and closed, from branch of this
// repository into base. The list is per branch, so it does not grow with
// the repository's history.
func (c *Client) BranchPulls(ctx context.Context, base, branch string) ([]PullRequest, error) {
	opts := &github.PullRequestListOptions{State: "all", Head: c.owner + ":" + branch, Base: base}
	return c.listPulls(ctx, opts, "list pull requests of branch "+branch)
}

// PullFiles lists every file GitHub reports for pull request n. GitHub stops
// at 3,000 files: compare the count with PullRequest.ChangedFiles. A file
// listed twice is ErrMalformed: the list changed between its pages (the
// head moved away and back, say), so as many entries as GitHub's count do
// not make it one head's list, and a file it left out may be out of scope.
func (c *Client) PullFiles(ctx context.Context, n int) ([]File, error) {
	opts := &github.ListOptions{}
	seen := map[string]bool{}
	files, err := listAll(opts, func() ([]*github.CommitFile, *github.Response, error) {
		return c.gh.PullRequests.ListFiles(ctx, c.owner, c.repo, n, opts)
	}, func(f *github.CommitFile) (File, error) {
		switch {
		case f.GetFilename() == "" || f.GetStatus() == "":
			return File{}, malformed("a file without a name or status")
		case seen[f.GetFilename()]:
			return File{}, malformed("%q is listed twice: the list changed between its pages; run again", f.GetFilename())
		}
		seen[f.GetFilename()] = true
		return File{Status: f.GetStatus(), Filename: f.GetFilename(), PreviousFilename: f.GetPreviousFilename()}, nil
	})
	return files, wrap(err, "list files of pull request #%d", n)
}

// Statuses returns the latest status of each context on sha.
func (c *Client) Statuses(ctx context.Context, sha string) (map[string]Status, error) {
	opts := &github.ListOptions{}
	list, err := listAll(opts, func() ([]*github.RepoStatus, *github.Response, error) {
		combined, resp, err := c.gh.Repositories.GetCombinedStatus(ctx, c.owner, c.repo, sha, opts)
		if err != nil {
			return nil, resp, err
		}
		return combined.Statuses, resp, nil
	}, func(s *github.RepoStatus) (Status, error) {
		if s.GetContext() == "" || s.GetState() == "" {
			return Status{}, malformed("a status without a context or state")
		}
		return Status{Context: s.GetContext(), State: s.GetState(), Description: s.GetDescription(), TargetURL: s.GetTargetURL(), Creator: s.GetCreator().GetLogin()}, nil
	})
	if err != nil {
		return nil, wrap(err, "read statuses of %.12s", sha)
	}
	out := map[string]Status{}
	for _, s := range list {
		out[s.Context] = s
	}
	return out, nil
}

// SetStatus creates a commit status on sha.
func (c *Client) SetStatus(ctx context.Context, sha string, s Status) error {
	st := &github.RepoStatus{State: github.String(s.State), Context: github.String(s.Context), Description: github.String(s.Description)}
	if s.TargetURL != "" {
		st.TargetURL = github.String(s.TargetURL)
	}
	_, _, err := c.gh.Repositories.CreateStatus(retrySafe(ctx), c.owner, c.repo, sha, st)
	return wrap(err, "set status %s on %.12s", s.Context, sha)
}

// LabelExists reports whether the repository has label name.
func (c *Client) LabelExists(ctx context.Context, name string) (bool, error) {
	_, _, err := c.gh.Issues.GetLabel(ctx, c.owner, c.repo, name)
	if err != nil {
		if err = wrap(err, "get label %s", name); errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// CreateLabel creates a repository label.
func (c *Client) CreateLabel(ctx context.Context, name, color, description string) error {
	_, _, err := c.gh.Issues.CreateLabel(retrySafe(ctx), c.owner, c.repo, &github.Label{Name: github.String(name), Color: github.String(color), Description: github.String(description)})
	if alreadyExists(err) {
		return nil // made by a run in parallel, or by this one before its answer was lost
	}
	return wrap(err, "create label %s", name)
}

// AddLabel adds a label to issue or pull request n.
func (c *Client) AddLabel(ctx context.Context, n int, name string) error {
	_, _, err := c.gh.Issues.AddLabelsToIssue(retrySafe(ctx), c.owner, c.repo, n, []string{name})
	return wrap(err, "add label %s to #%d", name, n)
}

// RemoveLabel removes a label from issue or pull request n.
func (c *Client) RemoveLabel(ctx context.Context, n int, name string) error {
	_, err := c.gh.Issues.RemoveLabelForIssue(ctx, c.owner, c.repo, n, name)
	if isNotFound(err) {
		return nil // not there: removed by a retry whose first answer was lost, or by someone else
	}
	return wrap(err, "remove label %s from #%d", name, n)
}

// Comments lists the comments of issue or pull request n.
func (c *Client) Comments(ctx context.Context, n int) ([]Comment, error) {
	opts := &github.IssueListCommentsOptions{}
	comments, err := listAll(&opts.ListOptions, func() ([]*github.IssueComment, *github.Response, error) {
		return c.gh.Issues.ListComments(ctx, c.owner, c.repo, n, opts)
	}, func(cm *github.IssueComment) (Comment, error) {
		if cm.GetID() <= 0 {
			return Comment{}, malformed("a comment without an id")
		}
		return Comment{ID: cm.GetID(), Body: cm.GetBody(), Author: cm.GetUser().GetLogin()}, nil
	})
	return comments, wrap(err, "list comments of #%d", n)
}

// CreateComment comments on issue or pull request n. It is never sent
// twice: when its answer is lost (5xx, broken connection) GitHub may have
// made the comment, and the error says so.
func (c *Client) CreateComment(ctx context.Context, n int, body string) error {
	_, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, n, &github.IssueComment{Body: github.String(body)})
	if lostAnswer(err) {
		return wrap(err, "comment on #%d (the answer was lost and GitHub may have made the comment: it is not posted again; the next run edits it)", n)
	}
	return wrap(err, "comment on #%d", n)
}

// EditComment replaces the body of comment id.
func (c *Client) EditComment(ctx context.Context, id int64, body string) error {
	_, _, err := c.gh.Issues.EditComment(ctx, c.owner, c.repo, id, &github.IssueComment{Body: github.String(body)})
	return wrap(err, "edit comment %d", id)
}

// CreatePull opens a pull request from head into base and returns its
// number.
func (c *Client) CreatePull(ctx context.Context, base, head, title, body string) (int, error) {
	p, _, err := c.gh.PullRequests.Create(ctx, c.owner, c.repo, &github.NewPullRequest{
		Base: github.String(base), Head: github.String(head), Title: github.String(title), Body: github.String(body),
	})
	if err != nil {
		return 0, wrap(err, "open a pull request for %s", head)
	}
	return p.GetNumber(), nil
}

// EditPull sets the title and body of pull request n.
func (c *Client) EditPull(ctx context.Context, n int, title, body string) error {
	_, _, err := c.gh.PullRequests.Edit(ctx, c.owner, c.repo, n, &github.PullRequest{Title: github.String(title), Body: github.String(body)})
	return wrap(err, "update pull request #%d", n)
}

// OrderingPulls converts pull requests for ordering.OpenFirst.
func OrderingPulls(pulls []PullRequest) []ordering.PullRequest {
	out := make([]ordering.PullRequest, len(pulls))
	for i, p := range pulls {
		out[i] = ordering.PullRequest{Number: p.Number, Open: p.State == "open", Merged: p.Merged}
	}
	return out
}

// Contains reports whether commit is head or one of its ancestors, by
// comparing the two. A commit GitHub does not know is contained in nothing.
func (c *Client) Contains(ctx context.Context, head, commit string) (bool, error) {
	cmp, _, err := c.gh.Repositories.CompareCommits(ctx, c.owner, c.repo, commit, head, &github.ListOptions{PerPage: 1})
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, wrap(err, "compare %s with %s", commit, head)
	}
	switch cmp.GetStatus() {
	case "ahead", "identical":
		return true, nil
	}
	return false, nil
}
