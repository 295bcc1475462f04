package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

const serveUsage = `Usage: ps-action serve [flags]

Run the GitHub App webhook bot: the same gating as the Action, for every
repository the App is installed on. GitHub delivers events to POST /webhook;
GET /healthz answers ok.

Environment:
  GITHUB_APP_ID                 the App's numeric id (required)
  GITHUB_APP_PRIVATE_KEY        the App's private key (PEM), or
  GITHUB_APP_PRIVATE_KEY_FILE   a file holding it
  GITHUB_WEBHOOK_SECRET         the App's webhook secret (required: deliveries
                                are verified with X-Hub-Signature-256)
  GITHUB_API_URL                REST API root (default https://api.github.com;
                                on GitHub Enterprise https://HOST/api/v3)

Limits (README, "Limits and faults" under the bot): a delivery body over
--max-body is refused; the bodies read before their signature is checked
hold at most --max-unverified times --max-body, counted in the bytes they
sent, and one that finds it spent waits, then is refused (503); each
job has --job-timeout and --retry-budget; on SIGTERM the accepted jobs get
--shutdown-timeout to finish, then what is left is cancelled and logged as
failed (redeliver those deliveries).

Reconcile (README, "The bot"): at start-up and then --reconcile-every after
each round ends, every repository the App's installations can access is
re-evaluated in full, every base with a plan, through the same per-
repository queues as deliveries, a few repositories at a time; a failure is
logged and the next round tries again; 0 turns it off.

Flags:
`

// maxDeliveries is how many delivery ids the bot remembers to drop
// duplicates.
const maxDeliveries = 10000

// serveConfig is the bot's configuration.
type serveConfig struct {
	addr, apiURL        string
	appID               int64
	appKey, secret      []byte
	planPath, untracked string
	comment             bool
	updateBranch        bool
	maxBody             int64
	maxUnverified       int
	retry               ghapi.RetryPolicy
	jobTimeout          time.Duration
	shutdownTimeout     time.Duration
	// reconcileEvery is the pause between reconciles; 0: none at all.
	reconcileEvery time.Duration
}

// runServe runs the bot until ctx is done, then stops taking deliveries
// and finishes every one it accepted.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := readServeConfig(args, getenv, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "ps-action serve: %v\n", err)
		return exitError
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	app, err := ghapi.NewApp(cfg.appID, cfg.appKey, ghapi.Options{BaseURL: cfg.apiURL, Retry: cfg.retry})
	if err != nil {
		fmt.Fprintf(stderr, "ps-action serve: %v\n", err)
		return exitError
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintf(stderr, "ps-action serve: %v\n", err)
		return exitError
	}
	b := newBot(cfg, app, log)
	srv := &http.Server{Handler: b.routes(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "app_id", cfg.appID, "api_url", cfg.apiURL, "reconcile_every", cfg.reconcileEvery.String())
	reconciling, stopReconciling := context.WithCancel(ctx)
	defer stopReconciling()
	reconciled := make(chan struct{})
	go func() {
		defer close(reconciled)
		if cfg.reconcileEvery > 0 {
			b.reconcileEvery(reconciling, app, cfg)
		}
	}()

	code := exitOK
	select {
	case <-ctx.Done():
		log.Info("stopping: no new deliveries; finishing the accepted ones")
	case err := <-served:
		log.Error("serve failed", "err", err)
		code = exitError
	}
	stopReconciling() // its running jobs end at once; the next start-up reconciles
	b.shutdown(srv, cfg.shutdownTimeout)
	<-reconciled
	log.Info("stopped", "jobs_done", b.queues.done.Load(), "jobs_failed", b.queues.failed.Load(), "jobs_coalesced", b.queues.coalesced.Load())
	return code
}

// shutdown stops taking deliveries and lets the accepted jobs finish
// within timeout; then it cancels the jobs left, whose requests end at
// once, and waits for them to fail. It returns in bounded time even when
// GitHub does not answer.
func (b *bot) shutdown(srv *http.Server, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		b.log.Error("shutdown", "err", err)
		srv.Close()
	}
	finished := make(chan struct{})
	go func() {
		b.queues.close()
		close(finished)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
		b.log.Warn("shutdown timeout: cancelling the jobs left; redeliver their deliveries", "timeout", timeout.String())
		b.stopJobs()
		<-finished
	}
}

