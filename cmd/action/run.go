package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/buildinfo"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/sethvargo/go-githubactions"
)

// Exit codes: the job fails on anything but exitOK.
const (
	exitOK    = 0
	exitFail  = 1 // the pull request's scope check failed, or the plan is invalid
	exitError = 2 // configuration or GitHub API failure
)

// defaultTimeout bounds a run when the timeout input is not given: far
// under GitHub's six hours for a job.
const defaultTimeout = 10 * time.Minute

// maxAnnotations bounds the annotations of one run; the rest are summed up.
const maxAnnotations = 10

// version is stamped at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

const usage = `ps-action: gate thread pull requests on scope and merge order

Run as a GitHub Action: it reads the runner's environment (GITHUB_EVENT_NAME,
GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_GRAPHQL_URL,
INPUT_TOKEN or INPUT_APP-ID and INPUT_APP-PRIVATE-KEY, ...) and acts on
pull_request, pull_request_target, push, merge_group, workflow_dispatch and
schedule events. See the README for the workflow and the inputs.

Usage:
  ps-action             run as the Action
  ps-action serve       run as a GitHub App webhook bot (see serve --help)
  ps-action --version   print the version
  ps-action --help      show this help
`

// config is the Action's configuration, read from the runner's environment
// at the edge only.
type config struct {
	eventName, eventPath, repository, apiURL, runURL, webURL, refName string
	token, planPath, untracked                                        string
	comment, updateBranch                                             bool
	retry                                                             ghapi.RetryPolicy
	// graphQLURL is GITHUB_GRAPHQL_URL; empty, the client derives it from
	// apiURL.
	graphQLURL string
	// timeout bounds the whole run (input timeout).
	timeout time.Duration
	// appID and appKey, when set, make ps-action act as that GitHub App's
	// installation instead of with the token.
	appID  int64
	appKey []byte
}

// run is ps-action's entry point; main only supplies the process's
// arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "version":
			fmt.Fprintf(stdout, "ps-action %s\n", buildinfo.Version(version))
			return exitOK
		case "serve":
			return runServe(ctx, args[1:], getenv, stdout, stderr)
		case "--help", "-h", "help":
			fmt.Fprint(stdout, usage)
			return exitOK
		default:
			fmt.Fprintf(stderr, "ps-action: unknown argument %q\n%s", args[0], usage)
			return exitError
		}
	}
	action := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(stdout))
	cfg, err := readConfig(action, getenv)
	if err != nil {
		action.Errorf("ps-action: %v", err)
		return exitError
	}
	action.AddMask(cfg.token)
	maskLines(action, cfg.appKey)
	// The whole run has a deadline and one retry budget (README, "What
	// happens on faults").
	ctx, cancel := context.WithTimeout(ghapi.WithRetryBudget(ctx, cfg.retry.Budget), cfg.timeout)
	defer cancel()
	ev, err := readEvent(cfg)
	if err != nil {
		action.Errorf("ps-action: %v", err)
		return exitError
	}
	if ev.todo() == doNothing {
		action.Noticef("ps-action: the %s event is not one ps-action acts on; nothing to do", ev.name)
		return exitOK
	}
	client, login, err := connect(ctx, action, cfg)
	if err != nil {
		action.Errorf("ps-action: %v", err)
		return exitError
	}
	eng := &engine{gh: client, self: login, repo: cfg.repository, planPath: cfg.planPath, untracked: cfg.untracked, comment: cfg.comment, updateBranch: cfg.updateBranch, runURL: cfg.runURL, web: cfg.webURL}
	out, err := eng.handle(ctx, ev)
	code := exitOK
	if out != nil {
		code = report(action, getenv, out)
	}
	if err != nil {
		for _, e := range unjoin(err) {
			action.Errorf("ps-action: %v; statuses already written stand, nothing else was verified", e)
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			action.Errorf("ps-action: the run passed its timeout of %v (input timeout) and stopped", cfg.timeout)
		}
		return exitError
	}
	return code
}

// unjoin lists the errors errors.Join joined, one line each.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func readConfig(action *githubactions.Action, getenv func(string) string) (config, error) {
	cfg := config{
		eventName:  getenv("GITHUB_EVENT_NAME"),
		eventPath:  getenv("GITHUB_EVENT_PATH"),
		repository: getenv("GITHUB_REPOSITORY"),
		apiURL:     getenv("GITHUB_API_URL"),
		graphQLURL: getenv("GITHUB_GRAPHQL_URL"),
		refName:    getenv("GITHUB_REF_NAME"),
		token:      action.GetInput("token"),
		planPath:   action.GetInput("plan-path"),
		untracked:  action.GetInput("untracked-prs"),
		comment:    true,
		retry:      ghapi.DefaultRetry,
		timeout:    defaultTimeout,
	}
	if server, runID := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_RUN_ID"); server != "" && runID != "" && cfg.repository != "" {
		cfg.runURL = strings.TrimSuffix(server, "/") + "/" + cfg.repository + "/actions/runs/" + runID
	}
	cfg.webURL = webAddress(strings.TrimSuffix(getenv("GITHUB_SERVER_URL"), "/") + "/" + cfg.repository)
	switch {
	case cfg.eventName == "":
		return cfg, fmt.Errorf("GITHUB_EVENT_NAME is not set; ps-action runs as a GitHub Action step")
	case cfg.repository == "":
		return cfg, fmt.Errorf("GITHUB_REPOSITORY is not set; ps-action runs as a GitHub Action step")
	}
	if err := readAppInputs(action, &cfg); err != nil {
		return cfg, err
	}
	if cfg.token == "" && cfg.appID == 0 {
		return cfg, fmt.Errorf("the token input is empty; leave it at its default, ${{ github.token }}, pass a token, or give app-id and app-private-key")
	}
	if cfg.planPath == "" {
		cfg.planPath = "plan.toml"
	}
	normal, err := planPath(cfg.planPath)
	if err != nil {
		return cfg, fmt.Errorf("input %w", err)
	}
	cfg.planPath = normal
	switch cfg.untracked {
	case "":
		cfg.untracked = untrackedGuard
	case untrackedGuard, untrackedAllow, untrackedFail:
	default:
		return cfg, fmt.Errorf("input untracked-prs is %q; use guard, allow or fail", cfg.untracked)
	}
	if v := action.GetInput("comment"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("input comment is %q; use true or false", v)
		}
		cfg.comment = b
	}
	if v := action.GetInput("update-branch"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("input update-branch is %q; use true or false", v)
		}
		cfg.updateBranch = b
	}
	if v := action.GetInput("retry-budget"); v != "" {
		secs, err := strconv.Atoi(v)
		if err != nil || secs < 0 {
			return cfg, fmt.Errorf("input retry-budget is %q; give whole seconds", v)
		}
		cfg.retry.Budget = time.Duration(secs) * time.Second
	}
	if v := action.GetInput("timeout"); v != "" {
		secs, err := strconv.Atoi(v)
		if err != nil || secs <= 0 {
			return cfg, fmt.Errorf("input timeout is %q; give whole seconds, more than 0", v)
		}
		cfg.timeout = time.Duration(secs) * time.Second
	}
	return cfg, nil
}

// readEvent reads and parses the event payload file.
func readEvent(cfg config) (event, error) {
	var payload []byte
	if cfg.eventPath != "" {
		data, err := readLimited(cfg.eventPath, maxEventFile)
		if err != nil {
			return event{}, fmt.Errorf("read GITHUB_EVENT_PATH: %w", err)
		}
		payload = data
	}
	return parseEvent(cfg.eventName, payload, cfg.refName)
}
