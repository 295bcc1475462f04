package fakegithub

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxListedFiles is where GitHub stops listing a pull request's files.
const maxListedFiles = 3000

func (s *Server) route(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	n := len(parts)
	get, post := r.Method == http.MethodGet, r.Method == http.MethodPost
	switch {
	case parts[0] == "contents" && get:
		s.getContents(w, r, strings.Join(parts[1:], "/"))
	case parts[0] == "pulls" && n == 1 && get:
		s.listPulls(w, r)
	case parts[0] == "pulls" && n == 1 && post:
		s.createPull(w, body)
	case parts[0] == "pulls" && n == 2 && r.Method == http.MethodPatch:
		if p := s.pull(w, parts[1]); p != nil {
			s.editPull(w, p, body)
		}
	case parts[0] == "pulls" && n == 2 && get:
		if p := s.pull(w, parts[1]); p != nil {
			pr := s.pullJSON(p)
			pr["mergeable"], pr["mergeable_state"] = p.Mergeable, p.MergeableState
			if p.Mergeable == nil {
				pr["mergeable"], pr["mergeable_state"] = nil, "unknown"
			}
			writeJSON(w, http.StatusOK, pr)
		}
	case parts[0] == "pulls" && n == 3 && parts[2] == "update-branch" && r.Method == http.MethodPut:
		if p := s.pull(w, parts[1]); p != nil {
			s.updateBranch(w, p, body)
		}
	case parts[0] == "pulls" && n == 3 && parts[2] == "files" && get:
		if p := s.pull(w, parts[1]); p != nil {
			s.listFiles(w, r, p)
		}
	case parts[0] == "compare" && n == 2 && get:
		s.compare(w, parts[1])
	case parts[0] == "commits" && n == 3 && parts[2] == "status" && get:
		s.combinedStatus(w, r, parts[1])
	case parts[0] == "statuses" && n == 2 && post:
		s.createStatus(w, parts[1], body, s.actor(r))
	case parts[0] == "labels" && n == 2 && get:
		if !s.labels[parts[1]] {
			writeError(w, http.StatusNotFound, "Not Found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"name": parts[1]})
	case parts[0] == "labels" && n == 1 && post:
		s.createLabel(w, body)
	case parts[0] == "issues" && n == 4 && parts[2] == "labels" && r.Method == http.MethodDelete:
		if p := s.pull(w, parts[1]); p != nil {
			s.removeLabel(w, p, parts[3])
		}
	case parts[0] == "issues" && n == 3 && parts[2] == "labels" && post:
		if p := s.pull(w, parts[1]); p != nil {
			s.addLabels(w, p, body)
		}
	case parts[0] == "issues" && n == 3 && parts[1] == "comments" && r.Method == http.MethodDelete:
		s.deleteComment(w, parts[2])
	case parts[0] == "issues" && n == 3 && parts[1] == "comments" && r.Method == http.MethodPatch:
		s.editComment(w, parts[2], body)
	case parts[0] == "issues" && n == 3 && parts[2] == "comments":
		if p := s.pull(w, parts[1]); p != nil && get {
			s.listComments(w, r, p.Number)
		} else if p != nil && post {
			s.createComment(w, p.Number, body, s.actor(r))
		}
	case parts[0] == "git" && n >= 3 && parts[1] == "trees" && get:
		s.tree(w, r, strings.Join(parts[2:], "/"))
	case parts[0] == "installation" && n == 1 && get:
		writeError(w, http.StatusNotFound, "Not Found") // no App is installed (InstallApp)
	default:
		s.unimplemented(w, r)
	}
}

func (s *Server) pull(w http.ResponseWriter, number string) *Pull {
	n, _ := strconv.Atoi(number)
	p := s.pulls[n]
	if p == nil {
		writeError(w, http.StatusNotFound, "Not Found")
	}
	return p
}

func (s *Server) getContents(w http.ResponseWriter, r *http.Request, path string) {
	ref := r.URL.Query().Get("ref")
	content, ok := s.contents[ref][path]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"type": "file", "encoding": "base64", "path": path, "name": path[strings.LastIndex(path, "/")+1:],
		"size": len(content), "content": base64.StdEncoding.EncodeToString([]byte(content)),
	})
}

func (s *Server) repoJSON(fullName string) map[string]any {
	owner, name, _ := strings.Cut(fullName, "/")
	return map[string]any{"full_name": fullName, "name": name, "owner": map[string]any{"login": owner}}
}

