package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// defaultSetupTimeout bounds each setup or teardown command.
const defaultSetupTimeout = 10 * time.Minute

// maxHookLine is the longest output line kept whole; a longer one is cut
// into lines of this size.
const maxHookLine = 64 << 10

// envValue is one [env] variable rendered for a thread.
type envValue struct{ name, value string }

// threadEnv renders the plan's [env] templates for thread t, in file order
// (README "Worktree setup": {id}, {branch}, {slug}, {port}).
func threadEnv(p *plan.Plan, t *plan.Thread) []envValue {
	r := strings.NewReplacer("{id}", strconv.Itoa(t.ID), "{branch}", t.Branch, "{slug}", slug(t.Branch), "{port}", strconv.Itoa(t.Port()))
	out := make([]envValue, 0, len(p.Env))
	for _, v := range p.Env {
		out = append(out, envValue{v.Name, r.Replace(v.Template)})
	}
	return out
}

// hookVars are the variables a setup or teardown command gets on top of the
// process's environment: the thread's [env] values, then PS_THREAD_ID,
// PS_BRANCH and PS_WORKTREE. They reach the shell as variables, never
// spliced into the command text.
func hookVars(p *plan.Plan, t *plan.Thread, dir string) []envValue {
	vars := threadEnv(p, t)
	return append(vars, envValue{"PS_THREAD_ID", strconv.Itoa(t.ID)}, envValue{"PS_BRANCH", t.Branch}, envValue{"PS_WORKTREE", dir})
}

// hookFailure says which command of a list failed, and how.
type hookFailure struct {
	index   int // in the list, from 0
	command string
	err     error
}

// runHookCommands runs cmds in order with `sh -c` in dir, stdin empty, and
// stops at the first that fails or outlives timeout (its process group is
// then killed). Output goes to out.
func runHookCommands(cmds []string, dir string, vars []envValue, timeout time.Duration, out io.Writer) *hookFailure {
	env := os.Environ()
	for _, v := range vars {
		env = append(env, v.name+"="+v.value)
	}
	for i, command := range cmds {
		if err := runHookCommand(command, dir, env, timeout, out); err != nil {
			return &hookFailure{index: i, command: command, err: err}
		}
	}
	return nil
}

func runHookCommand(command, dir string, env []string, timeout time.Duration, out io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	killGroupOnCancel(cmd)
	err := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s (raise it with --setup-timeout)", timeout)
	}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.Exited() {
			return fmt.Errorf("exited with status %d", exit.ExitCode())
		}
		return err
	}
	return nil
}

// rerunHint is a shell line that reruns the failed command and the ones
// after it in dir, with the same variables.
func rerunHint(cmds []string, f *hookFailure, dir string, vars []envValue) string {
	var b strings.Builder
	b.WriteString("cd " + quoteIfNeeded(dir) + " && env")
	for _, v := range vars {
		b.WriteString(" " + v.name + "=" + quoteIfNeeded(v.value))
	}
	b.WriteString(" sh -c " + shellQuote(strings.Join(cmds[f.index:], " && ")))
	return b.String()
}

// lineWriter prefixes each line written to it and writes whole lines only,
// under a lock shared by the writers of one stream, so concurrent threads'
// output never interleaves mid-line. Flush writes a last unterminated line.
type lineWriter struct {
	mu     *sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 && len(l.buf) < maxHookLine {
			return len(p), nil
		}
		if i < 0 || i > maxHookLine {
			i = maxHookLine
			l.emit(l.buf[:i])
			l.buf = l.buf[i:]
			continue
		}
		l.emit(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
}

func (l *lineWriter) emit(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s%s\n", l.prefix, strings.TrimSuffix(string(line), "\r"))
}

// Flush writes what is left of an unterminated last line.
func (l *lineWriter) Flush() {
	if len(l.buf) > 0 {
		l.emit(l.buf)
		l.buf = nil
	}
}

// setupJob is one new worktree whose setup commands run.
type setupJob struct {
	thread *plan.Thread
	dir    string
	failed *hookFailure
}

// runSetups runs the plan's setup commands in each job's worktree, at most
// c.workers() (one per CPU) at a time, with each output line on c.stderr
// prefixed by its thread; the outcome of each is in its job.
func (c *command) runSetups(p *plan.Plan, jobs []*setupJob, timeout time.Duration) {
	var mu sync.Mutex
	forEachBounded(len(jobs), c.workers(), func(i int) {
		j := jobs[i]
		out := &lineWriter{mu: &mu, w: c.stderr, prefix: j.thread.Label() + ": "}
		j.failed = runHookCommands(p.Setup, j.dir, hookVars(p, j.thread, j.dir), timeout, out)
		out.Flush()
	})
}

// reportSetups says, in thread order, how each setup went; it returns the
// number that failed.
func (c *command) reportSetups(p *plan.Plan, jobs []*setupJob, root string) int {
	failed := 0
	for _, j := range jobs {
		if j.failed == nil {
			fmt.Fprintf(c.stdout, "%s: setup done (%d %s)\n", j.thread.Label(), len(p.Setup), plural(len(p.Setup), "command", "commands"))
			continue
		}
		failed++
		f := j.failed
		fmt.Fprintf(c.stdout, "%s: setup failed: command %d of %d, %s, %v; the worktree %s stays as it is; rerun the rest with:\n  %s\n",
			j.thread.Label(), f.index+1, len(p.Setup), shellQuote(f.command), f.err, quoteIfNeeded(c.display(j.dir, root)), rerunHint(p.Setup, f, j.dir, hookVars(p, j.thread, j.dir)))
	}
	return failed
}
