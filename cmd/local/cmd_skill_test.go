package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSkillInstall(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	r := runIn(t, wt1, "skill", "install")
	wantCode(t, r, exitOK)
	path := filepath.Join(repo, ".claude", "skills", "parallel-sessions", "SKILL.md")
	if got := readFile(t, path); got != string(skillText) {
		t.Fatalf("SKILL.md is not the embedded skill")
	}
	if st := gitIn(t, repo, "status", "--porcelain"); st != "" {
		t.Errorf("the skill is not excluded from git:\n%s", st)
	}
	r = runIn(t, repo, "skill", "install")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "up to date") {
		t.Errorf("second install: %s", r.stdout)
	}
	write(t, path, "my own skill\n")
	r = runIn(t, repo, "skill", "install")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "--force") || readFile(t, path) != "my own skill\n" {
		t.Errorf("a different SKILL.md was replaced without --force: %s", r.stderr)
	}
	wantCode(t, runIn(t, repo, "skill", "install", "--force"), exitOK)
	if readFile(t, path) != string(skillText) {
		t.Error("--force did not replace it")
	}
}

func TestSkillInstallUser(t *testing.T) {
	home := t.TempDir()
	dir := t.TempDir() // no repository needed
	r := runEnv(t, dir, []string{"HOME=" + home}, "skill", "install", "--user")
	wantCode(t, r, exitOK)
	if got := readFile(t, filepath.Join(home, ".claude", "skills", "parallel-sessions", "SKILL.md")); got != string(skillText) {
		t.Error("SKILL.md under HOME is not the embedded skill")
	}
	wantCode(t, runIn(t, dir, "skill", "install"), exitError) // without --user it needs a repository
	wantCode(t, runIn(t, dir, "skill"), exitError)
}

func TestSkillFrontMatter(t *testing.T) {
	text := string(skillText)
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		t.Fatal("SKILL.md does not start with a front matter")
	}
	front, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		t.Fatal("the front matter is not closed")
	}
	keys := map[string]string{}
	for _, line := range strings.Split(front, "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok || strings.HasPrefix(k, " ") || strings.ContainsAny(v, "\"'#") && !strings.HasPrefix(v, `"`) {
			t.Fatalf("front matter line %q is not a plain `key: value`", line)
		}
		keys[k] = v
	}
	if keys["name"] != "parallel-sessions" || keys["name"] != filepath.Base(skillDir) {
		t.Errorf("name %q, want the skill folder's name", keys["name"])
	}
	if d := keys["description"]; len(d) < 40 || len(d) > 1024 || !strings.Contains(d, "Use when") {
		t.Errorf("description %q: want when to use it, under 1024 characters", d)
	}
	if len(keys) != 2 {
		t.Errorf("front matter keys %v", keys)
	}
	if !strings.Contains(body, "# parallel-sessions") {
		t.Error("no body")
	}
}

// TestSkillMatchesCommands keeps the skill true to the CLI: every
// `ps-local CMD --flag` it mentions is a command with that flag.
func TestSkillMatchesCommands(t *testing.T) {
	spans := regexp.MustCompile("`(ps-local [^`]*)`").FindAllStringSubmatch(string(skillText), -1)
	if len(spans) < 15 {
		t.Fatalf("only %d commands found in the skill", len(spans))
	}
	for _, want := range []string{"init", "validate", "explain", "fanout", "status", "check", "push", "cleanup"} {
		if !strings.Contains(string(skillText), "`ps-local "+want) {
			t.Errorf("the skill never mentions ps-local %s", want)
		}
	}
	for _, m := range spans {
		words := strings.Fields(m[1])
		name := []string{words[1]}
		if words[1] == "skill" && len(words) > 2 {
			name = append(name, words[2])
		}
		var out, errOut bytes.Buffer
		c := &command{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, dir: t.TempDir(), getenv: func(string) string { return "" }}
		if code := c.run(append(name, "--help")); code != exitOK {
			t.Errorf("%q: ps-local %s --help exits %d: %s", m[1], strings.Join(name, " "), code, errOut.String())
			continue
		}
		for _, flag := range regexp.MustCompile(`--([a-z][a-z-]*)`).FindAllStringSubmatch(m[1], -1) {
			if !regexp.MustCompile(`(?m)^\s+-` + regexp.QuoteMeta(flag[1]) + `\b`).MatchString(out.String()) {
				t.Errorf("%q: ps-local %s has no --%s", m[1], strings.Join(name, " "), flag[1])
			}
		}
	}
}

func TestSkillFileIsEmbedded(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("skill", "SKILL.md"))
	if err != nil || !bytes.Equal(data, skillText) {
		t.Fatalf("the embedded skill differs from skill/SKILL.md: %v", err)
	}
}