// newBot makes the bot whose jobs act as the App's installations.
func newBot(cfg serveConfig, app *ghapi.App, log *slog.Logger) *bot {
	jobs, stop := context.WithCancel(context.Background())
	b := &bot{secret: cfg.secret, maxBody: cfg.maxBody, log: log, seen: newDeliveries(maxDeliveries),
		unverified: newBodyBudget(int64(max(cfg.maxUnverified, 1)) * cfg.maxBody), stopJobs: stop}
	b.queues = newQueues(func(j job) bool {
		if err := b.process(jobs, cfg, app, j); err != nil {
			b.seen.forget(j.deliveries()...) // GitHub's "Redeliver" runs them again
			return false
		}
		return true
	})
	return b
}

// process runs one job with the engine the Action uses. Its context is
// not the server's: a job started before SIGTERM goes on, bounded by its
// deadline and retry budget, until shutdown cancels jobs.
func (b *bot) process(jobs context.Context, cfg serveConfig, app *ghapi.App, j job) error {
	ctx, cancel := context.WithTimeout(ghapi.WithRetryBudget(jobs, cfg.retry.Budget), cfg.jobTimeout)
	defer cancel()
	if j.until != nil {
		defer context.AfterFunc(j.until, cancel)()
	}
	log := b.log.With("delivery", j.delivery, "repo", j.repo, "todo", j.ev.todo())
	if len(j.also) > 0 {
		log = log.With("coalesced", j.also)
	}
	start := time.Now()
	fail := func(err error) error {
		log.Error("job failed", "err", err, "ms", time.Since(start).Milliseconds())
		return err
	}
	client, _, err := app.Client(ctx, j.repo, j.installation)
	if err != nil {
		return fail(err)
	}
	login, err := app.Login(ctx, j.repo)
	if err != nil {
		return fail(err)
	}
	eng := &engine{gh: client, self: login, repo: j.repo, planPath: cfg.planPath, untracked: cfg.untracked, comment: cfg.comment, updateBranch: cfg.updateBranch, web: j.web}
	out, err := eng.handle(ctx, j.ev)
	if err != nil {
		return fail(err)
	}
	log.Info("job done", append([]any{"ms", time.Since(start).Milliseconds()}, outcomeAttrs(out)...)...)
	return nil
}

// outcomeAttrs are the log attributes of a job's outcome: for a
// re-evaluation of every base, the order and plan problems of each base
// beside the first are keyed by the base's name.
func outcomeAttrs(out *outcome) []any {
	gated := 0
	var attrs []any
	for i, o := range out.bases() {
		suffix := ""
		if i > 0 {
			suffix = "_" + o.plan.base
		}
		gated += len(o.gated)
		if o.notice != "" {
			attrs = append(attrs, "notice"+suffix, o.notice)
		}
		if len(o.moved) > 0 {
			attrs = append(attrs, "head_moved"+suffix, o.moved)
		}
		if o.plan != nil && len(o.plan.findings) > 0 {
			attrs = append(attrs, "plan_findings"+suffix, len(o.plan.findings))
		}
		for _, g := range o.gated {
			attrs = append(attrs, "pr_"+strconv.Itoa(g.pr.Number), string(g.scope)+"/"+readyWord(g.ready))
		}
		if o.decisions != nil {
			attrs = append(attrs, "order"+suffix, orderTable(o))
		}
	}
	return append([]any{"gated", gated}, attrs...)
}

func readyWord(ready bool) string {
	if ready {
		return "ready"
	}
	return "waiting"
}

