package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/sethvargo/go-githubactions"
)

// readAppInputs reads the app-id and app-private-key inputs: both or
// neither.
func readAppInputs(action *githubactions.Action, cfg *config) error {
	id, key := action.GetInput("app-id"), action.GetInput("app-private-key")
	switch {
	case id == "" && key == "":
		return nil
	case id == "":
		return fmt.Errorf("input app-private-key is set but app-id is empty; give both to act as a GitHub App")
	case key == "":
		return fmt.Errorf("input app-id is set but app-private-key is empty; give both to act as a GitHub App")
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("input app-id is %q; give the App's numeric id (its settings page shows it)", id)
	}
	cfg.appID, cfg.appKey = n, []byte(key)
	return nil
}

// connect returns the client the engine writes with and the login it
// writes as: as the GitHub App's installation on the repository when an App
// is configured ("<slug>[bot]"), otherwise with the token (its user, or
// github-actions[bot] for a workflow's GITHUB_TOKEN). The installation
// token is masked before it can be printed.
func connect(ctx context.Context, action *githubactions.Action, cfg config) (*ghapi.Client, string, error) {
	opts := ghapi.Options{BaseURL: cfg.apiURL, GraphQLURL: cfg.graphQLURL, Token: cfg.token, Retry: cfg.retry}
	if cfg.appID == 0 {
		client, err := ghapi.New(cfg.repository, opts)
		if err != nil {
			return nil, "", err
		}
		login, err := client.Login(ctx)
		return client, login, err
	}
	app, err := ghapi.NewApp(cfg.appID, cfg.appKey, opts)
	if err != nil {
		return nil, "", err
	}
	installation, err := app.Installation(ctx, cfg.repository)
	if err != nil {
		return nil, "", err
	}
	client, token, err := app.Client(ctx, cfg.repository, installation)
	if err != nil {
		return nil, "", err
	}
	action.AddMask(token)
	login, err := app.Login(ctx, cfg.repository)
	return client, login, err
}

// maskLines masks every line of a multi-line secret, such as a PEM key:
// the runner masks line by line.
func maskLines(action *githubactions.Action, secret []byte) {
	for _, line := range strings.Split(string(secret), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "-----") {
			action.AddMask(line)
		}
	}
}
