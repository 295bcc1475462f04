package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// The GitHub contract (README, "The Action").
const (
	scopeContext = "parallel-sessions/scope"
	orderContext = "parallel-sessions/order"
	labelPrefix  = "merge-order:"
	labelColor   = "5319e7"
	marker       = "<!-- parallel-sessions:thread -->"
)

// engine gates thread pull requests. It reads the plan from the base branch
// through the API, never from the pull request, and writes only what
// changed.
type engine struct {
	gh forge
	// self is the login the engine writes as: only its own statuses count
	// as already written, only its own comment is the bot comment.
	self      string
	repo      string // owner/name
	planPath  string
	untracked string // untrackedGuard, untrackedAllow or untrackedFail
	comment   bool
	// updateBranch asks GitHub to update a ready thread's branch that is
	// behind the base and merges cleanly (input update-branch).
	updateBranch bool
	runURL       string // target of the statuses: this workflow run
	web          string // the repository's web address, for the comment's links
	// seen holds the statuses read and written in this run, by commit, so
	// a pull request's statuses are read once per run.
	seen map[string]map[string]ghapi.Status
	// heads lists the open pull requests of the repository by head commit
	// (openInto); gatedBases says which bases have a plan of their own.
	heads      map[string][]ghapi.PullRequest
	gatedBases map[string]bool
}

// planState is the plan of one base branch as the engine found it.
type planState struct {
	base string
	// at is the commit or branch the plan was read at: the base branch,
	// or a merge group's base commit.
	at       string
	path     string     // the plan's path in the repository
	plan     *plan.Plan // nil when there is no plan file
	findings []plan.Finding
	checker  *check.Checker
	note     string // how the plan was read, when the reader should know
	raw      []byte // the plan file as read
	inTree   bool   // the plan was judged in the base's tree (README, "Path patterns")
}

// gated is the outcome for one pull request.
type gated struct {
	pr        ghapi.PullRequest
	thread    *plan.Thread // nil for a pull request that is no thread
	why       string       // for no thread: why not
	guarded   []guarded    // for no thread: the paths of threads that have not landed
	scope     state        // passed, failed or errored
	scopeNote string       // the scope status description
	// scopePaths is the number of paths checked, for a scope that passed.
	scopePaths int
	report     *check.Report
	decision   ordering.Decision
	ready      bool
	comment    string
	// mergeable and mergeableState are GitHub's word on merging the pull
	// request into the base, from its read after its files.
	mergeable      *bool
	mergeableState string
	// update says what became of asking GitHub to update the branch: ""
	// when it was not asked.
	update string
}

// outcome is what one event came to: the pull requests gated, and the plan
// problems found.
type outcome struct {
	notice   string // nothing was gated, and why
	plan     *planState
	gated    []gated
	ownPR    int // the pull request of a pull request event
	ownGated *gated
	// moved says, for each pull request a re-evaluation skipped because its
	// head moved while it was checked, what happened.
	moved []string
	// decisions are the gate's decisions for the base, when the event
	// needed them all: the job summary and the bot's log show the order.
	decisions []ordering.Decision
	// others are the outcomes of the other bases a re-evaluation of every
	// base gated (reevaluateAll).
	others []*outcome
}

// bases lists the outcome and those of the other bases it holds.
func (o *outcome) bases() []*outcome { return append([]*outcome{o}, o.others...) }

// handle does what the event asks; a nil outcome means the event is not
// one ps-action acts on.
func (e *engine) handle(ctx context.Context, ev event) (*outcome, error) {
	switch ev.todo() {
	case doGatePR:
		return e.gatePR(ctx, ev)
	case doReevaluate:
		return e.reevaluateFor(ctx, ev)
	case doGateGroup:
		return e.gateGroup(ctx, ev.group, ev.base)
	}
	return nil, nil
}

