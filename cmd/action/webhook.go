package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// bot receives GitHub's webhook deliveries and queues their work.
type bot struct {
	secret  []byte
	maxBody int64
	log     *slog.Logger
	seen    *deliveries
	queues  *queues
	// unverified is the memory of the bodies being read before their
	// signature is checked: --max-unverified times --max-body.
	unverified *bodyBudget
	// stopJobs cancels every job's context (shutdown).
	stopJobs context.CancelFunc
}

// unverifiedWait is how long a delivery waits for memory to read its body
// into before it is refused with 503.
const unverifiedWait = 10 * time.Second

// routes serves POST /webhook and GET /healthz.
func (b *bot) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook", b.webhook)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	return mux
}

// webhook checks a delivery and queues its work; it answers before any of
// the work is done. Nothing is read from a delivery before its signature
// is verified.
func (b *bot) webhook(w http.ResponseWriter, r *http.Request) {
	body, status, msg := b.verifiedBody(w, r)
	if msg != "" {
		b.refuse(w, r, status, msg)
		return
	}
	delivery, name := r.Header.Get("X-GitHub-Delivery"), r.Header.Get("X-GitHub-Event")
	if delivery == "" || name == "" {
		b.refuse(w, r, http.StatusBadRequest, "X-GitHub-Delivery and X-GitHub-Event are required")
		return
	}
	log := b.log.With("delivery", delivery, "event", name)
	if name == "ping" {
		answer(w, http.StatusOK, "pong")
		return
	}
	j, err := parseDelivery(delivery, name, body)
	if err != nil {
		b.refuse(w, r, http.StatusBadRequest, err.Error())
		return
	}
	log = log.With("repo", j.repo, "action", j.ev.action)
	if j.ev.todo() == doNothing {
		log.Info("ignored: not an event ps-action acts on")
		answer(w, http.StatusOK, "ignored: not an event ps-action acts on")
		return
	}
	if !b.seen.first(delivery) {
		log.Info("duplicate delivery dropped")
		answer(w, http.StatusOK, "duplicate delivery: already accepted")
		return
	}
	if !b.queues.add(j) {
		b.seen.forget(delivery)
		b.refuse(w, r, http.StatusServiceUnavailable, "shutting down")
		return
	}
	log.Info("accepted", "todo", j.ev.todo())
	answer(w, http.StatusAccepted, "accepted")
}

// verifiedBody reads a delivery's body and checks its signature, bounding
// what an unsigned flood can take: no body is read without a well-formed
// signature header or over maxBody, and the bodies being read hold at most
// b.unverified's memory, as their bytes arrive (README, "Limits and
// faults"). It returns the body, or the status and reason to refuse it.
func (b *bot) verifiedBody(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	want, msg := signatureHeader(r.Header)
	if msg != "" {
		return nil, http.StatusUnauthorized, msg
	}
	tooBig := "the body is over the limit of " + strconv.FormatInt(b.maxBody, 10) + " bytes (--max-body)"
	if r.ContentLength > b.maxBody {
		return nil, http.StatusRequestEntityTooLarge, tooBig
	}
	body, held, err := readBudgeted(r.Context(), http.MaxBytesReader(w, r.Body, b.maxBody), b.maxBody, b.unverified, unverifiedWait)
	defer b.unverified.give(held)
	var over *http.MaxBytesError
	switch {
	case errors.As(err, &over):
		return nil, http.StatusRequestEntityTooLarge, tooBig
	case errors.Is(err, errNoBudget):
		return nil, http.StatusServiceUnavailable, "too many unverified bytes being read at once (--max-unverified times --max-body); try again"
	case r.Context().Err() != nil:
		return nil, http.StatusServiceUnavailable, "the client went away"
	case err != nil:
		return nil, http.StatusBadRequest, "read the body: " + err.Error()
	}
	mac := hmac.New(sha256.New, b.secret)
	mac.Write(body)
	if !hmac.Equal(want, mac.Sum(nil)) {
		return nil, http.StatusUnauthorized, "X-Hub-Signature-256 does not match the body and the webhook secret"
	}
	return body, 0, ""
}

// parseDelivery reads what the work needs from a verified delivery.
func parseDelivery(delivery, name string, body []byte) (job, error) {
	var meta struct {
		Installation struct {
			ID int64 `json:"id"`
		} `json:"installation"`
		Repository struct {
			FullName string `json:"full_name"`
			HTMLURL  string `json:"html_url"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(body, &meta); err != nil {
		return job{}, errors.New("the body is not a JSON event payload: " + err.Error())
	}
	ev, err := parseEvent(name, body, "")
	if err != nil {
		return job{}, err
	}
	j := job{delivery: delivery, repo: meta.Repository.FullName, web: webAddress(meta.Repository.HTMLURL), installation: meta.Installation.ID, ev: ev}
	if ev.todo() != doNothing && (j.repo == "" || j.installation == 0) {
		return job{}, errors.New("the payload has no repository.full_name or installation.id; deliveries must come from the GitHub App's webhook")
	}
	return j, nil
}

// signatureHeader reads X-Hub-Signature-256, GitHub's HMAC-SHA256 of the
// body with the webhook secret; it returns the MAC, or why a delivery is
// refused. The SHA-1 X-Hub-Signature is never accepted on its own.
func signatureHeader(h http.Header) ([]byte, string) {
	sig := h.Get("X-Hub-Signature-256")
	if sig == "" {
		if h.Get("X-Hub-Signature") != "" {
			return nil, "only X-Hub-Signature-256 is accepted; the SHA-1 X-Hub-Signature is refused"
		}
		return nil, "X-Hub-Signature-256 is missing; set a webhook secret on the GitHub App"
	}
	got, err := hex.DecodeString(strings.TrimPrefix(sig, "sha256="))
	if !strings.HasPrefix(sig, "sha256=") || err != nil || len(got) != sha256.Size {
		return nil, "X-Hub-Signature-256 is not sha256=HEX"
	}
	return got, ""
}

func (b *bot) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	b.log.Warn("delivery refused", "status", status, "reason", msg, "delivery", r.Header.Get("X-GitHub-Delivery"), "remote", r.RemoteAddr)
	answer(w, status, msg)
}

func answer(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}
