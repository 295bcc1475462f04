package fakegithub

import (
	"net/http"
	"strings"
)

// Fault answers matching requests with a failure, Times times (0: always).
// Besides an error answer it can express what GitHub and the network do
// under load: an answer that never comes (Hang), a connection dropped
// without an answer (Drop), an answer lost after the write took effect
// (AfterWrite), and a body GitHub would not send (Raw). Rate limits are
// an error answer with Header: a past X-RateLimit-Reset, Retry-After: 0.
type Fault struct {
	Method string // "" for any
	Path   string // a substring of the path without the prefix; "" for any
	Status int
	Header map[string]string
	// Body is the message of GitHub's error JSON.
	Body string
	// Raw, when set, is the whole body as it is (`null`, `{"number":"7"}`),
	// with Status or else 200, instead of GitHub's error JSON.
	Raw string
	// AfterWrite lets the request take effect first: the comment, status
	// or label is stored, then the client gets the fault instead of the
	// answer.
	AfterWrite bool
	// Hang never answers: the request waits until the client gives up (or
	// the test ends), then the connection is closed.
	Hang bool
	// Drop closes the connection without an answer.
	Drop bool
	// Endless answers 200 with Raw, then Endless again and again until the
	// client goes away (or the test ends): a body that never ends.
	Endless string
	Times   int

	matched int
}

// Matched is how many requests the fault has answered.
func (s *Server) Matched(f *Fault) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return f.matched
}

// inject writes f's answer, or returns what it does once the lock is
// released: wait for the client to give up, close the connection.
func (s *Server) inject(w http.ResponseWriter, r *http.Request, f *Fault) func() {
	switch {
	case f.Hang:
		return func() {
			select {
			case <-r.Context().Done():
			case <-s.done:
			}
			drop(w)
		}
	case f.Drop:
		return func() { drop(w) }
	case f.Endless != "":
		return func() { s.endless(w, r, f) }
	}
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if f.Raw != "" {
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(f.Raw))
		return nil
	}
	writeError(w, f.Status, f.Body)
	return nil
}

// drop closes the connection under w without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fakegithub: the connection cannot be hijacked to drop it")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

// unimplemented fails the test: the fake does not know the route, and a
// 404 would pass for GitHub's "not found". It answers 501.
func (s *Server) unimplemented(w http.ResponseWriter, r *http.Request) {
	s.t.Errorf("fakegithub: %s %s is not a route the fake implements (add it; a 404 would pass for GitHub's answer)", r.Method, r.URL.Path)
	writeError(w, http.StatusNotImplemented, "fakegithub does not implement "+r.Method+" "+r.URL.Path)
}

// endless writes f.Raw, then f.Endless until the client or the test goes
// away.
func (s *Server) endless(w http.ResponseWriter, r *http.Request, f *Fault) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	chunk := []byte(strings.Repeat(f.Endless, max(1, 64<<10/len(f.Endless))))
	if _, err := w.Write([]byte(f.Raw)); err != nil {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		default:
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}