// loadPlan reads and parses the plan of base at ref: the tip of base, or
// a merge group's base commit.
func (e *engine) loadPlan(ctx context.Context, base, ref string) (*planState, error) {
	ps := &planState{base: base, at: ref, path: e.planPath}
	data, err := e.gh.File(ctx, ref, e.planPath)
	if errors.Is(err, ghapi.ErrNotFound) {
		return ps, nil
	}
	if err != nil {
		return nil, err
	}
	ps.raw = data
	ps.plan, ps.findings = plan.Parse(e.planPath, data)
	if ps.plan != nil && plan.Errors(ps.findings) > 0 && ps.plan.NeedsTree() {
		// The folder rule for literals can only find more overlaps than
		// the base's tree allows: judge the plan in the tree.
		tree, err := e.baseTree(ctx, ps)
		if err != nil {
			return nil, err
		}
		if tree != nil {
			ps.plan, ps.findings = plan.ParseInTree(e.planPath, data, tree)
			ps.inTree = true
		}
	}
	if ps.plan == nil && len(ps.findings) == 0 {
		return nil, fmt.Errorf("%s on %s could not be read as a plan", e.planPath, ref)
	}
	// Warnings (coverage) are advice for ps-local validate, not problems
	// that stop the gate.
	ps.findings = slices.DeleteFunc(ps.findings, func(f plan.Finding) bool { return f.Severity != plan.Error })
	if len(ps.findings) == 0 {
		ps.checker = check.New(ps.plan, e.planPath)
	}
	return ps, nil
}

// baseTree lists the files of ps.at, for a plan whose literal patterns
// (a file, or a folder, as the tree says) make it look invalid under the
// folder rule (README, "Path patterns"). It costs one request, made only
// for such plans; a valid plan keeps the folder rule, which differs only
// for paths below a file of the base. A listing GitHub cut short is no
// tree, and ps.note says so.
func (e *engine) baseTree(ctx context.Context, ps *planState) (*plan.Tree, error) {
	paths, truncated, err := e.gh.Tree(ctx, ps.at)
	if err != nil {
		return nil, err
	}
	if truncated {
		ps.note = fmt.Sprintf("GitHub cut the file list of %s short, so the literal patterns of %s keep the folder rule (README, \"Path patterns\")", ps.base, e.planPath)
		return nil, nil
	}
	return plan.NewTree(paths), nil
}

// planToGate loads the plan of base at ref and reports whether there is
// anything to gate; if not, the outcome says why. An invalid plan, even one
// that is not TOML, gets error statuses on sha, when there is one.
func (e *engine) planToGate(ctx context.Context, base, ref, sha, what string) (*planState, *outcome, bool, error) {
	ps, err := e.loadPlan(ctx, base, ref)
	if err != nil {
		return nil, nil, false, err
	}
	out := &outcome{plan: ps}
	switch {
	case ps.plan == nil && len(ps.findings) == 0:
		out.notice = fmt.Sprintf("no %s on %s: nothing to gate", e.planPath, base)
	case ps.plan != nil && ps.plan.Base != base:
		out.notice = fmt.Sprintf("%s on %s gates pull requests into %s, not %s: nothing to gate for %s", e.planPath, base, ps.plan.Base, base, what)
	case len(ps.findings) > 0 && sha != "":
		err = e.planInvalid(ctx, ps, sha)
	case len(ps.findings) > 0:
	default:
		return ps, out, true, nil
	}
	return ps, out, false, err
}

