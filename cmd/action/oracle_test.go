package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestEventRunsLeaveWhatAFullRunWrites is the differential test of the
// re-gating that takes only what an event can change: after each event of
// a random life of the test plan's three threads and of pull requests
// that are no thread (opened, synchronized in or out of scope, merged with
// the push that follows, closed, reopened, a thread's branch opened again
// after it landed), a full re-evaluation, the slow obvious oracle, finds
// nothing to write on any pull request.
func TestEventRunsLeaveWhatAFullRunWrites(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			l := newLife(t, seed)
			for step := range 20 {
				what, r := l.step()
				l.log = append(l.log, what)
				if r.code == exitError {
					t.Fatalf("step %d, %s: the run failed\n%s\nlife:\n%s", step, what, r.stdout, strings.Join(l.log, "\n"))
				}
				if w := l.s.dispatchEvent().writes(); len(w) != 0 {
					t.Fatalf("step %d, %s: a full re-evaluation after it wrote %v\nlife:\n%s", step, what, w, strings.Join(l.log, "\n"))
				}
			}
		})
	}
}

// life is the state of the random life: each thread's branch and its
// open pull request (0 for none), the pull requests that are no thread.
type life struct {
	t       *testing.T
	s       *scenario
	rng     *rand.Rand
	next    int            // the next pull request number
	open    map[string]int // branch → its open pull request
	closed  map[string]int // branch → its last pull request closed without merging
	commits int
	log     []string
}

var lifeBranches = map[string]string{"extract-auth": "services/auth/", "api-cleanup": "services/api/", "docs": "docs/", "hotfix": "", "typo": ""}

func newLife(t *testing.T, seed uint64) *life {
	s := newScenario(t)
	s.gh.SetFile(pushBefore, "plan.toml", readTestdata(t, "plan.toml"))
	return &life{t: t, s: s, rng: rand.New(rand.NewPCG(seed, seed)), next: 11, open: map[string]int{}, closed: map[string]int{}}
}

// files is a change list for branch: in its thread's area, and now and
// then out of it; a branch that is no thread touches a thread's area or
// the README.
func (l *life) files(branch string) []string {
	l.commits++
	areas := []string{"services/auth/", "services/api/", "docs/"}
	own := lifeBranches[branch]
	if own == "" || l.rng.IntN(4) == 0 {
		if l.rng.IntN(2) == 0 {
			return []string{"README.md"}
		}
		own = areas[l.rng.IntN(len(areas))]
	}
	return []string{fmt.Sprintf("%sf%d.go", own, l.commits)}
}

// step makes one random change and runs the event GitHub sends for it.
func (l *life) step() (string, result) {
	branches := []string{"extract-auth", "api-cleanup", "docs", "hotfix", "typo"}
	b := branches[l.rng.IntN(len(branches))]
	n, isOpen := l.open[b]
	sha := func() string { return fmt.Sprintf("%s-%d", b, l.commits) }
	switch {
	case !isOpen && l.closed[b] != 0 && l.rng.IntN(2) == 0:
		n = l.closed[b]
		delete(l.closed, b)
		l.open[b] = n
		l.s.gh.Update(n, func(p *fakegithub.Pull) { p.State = "open" })
		return fmt.Sprintf("reopen #%d (%s)", n, b), l.s.prEvent("pull_request", "reopened", n)
	case !isOpen:
		n = l.next
		l.next++
		l.open[b] = n
		l.s.pull(n, b, "", l.files(b)...)
		l.s.gh.Update(n, func(p *fakegithub.Pull) { p.HeadSHA = sha() })
		return fmt.Sprintf("open #%d (%s)", n, b), l.s.prEvent("pull_request", "opened", n)
	}
	switch l.rng.IntN(4) {
	case 0:
		delete(l.open, b)
		l.s.gh.Update(n, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
		r := l.s.prEvent("pull_request", "closed", n)
		if r.code == exitError {
			return fmt.Sprintf("merge #%d (%s)", n, b), r
		}
		return fmt.Sprintf("merge #%d (%s), then the push", n, b), l.s.pushEvent("refs/heads/main")
	case 1:
		delete(l.open, b)
		l.closed[b] = n
		l.s.gh.Update(n, func(p *fakegithub.Pull) { p.State = "closed" })
		return fmt.Sprintf("close #%d (%s)", n, b), l.s.prEvent("pull_request", "closed", n)
	}
	files := l.files(b)
	l.s.gh.Update(n, func(p *fakegithub.Pull) {
		p.HeadSHA = sha()
		p.Files = []fakegithub.File{{Status: "modified", Filename: files[0]}}
	})
	return fmt.Sprintf("synchronize #%d (%s) to %s", n, b, files[0]), l.s.prEvent("pull_request", "synchronize", n)
}
