package fakegithub

import (
	"net/http"
	"path"
	"sort"
	"strings"
)

// SetTreeTruncated makes GET git/trees answer truncated, with only part of
// the entries, as GitHub does for a tree over its limits.
func (s *Server) SetTreeTruncated(truncated bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.treeTruncated = truncated
}

// tree answers GET git/trees/REF[?recursive=1] from the files SetFile set
// at REF: blobs and the directories above them.
func (s *Server) tree(w http.ResponseWriter, r *http.Request, ref string) {
	files, ok := s.contents[ref]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	recursive := r.URL.Query().Get("recursive") != ""
	kinds := map[string]string{}
	for p := range files {
		kinds[p] = "blob"
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			kinds[dir] = "tree"
		}
	}
	var paths []string
	for p := range kinds {
		if recursive || !strings.Contains(p, "/") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	if s.treeTruncated {
		paths = paths[:len(paths)/2]
	}
	entries := []map[string]any{}
	for _, p := range paths {
		e := map[string]any{"path": p, "type": kinds[p], "mode": "100644", "sha": "0123456789abcdef0123456789abcdef01234567"}
		if kinds[p] == "tree" {
			e["mode"] = "040000"
		}
		entries = append(entries, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"sha": ref, "tree": entries, "truncated": s.treeTruncated})
}
