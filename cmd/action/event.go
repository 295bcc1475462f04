package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// event is what ps-action needs of the event that started it.
type event struct {
	name string
	// pr is the pull request number of a pull_request(_target) event.
	pr int
	// action is the pull request event's action (opened, closed, ...).
	action string
	// base is the pull request's base branch, or the branch a push,
	// dispatch or schedule ran on.
	base string
}

// What the engine does for an event.
const (
	doGatePR     = "gate-pr"    // gate one pull request
	doReevaluate = "reevaluate" // re-evaluate every open thread pull request of a base
	doNothing    = "nothing"
)

// todo says what the event asks of the engine.
func (e event) todo() string {
	switch {
	case e.pr != 0 && e.action == "closed":
		return doReevaluate
	case e.pr != 0:
		return doGatePR
	case e.base != "" && (e.name == "push" || e.name == "workflow_dispatch" || e.name == "schedule"):
		return doReevaluate
	}
	return doNothing
}

// parseEvent reads the payload of event name. refName is GITHUB_REF_NAME,
// the branch of a dispatch or schedule (whose payloads may not say it).
func parseEvent(name string, payload []byte, refName string) (event, error) {
	e := event{name: name}
	var p struct {
		Number      int    `json:"number"`
		Action      string `json:"action"`
		Ref         string `json:"ref"`
		PullRequest *struct {
			Number int `json:"number"`
			Base   struct {
				Ref string `json:"ref"`
			} `json:"base"`
		} `json:"pull_request"`
	}
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &p); err != nil {
			return e, fmt.Errorf("read the %s event payload: %w", name, err)
		}
	}
	switch name {
	case "pull_request", "pull_request_target":
		if p.PullRequest == nil || p.PullRequest.Number == 0 {
			return e, fmt.Errorf("the %s event payload has no pull_request.number", name)
		}
		e.pr, e.action, e.base = p.PullRequest.Number, p.Action, p.PullRequest.Base.Ref
	case "push":
		if branch, ok := strings.CutPrefix(p.Ref, "refs/heads/"); ok {
			e.base = branch
		}
	case "workflow_dispatch", "schedule":
		e.base = refName
		if branch, ok := strings.CutPrefix(p.Ref, "refs/heads/"); ok {
			e.base = branch
		}
	}
	return e, nil
}