// gatePR handles a pull request event for pull request ev.pr into
// ev.base (as the event says it; "" when it does not). One listing of the
// open pull requests into the base finds it and every thread's open pull
// request (README, "API cost"). An opening or a reopening also re-gates
// the pull requests whose decision it changes.
func (e *engine) gatePR(ctx context.Context, ev event) (*outcome, error) {
	n := ev.pr
	pr, open, err := e.findOpen(ctx, n, ev.base)
	if err != nil {
		return nil, err
	}
	if pr.State != "open" {
		// A replayed event of a pull request closed since: what its close
		// changed is what may need gating.
		return e.resweep(ctx, pr.BaseRef, &change{n: n, head: pr.HeadRef, headRepo: pr.HeadRepo, was: "open"}, "")
	}
	ps, out, ok, err := e.planToGate(ctx, pr.BaseRef, pr.BaseRef, pr.HeadSHA, fmt.Sprintf("#%d", n))
	if !ok {
		return out, err
	}
	thread, _ := e.identify(ps.plan, pr)
	if was, changed := ev.stateChange(); changed && thread != nil {
		// A thread's pull request coming or coming back changes what the
		// others wait on; one that is no thread changes no thread's status.
		return e.regate(ctx, ps, out, open, n, &change{n: n, head: pr.HeadRef, headRepo: pr.HeadRepo, was: was}, sweepTurns)
	}
	out.ownPR = n
	var statuses map[int]ordering.Status
	if thread != nil || e.untracked == untrackedGuard {
		if statuses, _, err = e.threadStatuses(ctx, ps, open, nil); err != nil {
			return nil, err
		}
	}
	decisions := ordering.Decide(ps.plan, statuses)
	if statuses != nil {
		out.decisions = decisions
	}
	g, err := e.gate(ctx, ps, pr, decisions, fresh)
	if err != nil {
		return nil, err
	}
	out.gated = append(out.gated, *g)
	out.ownGated = &out.gated[0]
	return out, nil
}

// findOpen lists the open pull requests into base and finds n among them.
// When n is not there (the event's base is stale, or n closed), it reads n
// and lists the open pull requests into n's base, when n is open.
func (e *engine) findOpen(ctx context.Context, n int, base string) (ghapi.PullRequest, []ghapi.PullRequest, error) {
	if base != "" {
		open, err := e.openInto(ctx, base)
		if err != nil {
			return ghapi.PullRequest{}, nil, err
		}
		for _, pr := range open {
			if pr.Number == n && pr.BaseRef == base {
				return pr, open, nil
			}
		}
	}
	pr, err := e.gh.PullRequest(ctx, n)
	if err != nil || pr.State != "open" {
		return pr, nil, err
	}
	open, err := e.openInto(ctx, pr.BaseRef)
	return pr, open, err
}

// gatedBefore reports whether a full re-evaluation gates pr: its head
// branch is a thread's (dropped or not), or it carries a merge-order label
// or one of the gate's statuses.
func (e *engine) gatedBefore(ctx context.Context, p *plan.Plan, pr ghapi.PullRequest) (bool, error) {
	for i := range p.Threads {
		if p.Threads[i].Branch == pr.HeadRef {
			return true, nil
		}
	}
	for _, l := range pr.Labels {
		if strings.HasPrefix(l, labelPrefix) {
			return true, nil
		}
	}
	have, err := e.statuses(ctx, pr.HeadSHA)
	if err != nil {
		return false, err
	}
	_, scoped := have[scopeContext]
	_, ordered := have[orderContext]
	return scoped || ordered, nil
}

// threadStatuses finds where each active thread's pull request into the
// base stands: open when its branch (of this repository, never a fork's)
// has a pull request in open, the newest if several; the others are asked
// for together, in one query per 50 branches (README, "API cost"). With a
// change, it also returns the statuses as they were before it: the changed
// pull request's branch is asked for, and its status found with and
// without the change.
func (e *engine) threadStatuses(ctx context.Context, ps *planState, open []ghapi.PullRequest, ch *change) (now, before map[int]ordering.Status, err error) {
	openBy := map[string]int{}
	for _, pr := range open {
		if pr.HeadRepo == e.repo && pr.BaseRef == ps.base && pr.Number > openBy[pr.HeadRef] {
			openBy[pr.HeadRef] = pr.Number
		}
	}
	changed := func(t *plan.Thread) bool { return ch != nil && ch.headRepo == e.repo && ch.head == t.Branch }
	var ask []string
	for i := range ps.plan.Threads {
		t := &ps.plan.Threads[i]
		if _, ok := openBy[t.Branch]; t.Active() && (!ok || changed(t)) {
			ask = append(ask, t.Branch)
		}
	}
	var pulls map[string][]ghapi.PullRequest
	if len(ask) > 0 {
		if pulls, err = e.gh.PullsOfBranches(ctx, ps.base, ask); err != nil {
			return nil, nil, err
		}
	}
	now = map[int]ordering.Status{}
	was := map[int]ordering.Status{}
	for i := range ps.plan.Threads {
		t := &ps.plan.Threads[i]
		if !t.Active() {
			continue
		}
		if n, ok := openBy[t.Branch]; ok && !changed(t) {
			now[t.ID] = ordering.Status{State: ordering.Open, PR: n}
			continue
		}
		list := ghapi.OrderingPulls(pulls[t.Branch])
		now[t.ID] = ordering.OpenFirst(list)
		if changed(t) {
			was[t.ID] = ordering.OpenFirst(ch.undo(list))
		}
	}
	if ch == nil {
		return now, nil, nil
	}
	before = maps.Clone(now)
	maps.Copy(before, was)
	return now, before, nil
}