func (s *Server) pullJSON(p *Pull) map[string]any {
	labels := []map[string]any{}
	for _, l := range p.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	changed := p.ChangedFiles
	if changed == 0 {
		changed = len(p.Files)
	}
	base := s.Owner + "/" + s.Repo
	pr := map[string]any{
		"number": p.Number, "state": p.State, "merged": p.Merged, "draft": false,
		"html_url":      "https://github.example/" + base + "/pull/" + strconv.Itoa(p.Number),
		"head":          map[string]any{"ref": p.HeadRef, "sha": p.HeadSHA, "label": p.HeadRepo + ":" + p.HeadRef, "repo": s.repoJSON(p.HeadRepo)},
		"base":          map[string]any{"ref": p.BaseRef, "repo": s.repoJSON(base)},
		"changed_files": changed, "labels": labels, "title": p.Title, "body": p.Body,
	}
	if p.Merged {
		pr["merged_at"] = "2026-11-22T12:00:00Z"
	}
	return pr
}

func (s *Server) listPulls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var match []map[string]any
	for n := 1; n <= s.maxPull(); n++ {
		p := s.pulls[n]
		switch {
		case p == nil,
			state != "all" && p.State != state,
			q.Get("base") != "" && p.BaseRef != q.Get("base"),
			q.Get("head") != "" && q.Get("head") != strings.SplitN(p.HeadRepo, "/", 2)[0]+":"+p.HeadRef:
			continue
		}
		match = append(match, s.pullJSON(p))
	}
	from, to := s.page(w, r, len(match))
	writeJSON(w, http.StatusOK, append([]map[string]any{}, match[from:to]...))
}

