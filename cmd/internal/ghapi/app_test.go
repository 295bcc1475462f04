package ghapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

func TestAppActsAsItsInstallation(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	key, pemKey := fakegithub.NewAppKey(t)
	fake.InstallApp(42, 4242, &key.PublicKey)
	fake.AddPull(fakegithub.Pull{Number: 7, HeadRef: "x", HeadSHA: "abc", BaseRef: "main"})
	ctx := context.Background()

	app, err := NewApp(42, pemKey, Options{BaseURL: fake.APIURL(), Token: "ignored", Retry: RetryPolicy{Budget: time.Second, Backoff: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := app.Installation(ctx, "octo/repo")
	if err != nil || id != 4242 {
		t.Fatalf("Installation = %d, %v; want 4242", id, err)
	}
	c, token, err := app.Client(ctx, "octo/repo", id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "ghs_") {
		t.Errorf("token %q is not an installation token", token)
	}
	if _, err := c.PullRequest(ctx, 7); err != nil {
		t.Fatalf("a request with the installation token: %v", err)
	}
	if _, _, err := app.Client(ctx, "octo/repo", id); err != nil {
		t.Fatal(err)
	}
	if n := fake.TokensIssued(); n != 1 {
		t.Errorf("%d installation tokens issued; a token is reused until it expires", n)
	}
	reqs := fake.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != "/repos/octo/repo/pulls/7" || last.Auth != "token "+token {
		t.Errorf("last request %s with %q; want the pull request with the installation token", last.Path, last.Auth)
	}
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, "/app/") || strings.HasSuffix(r.Path, "/installation") {
			if !strings.HasPrefix(r.Auth, "Bearer ") {
				t.Errorf("%s %s without the App's JWT", r.Method, r.Path)
			}
		}
	}
}

func TestAppErrors(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	key, _ := fakegithub.NewAppKey(t)
	fake.InstallApp(42, 4242, &key.PublicKey)
	_, otherKey := fakegithub.NewAppKey(t)
	ctx := context.Background()
	opts := Options{BaseURL: fake.APIURL(), Retry: RetryPolicy{Budget: time.Second, Backoff: 10 * time.Millisecond}}

	if _, err := NewApp(42, []byte("not a key"), opts); err == nil || !strings.Contains(err.Error(), "private key of GitHub App 42") {
		t.Errorf("a key that is no PEM: %v", err)
	}
	app, err := NewApp(42, otherKey, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Installation(ctx, "octo/repo"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a JWT signed by another key: %v; want GitHub's 401", err)
	}
	if _, _, err := app.Client(ctx, "octo/repo", 4242); err == nil || !strings.Contains(err.Error(), "installation token") {
		t.Errorf("a token asked for with another key: %v", err)
	}
	_, rightKey := fakegithub.NewAppKey(t)
	app, _ = NewApp(42, rightKey, opts)
	if _, err := app.Installation(ctx, "octo/elsewhere"); err == nil || !strings.Contains(err.Error(), "is the App installed there?") {
		t.Errorf("a repository without the App: %v", err)
	}
}

func TestContains(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddCommit("base")
	fake.AddCommit("a1", "base")
	fake.AddCommit("group", "a1", "base")
	fake.AddCommit("b1", "base")
	c := newClient(t, fake)
	ctx := context.Background()
	for _, tc := range []struct {
		head, commit string
		want         bool
	}{
		{"group", "a1", true},
		{"group", "group", true},
		{"group", "b1", false},
		{"a1", "group", false},
		{"group", "gone", false},
	} {
		got, err := c.Contains(ctx, tc.head, tc.commit)
		if err != nil || got != tc.want {
			t.Errorf("Contains(%s, %s) = %v, %v; want %v", tc.head, tc.commit, got, err, tc.want)
		}
	}
	fake.AddFault(&fakegithub.Fault{Path: "/compare/", Status: 422})
	if _, err := c.Contains(ctx, "group", "a1"); err == nil {
		t.Error("a failed comparison passed as an answer")
	}
}

// The repositories of the App's installations are listed as GitHub pages
// them, archived ones left out, and a suspended installation is no
// installation to act as.
func TestAppListsItsInstalledRepositories(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	key, pemKey := fakegithub.NewAppKey(t)
	fake.InstallApp(42, 4242, &key.PublicKey)
	fake.AlsoInstalledOn(fakegithub.InstalledRepo{FullName: "octo/two"}, fakegithub.InstalledRepo{FullName: "octo/old", Archived: true}, fakegithub.InstalledRepo{FullName: "octo/three"}, fakegithub.InstalledRepo{FullName: "octo/four"})
	fake.MaxPerPage = 2
	ctx := context.Background()
	app, err := NewApp(42, pemKey, Options{BaseURL: fake.APIURL(), Retry: RetryPolicy{Budget: time.Second, Backoff: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := app.Installations(ctx)
	if err != nil || len(ids) != 1 || ids[0] != 4242 {
		t.Fatalf("Installations = %v, %v; want [4242]", ids, err)
	}
	repos, err := app.Repositories(ctx, 4242)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range repos {
		if r.Installation != 4242 || r.DefaultBranch != "main" || r.HTMLURL != "https://github.example/"+r.Repository {
			t.Errorf("repository %+v", r)
		}
		names = append(names, r.Repository)
	}
	if got := strings.Join(names, " "); got != "octo/repo octo/two octo/three octo/four" {
		t.Errorf("repositories %s, want octo/repo octo/two octo/three octo/four", got)
	}
	pages := 0
	for _, r := range fake.Requests() {
		switch {
		case r.Path == "/installation/repositories":
			pages++
			if !strings.HasPrefix(r.Auth, "token ghs_") {
				t.Errorf("%s without the installation token", r.Path)
			}
		case r.Path == "/app/installations" && !strings.HasPrefix(r.Auth, "Bearer "):
			t.Errorf("%s without the App's JWT", r.Path)
		}
	}
	if pages != 3 {
		t.Errorf("read %d pages of 5 repositories at 2 a page, want 3", pages)
	}

	fake.SuspendInstallation()
	if ids, err := app.Installations(ctx); err != nil || len(ids) != 0 {
		t.Errorf("Installations of a suspended installation = %v, %v; want none", ids, err)
	}
}
