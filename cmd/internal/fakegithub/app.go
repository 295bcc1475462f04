package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// app is a GitHub App installed on the fake repository.
type app struct {
	id, installation int64
	key              *rsa.PublicKey
	tokens           map[string]bool // installation tokens issued
	// also are the repositories the installation can access besides the
	// fake's own.
	also      []InstalledRepo
	suspended bool
}

// InstalledRepo is a repository the App's installation can access besides
// the fake's own: the fake lists it but serves none of its routes.
type InstalledRepo struct {
	FullName string
	Archived bool
}

// AlsoInstalledOn lets the installation access repos too (InstallApp
// first).
func (s *Server) AlsoInstalledOn(repos ...InstalledRepo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.app.also = append(s.app.also, repos...)
}

// SuspendInstallation suspends the App's installation: GitHub lists it
// with suspended_at and issues it no tokens.
func (s *Server) SuspendInstallation() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.app.suspended = true
}

// InstallApp installs a GitHub App on the repository. From then on the
// repository's endpoints answer only requests carrying an installation
// token the fake issued (401 otherwise), and the App endpoints only a JWT
// signed by key whose issuer is the App's id.
func (s *Server) InstallApp(id, installation int64, key *rsa.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.app = &app{id: id, installation: installation, key: key, tokens: map[string]bool{}}
}

// TokensIssued is how many installation tokens the fake has issued.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app == nil {
		return 0
	}
	return len(s.app.tokens)
}

// serveApp answers the App endpoints and checks the credentials of
// repository requests; it reports whether it wrote the answer.
func (s *Server) serveApp(w http.ResponseWriter, r *http.Request, path string) bool {
	repoInstallation := "/repos/" + s.Owner + "/" + s.Repo + "/installation"
	tokensPath := "/app/installations/" + strconv.FormatInt(s.app.installation, 10) + "/access_tokens"
	switch {
	case path == repoInstallation && r.Method == http.MethodGet:
		if s.checkJWT(w, r) {
			writeJSON(w, http.StatusOK, map[string]any{"id": s.app.installation, "app_id": s.app.id})
		}
		return true
	case path == "/app/installations" && r.Method == http.MethodGet:
		if s.checkJWT(w, r) {
			from, to := s.page(w, r, 1)
			writeJSON(w, http.StatusOK, []map[string]any{s.installationJSON()}[from:to])
		}
		return true
	case path == tokensPath && r.Method == http.MethodPost && s.app.suspended:
		if s.checkJWT(w, r) {
			writeError(w, http.StatusForbidden, "This installation has been suspended")
		}
		return true
	case path == tokensPath && r.Method == http.MethodPost:
		if s.checkJWT(w, r) {
			token := fmt.Sprintf("ghs_fake%d", len(s.app.tokens)+1)
			s.app.tokens[token] = true
			writeJSON(w, http.StatusCreated, map[string]any{
				"token":       token,
				"expires_at":  time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
				"permissions": map[string]string{"contents": "read", "pull_requests": "write", "statuses": "write", "issues": "write"},
			})
		}
		return true
	case path == "/app" && r.Method == http.MethodGet:
		if s.checkJWT(w, r) {
			writeJSON(w, http.StatusOK, map[string]any{"id": s.app.id, "slug": AppSlug, "name": "PS Gate"})
		}
		return true
	case strings.HasPrefix(path, "/repos/") && strings.HasSuffix(path, "/installation") && r.Method == http.MethodGet:
		if s.checkJWT(w, r) {
			writeError(w, http.StatusNotFound, "Not Found") // GitHub's answer where the App is not installed
		}
		return true
	case strings.HasPrefix(path, "/app/"), strings.HasSuffix(path, "/installation"):
		s.unimplemented(w, r)
		return true
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "token ")
	if !ok || !s.app.tokens[token] {
		writeError(w, http.StatusUnauthorized, "Bad credentials")
		return true
	}
	if path == "/installation/repositories" && r.Method == http.MethodGet {
		s.installationRepos(w, r)
		return true
	}
	return false
}

// installationJSON is the installation as GET /app/installations lists
// it.
func (s *Server) installationJSON() map[string]any {
	var suspended any
	if s.app.suspended {
		suspended = time.Now().UTC().Format(time.RFC3339)
	}
	id := strconv.FormatInt(s.app.installation, 10)
	return map[string]any{
		"id": s.app.installation, "app_id": s.app.id, "app_slug": AppSlug,
		"account":     map[string]any{"login": s.Owner, "id": 1, "type": "Organization"},
		"target_id":   1,
		"target_type": "Organization", "repository_selection": "selected",
		"access_tokens_url": s.srv.URL + Prefix + "/app/installations/" + id + "/access_tokens",
		"repositories_url":  s.srv.URL + Prefix + "/installation/repositories",
		"html_url":          "https://github.example/organizations/" + s.Owner + "/settings/installations/" + id,
		"permissions":       map[string]string{"contents": "read", "pull_requests": "write", "statuses": "write", "issues": "write"},
		"events":            []string{"pull_request", "push", "merge_group"},
		"created_at":        "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
		"suspended_at": suspended, "suspended_by": nil,
	}
}

// installationRepos answers GET /installation/repositories: the fake's
// repository, then the others the installation can access, a page at a
// time.
func (s *Server) installationRepos(w http.ResponseWriter, r *http.Request) {
	all := append([]InstalledRepo{{FullName: s.Owner + "/" + s.Repo}}, s.app.also...)
	from, to := s.page(w, r, len(all))
	repos := []map[string]any{}
	for i, repo := range all[from:to] {
		owner, name, _ := strings.Cut(repo.FullName, "/")
		repos = append(repos, map[string]any{
			"id": from + i + 1, "name": name, "full_name": repo.FullName, "private": true,
			"owner":    map[string]any{"login": owner, "id": 1, "type": "Organization"},
			"html_url": "https://github.example/" + repo.FullName, "default_branch": "main",
			"archived": repo.Archived, "disabled": false,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(all), "repository_selection": "selected", "repositories": repos})
}

// checkJWT verifies the App's JWT as GitHub does: RS256, signed by the
// App's key, issued by the App, not expired, at most ten minutes long.
func (s *Server) checkJWT(w http.ResponseWriter, r *http.Request) bool {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		writeError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
		return false
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodRS256 {
			return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
		}
		return s.app.key, nil
	})
	switch {
	case err != nil:
		writeError(w, http.StatusUnauthorized, "A JSON web token could not be decoded: "+err.Error())
	case claims.Issuer != strconv.FormatInt(s.app.id, 10):
		writeError(w, http.StatusUnauthorized, "'Issuer' claim ('iss') must be the App's id")
	case claims.ExpiresAt == nil || claims.IssuedAt == nil || claims.ExpiresAt.Sub(claims.IssuedAt.Time) > 10*time.Minute:
		writeError(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') is too far in the future")
	default:
		return true
	}
	return false
}

// NewAppKey generates an App's RSA private key and its PEM encoding, as
// GitHub hands it out.
func NewAppKey(t testing.TB) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}