// identify finds the thread a pull request belongs to: its head branch is
// the thread's branch, in this repository (a fork's branch of the same name
// is not the thread).
func (e *engine) identify(p *plan.Plan, pr ghapi.PullRequest) (*plan.Thread, string) {
	for i := range p.Threads {
		t := &p.Threads[i]
		if t.Branch != pr.HeadRef {
			continue
		}
		if pr.HeadRepo != e.repo {
			from := pr.HeadRepo
			if from == "" {
				from = "a deleted fork"
			}
			return nil, fmt.Sprintf("its branch %s is named like thread %d's, but comes from %s; a thread's pull request comes from a branch of %s", pr.HeadRef, t.ID, from, e.repo)
		}
		return t, ""
	}
	return nil, fmt.Sprintf("its branch %s is not a thread's branch in %s", pr.HeadRef, e.planPath)
}

// gate checks one open pull request and writes its statuses, label and
// comment where they changed. With a view other than fresh it may take its
// scope from the gate's own status on its head, or find it current and do
// nothing: then it returns nil.
func (e *engine) gate(ctx context.Context, ps *planState, pr ghapi.PullRequest, decisions []ordering.Decision, v view) (*gated, error) {
	g := &gated{pr: pr}
	if v == current {
		done, err := e.orderCurrent(ctx, ps, g, decisions)
		if err != nil || done {
			return nil, err
		}
	}
	scope, order, err := e.judge(ctx, ps, g, decisions, v)
	if err != nil {
		return g, err
	}
	if err := e.setStatuses(ctx, pr.HeadSHA, scope, order); err != nil {
		return g, err
	}
	if g.thread == nil || !g.thread.Active() {
		// No merge order: a dropped thread, or a pull request that is no
		// thread (perhaps of a thread the plan no longer lists).
		if err := e.ensureLabel(ctx, pr, 0); err != nil || g.thread == nil {
			return g, err
		}
	} else if err := e.ensureLabel(ctx, pr, g.thread.MergeOrder); err != nil {
		return g, err
	}
	if err := e.maybeUpdateBranch(ctx, g); err != nil {
		return g, err
	}
	g.comment = renderComment(ps, g, decisions, e.web)
	if e.comment {
		if err := e.upsertComment(ctx, pr.Number, g.comment); err != nil {
			return g, err
		}
	}
	return g, nil
}

