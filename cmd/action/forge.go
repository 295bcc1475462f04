package main

import (
	"context"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// forge is what the engine needs from GitHub, declared here so the engine
// depends on its own port and ghapi.Client is one adapter of it.
type forge interface {
	File(ctx context.Context, ref, path string) ([]byte, error)
	Tree(ctx context.Context, ref string) (paths []string, truncated bool, err error)
	PullRequest(ctx context.Context, n int) (ghapi.PullRequest, error)
	PullsOfBranches(ctx context.Context, base string, branches []string) (map[string][]ghapi.PullRequest, error)
	OpenPulls(ctx context.Context, base string) ([]ghapi.PullRequest, error)
	PullFiles(ctx context.Context, n int) ([]ghapi.File, error)
	Statuses(ctx context.Context, sha string) (map[string]ghapi.Status, error)
	SetStatus(ctx context.Context, sha string, s ghapi.Status) error
	LabelExists(ctx context.Context, name string) (bool, error)
	CreateLabel(ctx context.Context, name, color, description string) error
	AddLabel(ctx context.Context, n int, name string) error
	RemoveLabel(ctx context.Context, n int, name string) error
	Comments(ctx context.Context, n int) ([]ghapi.Comment, error)
	CreateComment(ctx context.Context, n int, body string) error
	EditComment(ctx context.Context, id int64, body string) error
	DeleteComment(ctx context.Context, id int64) error
	Contains(ctx context.Context, head, commit string) (bool, error)
	UpdateBranch(ctx context.Context, n int, expectedHead string) error
}

var _ forge = (*ghapi.Client)(nil)