func (s *Server) maxPull() int {
	m := 0
	for n := range s.pulls {
		m = max(m, n)
	}
	return m
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request, p *Pull) {
	files := p.Files
	if len(files) > maxListedFiles {
		files = files[:maxListedFiles]
	}
	from, to := s.page(w, r, len(files))
	out := []map[string]any{}
	for _, f := range files[from:to] {
		m := map[string]any{"filename": f.Filename, "status": f.Status, "sha": "0123456789abcdef0123456789abcdef01234567"}
		if f.PreviousFilename != "" {
			m["previous_filename"] = f.PreviousFilename
		}
		out = append(out, m)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) combinedStatus(w http.ResponseWriter, r *http.Request, ref string) {
	latest := map[string]Status{}
	var order []string
	list := s.statuses[ref]
	for i := len(list) - 1; i >= 0; i-- {
		if _, seen := latest[list[i].Context]; !seen {
			latest[list[i].Context] = list[i]
			order = append(order, list[i].Context)
		}
	}
	from, to := s.page(w, r, len(order))
	statuses := []map[string]any{}
	for _, c := range order[from:to] {
		st := latest[c]
		statuses = append(statuses, map[string]any{"context": st.Context, "state": st.State, "description": st.Description, "target_url": st.TargetURL, "creator": map[string]any{"login": st.Creator}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": "pending", "sha": ref, "total_count": len(order), "statuses": statuses})
}

func (s *Server) createStatus(w http.ResponseWriter, sha string, body []byte, creator string) {
	var st struct {
		State, Context, Description string
		TargetURL                   string `json:"target_url"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	switch {
	case st.State != "pending" && st.State != "success" && st.State != "failure" && st.State != "error":
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed: state")
		return
	case len(st.Description) > 140:
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed: description is too long (maximum is 140 characters)")
		return
	}
	if st.Context == "" {
		st.Context = "default"
	}
	s.statuses[sha] = append(s.statuses[sha], Status{State: st.State, Context: st.Context, Description: st.Description, TargetURL: st.TargetURL, Creator: creator})
	writeJSON(w, http.StatusCreated, map[string]any{"state": st.State, "context": st.Context})
}

func (s *Server) createLabel(w http.ResponseWriter, body []byte) {
	var l struct{ Name string }
	if json.Unmarshal(body, &l) != nil || l.Name == "" {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed")
		return
	}
	if s.labels[l.Name] {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest/issues/labels#create-a-label",
			"errors": []map[string]any{{"resource": "Label", "code": "already_exists", "field": "name"}},
		})
		return
	}
	s.labels[l.Name] = true
	writeJSON(w, http.StatusCreated, map[string]any{"name": l.Name})
}

func (s *Server) addLabels(w http.ResponseWriter, p *Pull, body []byte) {
	var names []string
	if json.Unmarshal(body, &names) != nil {
		var wrapped struct{ Labels []string }
		if json.Unmarshal(body, &wrapped) != nil {
			writeError(w, http.StatusBadRequest, "Problems parsing JSON")
			return
		}
		names = wrapped.Labels
	}
	for _, name := range names {
		s.labels[name] = true // GitHub creates a label it does not know
		if !contains(p.Labels, name) {
			p.Labels = append(p.Labels, name)
		}
	}
	writeJSON(w, http.StatusOK, labelList(p.Labels))
}

func (s *Server) removeLabel(w http.ResponseWriter, p *Pull, name string) {
	for i, l := range p.Labels {
		if l == name {
			p.Labels = append(p.Labels[:i:i], p.Labels[i+1:]...)
			writeJSON(w, http.StatusOK, labelList(p.Labels))
			return
		}
	}
	writeError(w, http.StatusNotFound, "Label does not exist")
}

func labelList(names []string) []map[string]any {
	out := []map[string]any{}
	for _, n := range names {
		out = append(out, map[string]any{"name": n})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, n int) {
	list := s.comments[n]
	from, to := s.page(w, r, len(list))
	out := []map[string]any{}
	for _, c := range list[from:to] {
		out = append(out, map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.User}})
	}
	writeJSON(w, http.StatusOK, out)
}

// maxCommentChars is GitHub's limit on a comment's body.
const maxCommentChars = 65536

// commentBody takes the body of a comment from a request's JSON and
// reports whether GitHub would accept it; if not, it has answered as
// GitHub does.
func commentBody(w http.ResponseWriter, body []byte) (string, bool) {
	var c struct{ Body string }
	if json.Unmarshal(body, &c) != nil || c.Body == "" {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed: body")
		return "", false
	}
	if utf8.RuneCountInString(c.Body) > maxCommentChars {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed: body is too long (maximum is 65536 characters)")
		return "", false
	}
	return c.Body, true
}

func (s *Server) createComment(w http.ResponseWriter, n int, body []byte, user string) {
	text, ok := commentBody(w, body)
	if !ok {
		return
	}
	s.nextID++
	s.comments[n] = append(s.comments[n], &Comment{ID: s.nextID, Body: text, User: user})
	writeJSON(w, http.StatusCreated, map[string]any{"id": s.nextID, "body": text})
}

func (s *Server) editComment(w http.ResponseWriter, id string, body []byte) {
	text, ok := commentBody(w, body)
	if !ok {
		return
	}
	for _, list := range s.comments {
		for _, cm := range list {
			if strconv.FormatInt(cm.ID, 10) == id {
				cm.Body = text
				writeJSON(w, http.StatusOK, map[string]any{"id": cm.ID, "body": cm.Body})
				return
			}
		}
	}
	writeError(w, http.StatusNotFound, "Not Found")
}

func (s *Server) createPull(w http.ResponseWriter, body []byte) {
	var req struct{ Base, Head, Title, Body string }
	if json.Unmarshal(body, &req) != nil || req.Base == "" || req.Head == "" || req.Title == "" {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed")
		return
	}
	for _, p := range s.pulls {
		if p.HeadRef == req.Head && p.BaseRef == req.Base && p.State == "open" {
			writeError(w, http.StatusUnprocessableEntity, "Validation Failed: A pull request already exists for "+s.Owner+":"+req.Head+".")
			return
		}
	}
	p := &Pull{Number: s.maxPull() + 1, State: "open", HeadRef: req.Head, HeadSHA: "unknown", HeadRepo: s.Owner + "/" + s.Repo, BaseRef: req.Base, Title: req.Title, Body: req.Body}
	s.pulls[p.Number] = p
	writeJSON(w, http.StatusCreated, s.pullJSON(p))
}

func (s *Server) editPull(w http.ResponseWriter, p *Pull, body []byte) {
	var req struct{ Title, Body *string }
	if json.Unmarshal(body, &req) != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	if req.Title != nil {
		p.Title = *req.Title
	}
	if req.Body != nil {
		p.Body = *req.Body
	}
	writeJSON(w, http.StatusOK, s.pullJSON(p))
}

// updateBranch merges the base into the pull request's branch, as GitHub
// does when asked: 422 when expected_head_sha is not the head; the new
// head is the old one with "+base" and is no longer behind.
func (s *Server) updateBranch(w http.ResponseWriter, p *Pull, body []byte) {
	var req struct {
		ExpectedHeadSHA string `json:"expected_head_sha"`
	}
	if json.Unmarshal(body, &req) != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	if req.ExpectedHeadSHA != "" && req.ExpectedHeadSHA != p.HeadSHA {
		writeError(w, http.StatusUnprocessableEntity, "expected head sha didn't match current head ref.")
		return
	}
	p.HeadSHA += "+" + p.BaseRef
	if p.MergeableState == "behind" {
		p.MergeableState = "clean"
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"message": "Updating pull request branch.", "url": "https://github.example/" + s.Owner + "/" + s.Repo + "/pull/" + strconv.Itoa(p.Number)})
}

// compare answers GET compare/BASE...HEAD with the status of head against
// base, from the commits AddCommit recorded.
func (s *Server) compare(w http.ResponseWriter, spec string) {
	base, head, ok := strings.Cut(spec, "...")
	_, knowBase := s.ancestors[base]
	_, knowHead := s.ancestors[head]
	if !ok || !knowBase || !knowHead {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	status := "diverged"
	switch {
	case base == head:
		status = "identical"
	case s.ancestors[head][base]:
		status = "ahead"
	case s.ancestors[base][head]:
		status = "behind"
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": status, "commits": []any{}, "files": []any{}})
}