// judge finds the thread of g.pr, checks its scope and decides its two
// statuses; it writes nothing.
func (e *engine) judge(ctx context.Context, ps *planState, g *gated, decisions []ordering.Decision, v view) (scope, order ghapi.Status, err error) {
	g.thread, g.why = e.identify(ps.plan, g.pr)
	others, err := e.twins(ctx, g.pr)
	if err != nil {
		return scope, order, err
	}
	if len(others) > 0 {
		if g.thread != nil {
			e.orderStatus(g, decisions) // the decision, for the comment
		}
		g.scope, g.scopeNote, g.ready = errored, sharedHeadNote(g.pr, others), false
		return status(scopeContext, errored, g.scopeNote), status(orderContext, errored, g.scopeNote), nil
	}
	if g.thread == nil {
		return e.untrackedStatuses(ctx, ps, g, decisions)
	}
	reused := false
	if v != fresh {
		if reused, err = e.scopeFromStatus(ctx, g); err != nil {
			return scope, order, err
		}
	}
	if !reused {
		if err := e.checkScope(ctx, ps, g); err != nil {
			return scope, order, err
		}
	} else if d, ok := ordering.Find(decisions, g.thread.ID); ok && d.Ready {
		// Its turn: what GitHub says of the merge into the base is news.
		if _, err := e.readMerge(ctx, g); err != nil {
			return scope, order, err
		}
	}
	scope = status(scopeContext, g.scope, g.scopeNote)
	return scope, e.orderStatus(g, decisions), nil
}

// untrackedStatuses are what a pull request that is no thread gets, as the
// untracked-prs input says: a scope that fails on paths of threads that
// have not landed, passing statuses, or a failing scope.
func (e *engine) untrackedStatuses(ctx context.Context, ps *planState, g *gated, decisions []ordering.Decision) (scope, order ghapi.Status, err error) {
	switch e.untracked {
	case untrackedGuard:
		if err := e.guard(ctx, ps, g, decisions); err != nil {
			return scope, order, err
		}
	case untrackedFail:
		g.scope, g.scopeNote = failed, "not a thread: "+g.why
	default:
		g.scope, g.scopeNote = passed, "not a thread of "+e.planPath+": not gated"
	}
	g.ready = true
	return status(scopeContext, g.scope, g.scopeNote), status(orderContext, passed, "not a thread of "+e.planPath+": no merge order"), nil
}

// checkScope lists the pull request's files and checks them against the
// thread. A list shorter than GitHub's count is an error, never a pass; a
// head that moved while listing is an error and nothing is written.
func (e *engine) checkScope(ctx context.Context, ps *planState, g *gated) error {
	changes, total, err := e.changes(ctx, g)
	if err != nil {
		return err
	}
	report, err := ps.checker.Check(g.thread, changes, total)
	var incomplete *check.IncompleteError
	switch {
	case errors.As(err, &incomplete):
		g.scope = errored
		g.scopeNote = fmt.Sprintf("GitHub lists %d of %d changed files, so scope is unverified; split the PR or check locally", incomplete.Listed, incomplete.Total)
		return nil
	case err != nil:
		g.scope, g.scopeNote = errored, err.Error()
		return nil
	}
	g.report = &report
	if report.InScope() {
		g.scope, g.scopeNote, g.scopePaths = passed, inScopeNote(report.Paths, g.thread), report.Paths
		return nil
	}
	first := report.Violations[0]
	g.scope = failed
	g.scopeNote = fmt.Sprintf("%d of %d paths out of scope, first %s (%s)", len(report.Violations), report.Paths, first.Path, first.Reason)
	return nil
}

// changeStatus maps GitHub's file status to the check's.
func changeStatus(s string) check.Status {
	switch s {
	case "added":
		return check.Added
	case "removed":
		return check.Removed
	case "renamed":
		return check.Renamed
	case "copied":
		return check.Copied
	case "changed":
		return check.ModeChanged
	}
	return check.Modified // modified, unchanged, and anything newer
}

// orderStatus decides the order status of a thread's pull request.
func (e *engine) orderStatus(g *gated, decisions []ordering.Decision) ghapi.Status {
	d, ok := ordering.Find(decisions, g.thread.ID)
	if !ok {
		return status(orderContext, waiting, fmt.Sprintf("%s is dropped in %s and cannot land", g.thread.Label(), e.planPath))
	}
	g.decision, g.ready = d, d.Ready
	if d.Ready {
		note := "ready: every earlier thread has landed"
		if m, ok := mergeNote(g); ok {
			note += "; " + m
		}
		return status(orderContext, passed, note)
	}
	w := d.Nearest[0]
	note := fmt.Sprintf("waiting on %s; %s", w, w.Unblock())
	if len(d.Nearest) > 1 {
		note += fmt.Sprintf(" (and %d more)", len(d.Nearest)-1)
	}
	return status(orderContext, waiting, note)
}

