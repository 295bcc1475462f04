package ghapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestLogin: a user's token is its login, a token GET /user refuses as an
// integration's is github-actions[bot], and an answer without a login is
// malformed, never an empty identity that would match anonymous statuses.
func TestLogin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
		err    error
	}{
		{"user token", 200, `{"login":"octocat","type":"User"}`, "octocat", nil},
		{"workflow token", 403, `{"message":"Resource not accessible by integration"}`, ActionsBot, nil},
		{"no login", 200, `{}`, "", ErrMalformed},
		{"null", 200, `null`, "", ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/v3/user" {
					t.Errorf("request to %s", r.URL.Path)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := New("octo/repo", Options{BaseURL: srv.URL + "/api/v3", Token: "t"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Login(context.Background())
			if got != tc.want || (tc.err == nil) != (err == nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
				t.Errorf("Login = %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}