// readServeConfig reads the flags and the environment.
func readServeConfig(args []string, getenv func(string) string, stdout, stderr io.Writer) (serveConfig, error) {
	cfg := serveConfig{apiURL: getenv("GITHUB_API_URL"), retry: ghapi.DefaultRetry}
	fs := flag.NewFlagSet("ps-action serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&cfg.planPath, "plan-path", "plan.toml", "path of the plan in each repository, read from the base branch")
	fs.StringVar(&cfg.untracked, "untracked-prs", untrackedGuard, `what a pull request that is no thread gets: "guard" (fails on paths of threads that have not landed), "allow" or "fail"`)
	fs.BoolVar(&cfg.comment, "comment", true, "keep one bot comment on each thread pull request")
	fs.BoolVar(&cfg.updateBranch, "update-branch", false, "when a thread's turn comes and its branch is behind the base but merges cleanly, ask GitHub to update it (for the head that was checked)")
	fs.Int64Var(&cfg.maxBody, "max-body", 5<<20, "largest delivery body accepted, in bytes (GitHub caps payloads at 25 MB; gating events are far smaller)")
	fs.IntVar(&cfg.maxUnverified, "max-unverified", 8, "the memory of delivery bodies read before their signature is checked, in bodies of --max-body")
	fs.DurationVar(&cfg.jobTimeout, "job-timeout", 10*time.Minute, "longest a job may run; then it fails and its delivery can be redelivered")
	fs.DurationVar(&cfg.retry.Budget, "retry-budget", ghapi.DefaultRetry.Budget, "longest one job may wait out 5xx answers and rate limits, all its requests together")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGTERM, how long accepted jobs may take to finish before the rest are cancelled")
	fs.DurationVar(&cfg.reconcileEvery, "reconcile-every", time.Hour, "re-evaluate every installed repository at start-up and then this long after each round ends; 0 turns it off")
	for _, a := range args {
		if a == "--help" || a == "-h" || a == "-help" {
			fs.SetOutput(stdout)
		}
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see ps-action serve --help", fs.Arg(0))
	}
	if cfg.untracked != untrackedGuard && cfg.untracked != untrackedAllow && cfg.untracked != untrackedFail {
		return cfg, fmt.Errorf("--untracked-prs is %q; use guard, allow or fail", cfg.untracked)
	}
	switch {
	case cfg.maxBody <= 0:
		return cfg, fmt.Errorf("--max-body must be positive")
	case cfg.maxUnverified <= 0:
		return cfg, fmt.Errorf("--max-unverified must be positive")
	case cfg.jobTimeout <= 0 || cfg.shutdownTimeout <= 0:
		return cfg, fmt.Errorf("--job-timeout and --shutdown-timeout must be positive")
	case cfg.retry.Budget < 0:
		return cfg, fmt.Errorf("--retry-budget must not be negative")
	case cfg.reconcileEvery < 0:
		return cfg, fmt.Errorf("--reconcile-every must not be negative; 0 turns reconciling off")
	}
	normal, err := planPath(cfg.planPath)
	if err != nil {
		return cfg, fmt.Errorf("--%w", err)
	}
	cfg.planPath = normal
	id := getenv("GITHUB_APP_ID")
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return cfg, fmt.Errorf("GITHUB_APP_ID is %q; set it to the App's numeric id", id)
	}
	cfg.appID = n
	key, keyFile := getenv("GITHUB_APP_PRIVATE_KEY"), getenv("GITHUB_APP_PRIVATE_KEY_FILE")
	switch {
	case key != "" && keyFile != "":
		return cfg, fmt.Errorf("set GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, not both")
	case keyFile != "":
		data, err := readLimited(keyFile, maxKeyFile)
		if err != nil {
			return cfg, fmt.Errorf("read GITHUB_APP_PRIVATE_KEY_FILE: %w", err)
		}
		cfg.appKey = data
	case key != "":
		cfg.appKey = []byte(key)
	default:
		return cfg, fmt.Errorf("GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE must give the App's private key")
	}
	cfg.secret = []byte(getenv("GITHUB_WEBHOOK_SECRET"))
	if len(cfg.secret) == 0 {
		return cfg, fmt.Errorf("GITHUB_WEBHOOK_SECRET is not set; the bot refuses to run without verifying deliveries")
	}
	return cfg, nil
}
