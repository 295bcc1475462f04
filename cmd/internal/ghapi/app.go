package ghapi

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// App authenticates as a GitHub App: a JWT signed with the App's private
// key for the App's own endpoints, and an installation token, fetched and
// renewed by ghinstallation, for a repository's.
type App struct {
	apps *ghinstallation.AppsTransport
	opts Options

	mu            sync.Mutex
	installations map[int64]*ghinstallation.Transport
	login         string // the App's bot, once Login read it
}

// NewApp returns the App id with its PEM private key. opts give the API
// root, retry policy and transport of every client it makes; their Token
// is ignored.
func NewApp(id int64, privateKey []byte, opts Options) (*App, error) {
	base, err := BaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	apps, err := ghinstallation.NewAppsTransport(opts.bounded(), id, privateKey)
	if err != nil {
		return nil, fmt.Errorf("read the private key of GitHub App %d: %w", id, err)
	}
	apps.BaseURL = strings.TrimSuffix(base.String(), "/")
	opts.Token = ""
	return &App{apps: apps, opts: opts, installations: map[int64]*ghinstallation.Transport{}}, nil
}

// Installation finds the App's installation on repository "owner/name".
func (a *App) Installation(ctx context.Context, repository string) (int64, error) {
	opts := a.opts
	opts.Transport = a.apps
	c, err := New(repository, opts)
	if err != nil {
		return 0, err
	}
	inst, _, err := c.gh.Apps.FindRepositoryInstallation(ctx, c.owner, c.repo)
	if err != nil {
		return 0, wrap(err, "find the installation of GitHub App %d on %s (is the App installed there?)", a.apps.AppID(), repository)
	}
	return inst.GetID(), nil
}

// Client returns a client for repository that acts as installation, and
// the installation token, so that a caller can mask it. The token is
// renewed before it expires; clients of one installation share it.
func (a *App) Client(ctx context.Context, repository string, installation int64) (*Client, string, error) {
	tr := a.transport(installation)
	token, err := tr.Token(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("get an installation token of GitHub App %d for %s: %w", a.apps.AppID(), repository, err)
	}
	opts := a.opts
	opts.Transport = tr
	c, err := New(repository, opts)
	return c, token, err
}

// transport is the one transport of installation, which holds its token.
func (a *App) transport(installation int64) *ghinstallation.Transport {
	a.mu.Lock()
	defer a.mu.Unlock()
	tr, ok := a.installations[installation]
	if !ok {
		tr = ghinstallation.NewFromAppsTransport(a.apps, installation)
		a.installations[installation] = tr
	}
	return tr
}
