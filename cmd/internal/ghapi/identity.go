package ghapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/go-github/v60/github"
)

// ActionsBot is the login of a workflow's GITHUB_TOKEN: it writes as the
// GitHub Actions App's bot.
const ActionsBot = "github-actions[bot]"

// Login is the login this client writes as: the token's user, or, for a
// token GET /user refuses as an integration's (a workflow's GITHUB_TOKEN
// is one), ActionsBot. A client made by App.Client writes as the App's bot;
// use App.Login for it.
func (c *Client) Login(ctx context.Context) (string, error) {
	u, _, err := c.gh.Users.Get(ctx, "")
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusForbidden {
		return ActionsBot, nil
	}
	if err != nil {
		return "", wrap(err, "find who the token acts as (GET /user)")
	}
	if u.GetLogin() == "" {
		return "", malformed("GET /user names no login")
	}
	return u.GetLogin(), nil
}

// Login is the login the App's installations write as, "<slug>[bot]",
// read once with the App's JWT (GET /app) through repository's API root.
func (a *App) Login(ctx context.Context, repository string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.login != "" {
		return a.login, nil
	}
	opts := a.opts
	opts.Transport = a.apps
	c, err := New(repository, opts)
	if err != nil {
		return "", err
	}
	app, _, err := c.gh.Apps.Get(ctx, "")
	if err != nil {
		return "", wrap(err, "read GitHub App %d (GET /app)", a.apps.AppID())
	}
	if app.GetSlug() == "" {
		return "", malformed("GET /app names no slug")
	}
	a.login = app.GetSlug() + "[bot]"
	return a.login, nil
}
