package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// Ways a thread lands, seen through git.
const (
	landedMerged  = "merged"  // its tip is in the base
	landedRebased = "rebased" // each of its commits (two or more) is in the base by patch identity
	// landedSamePatch: its one commit is in the base by patch identity: a
	// rebase or a squash, which git cannot tell apart.
	landedSamePatch = "same-patch"
	landedSquashed  = "squashed" // its whole diff is one commit of the base
)

// maxSquashScan bounds how many base commits a squash merge is looked for
// among.
const maxSquashScan = 2000

// landingBases are the commits a thread may have landed in: the base
// branch and, when there is one, the remote's copy of it (fetched, not yet
// fast-forwarded locally).
func landingBases(git gitCmd, planBase, baseSHA string) []string {
	bases := []string{baseSHA}
	if sha, err := git.line("rev-parse", "--verify", "--quiet", "refs/remotes/origin/"+planBase+"^{commit}"); err == nil && sha != baseSHA {
		bases = append(bases, sha)
	}
	return bases
}

// threadLanded reports whether the commits tip holds since fork (where the
// thread's branch was made) are in one of bases: merged, rebased or
// squashed; "" when they are not, or when there are none; in is the base
// it landed in. It is the one answer to "has this thread landed, seen
// through git". The diffs are pinned against the user's config
// (diff.external, textconv, diff.ignoreSubmodules), so a change config
// hides cannot match a commit without it.
func threadLanded(git gitCmd, tip, fork string, bases []string) (how, in string, err error) {
	if fork == tip {
		return "", "", nil
	}
	for _, base := range bases {
		if _, err := git.output("merge-base", "--is-ancestor", tip, base); err == nil {
			return landedMerged, base, nil
		} else if !exitedWith(err, 1) {
			return "", "", fmt.Errorf("compare %.12s with %.12s: %w", tip, base, err)
		}
	}
	for _, base := range bases {
		out, err := git.output("cherry", base, tip, fork)
		if err != nil {
			return "", "", fmt.Errorf("compare the commits of %.12s with %.12s: %w", tip, base, err)
		}
		if len(out) > 0 && !bytes.Contains(out, []byte("+ ")) {
			if bytes.Count(out, []byte("\n")) == 1 {
				return landedSamePatch, base, nil
			}
			return landedRebased, base, nil
		}
	}
	diff, err := git.output("diff", "--no-ext-diff", "--no-textconv", "--ignore-submodules=none", fork, tip)
	if err != nil {
		return "", "", fmt.Errorf("diff the thread %.12s: %w", tip, err)
	}
	want, err := patchIDs(git, diff)
	if err != nil || len(want) == 0 {
		return "", "", err
	}
	for _, base := range bases {
		log, err := git.output("log", "-p", "--no-ext-diff", "--no-textconv", "--ignore-submodules=none", "--no-merges", "--max-count", fmt.Sprint(maxSquashScan), fork+".."+base)
		if err != nil {
			return "", "", fmt.Errorf("read the commits of %.12s: %w", base, err)
		}
		have, err := patchIDs(git, log)
		if err != nil {
			return "", "", err
		}
		for _, id := range have {
			if id == want[0] {
				return landedSquashed, base, nil
			}
		}
	}
	return "", "", nil
}

// patchIDs runs git patch-id --stable over patches and returns the ids.
func patchIDs(git gitCmd, patches []byte) ([]string, error) {
	cmd := exec.Command("git", "patch-id", "--stable")
	cmd.Dir = git.dir
	cmd.Stdin = bytes.NewReader(patches)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("run git patch-id: %w", err)
	}
	var ids []string
	for _, line := range strings.Split(string(out), "\n") {
		if id, _, ok := strings.Cut(line, " "); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