// planInvalid reports an invalid plan on the commit of a pull request or
// merge group: error statuses with the first finding.
func (e *engine) planInvalid(ctx context.Context, ps *planState, sha string) error {
	msg := fmt.Sprintf("%s on %s is invalid: %s", e.planPath, ps.base, ps.findings[0].Message)
	return e.setStatuses(ctx, sha,
		status(scopeContext, errored, msg), status(orderContext, errored, msg))
}

// setStatuses creates the statuses whose state or description differ from
// the latest ones on sha, or whose latest one someone else created.
func (e *engine) setStatuses(ctx context.Context, sha string, want ...ghapi.Status) error {
	have, err := e.statuses(ctx, sha)
	if err != nil {
		return err
	}
	for _, s := range want {
		s.Description = truncate(s.Description, 140)
		s.TargetURL = e.runURL
		if cur, ok := have[s.Context]; ok && cur.Creator == e.self && cur.State == s.State && cur.Description == s.Description {
			continue
		}
		if err := e.gh.SetStatus(ctx, sha, s); err != nil {
			return err
		}
		s.Creator = e.self
		have[s.Context] = s
	}
	return nil
}

// statuses returns the latest status of each context on sha, read once a
// run: the run's own writes are added as it makes them.
func (e *engine) statuses(ctx context.Context, sha string) (map[string]ghapi.Status, error) {
	if have, ok := e.seen[sha]; ok {
		return have, nil
	}
	have, err := e.gh.Statuses(ctx, sha)
	if err != nil {
		return nil, err
	}
	if e.seen == nil {
		e.seen = map[string]map[string]ghapi.Status{}
	}
	e.seen[sha] = have
	return have, nil
}

// ensureLabel gives the pull request the label of its merge order and takes
// stale merge-order labels off; order 0 takes them all off.
func (e *engine) ensureLabel(ctx context.Context, pr ghapi.PullRequest, order int) error {
	want := fmt.Sprintf("%s%d", labelPrefix, order)
	for _, l := range pr.Labels {
		if strings.HasPrefix(l, labelPrefix) && l != want {
			if err := e.gh.RemoveLabel(ctx, pr.Number, l); err != nil && !errors.Is(err, ghapi.ErrNotFound) {
				return err
			}
		}
	}
	if order == 0 || slices.Contains(pr.Labels, want) {
		return nil
	}
	exists, err := e.gh.LabelExists(ctx, want)
	if err != nil {
		return err
	}
	if !exists {
		if err := e.gh.CreateLabel(ctx, want, labelColor, fmt.Sprintf("parallel-sessions: lands in merge order %d", order)); err != nil {
			return err
		}
	}
	return e.gh.AddLabel(ctx, pr.Number, want)
}

// upsertComment keeps exactly one bot comment, found by its marker and its
// author, the engine's own login (a marker in anyone else's comment is
// text), edited only when its text changes. Two runs that overlapped may
// each have created one: the first is kept, the others are deleted.
func (e *engine) upsertComment(ctx context.Context, n int, body string) error {
	comments, err := e.gh.Comments(ctx, n)
	if err != nil {
		return err
	}
	var kept bool
	for _, c := range comments {
		if c.Author != e.self || !strings.Contains(c.Body, marker) {
			continue
		}
		if kept {
			if err := e.gh.DeleteComment(ctx, c.ID); err != nil && !errors.Is(err, ghapi.ErrNotFound) {
				return err
			}
			continue
		}
		kept = true
		if c.Body != body {
			if err := e.gh.EditComment(ctx, c.ID, body); err != nil {
				return err
			}
		}
	}
	if kept {
		return nil
	}
	return e.gh.CreateComment(ctx, n, body)
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
