package fakegithub

import (
	"net/http"
	"strconv"
	"strings"
)

// ActionsBot is who GitHub says wrote with a workflow's GITHUB_TOKEN.
const ActionsBot = "github-actions[bot]"

// AppSlug is the slug of the App InstallApp installs; its installation
// tokens write as AppSlug + "[bot]".
const AppSlug = "ps-gate"

// SetTokenUser makes token a user's token (a personal access token): GET
// /user answers login, and what it writes is login's. Any other token acts
// as a workflow's GITHUB_TOKEN: GET /user is refused as GitHub refuses it,
// and its writes are ActionsBot's.
func (s *Server) SetTokenUser(token, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == nil {
		s.users = map[string]string{}
	}
	s.users[token] = login
}

// AddStatusAs creates a status on sha as login would, such as someone
// forging the gate's status.
func (s *Server) AddStatusAs(sha, login string, st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.Creator = login
	s.statuses[sha] = append(s.statuses[sha], st)
}

// AddCommentAs adds a comment to pull request n as login would.
func (s *Server) AddCommentAs(n int, login, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.comments[n] = append(s.comments[n], &Comment{ID: s.nextID, Body: body, User: login})
}

// actor is who GitHub records as the author of r's write.
func (s *Server) actor(r *http.Request) string {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "token ")
	token = strings.TrimPrefix(token, "Bearer ")
	if login, ok := s.users[token]; ok {
		return login
	}
	if s.app != nil && s.app.tokens[token] {
		return AppSlug + "[bot]"
	}
	return ActionsBot
}

// user answers GET /user: a user's token gets its login, an installation
// token (a GITHUB_TOKEN too) GitHub's refusal.
func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "token ")
	if login, ok := s.users[token]; ok {
		writeJSON(w, http.StatusOK, map[string]any{"login": login, "type": "User"})
		return
	}
	writeError(w, http.StatusForbidden, "Resource not accessible by integration")
}

// deleteComment answers DELETE issues/comments/{id}.
func (s *Server) deleteComment(w http.ResponseWriter, id string) {
	for n, list := range s.comments {
		for i, c := range list {
			if strconv.FormatInt(c.ID, 10) == id {
				s.comments[n] = append(list[:i:i], list[i+1:]...)
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
	}
	writeError(w, http.StatusNotFound, "Not Found")
}
