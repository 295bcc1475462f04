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
	// group is the merge group of a merge_group event.
	group mergeGroup
	// head and headRepo are the head branch and its repository (owner/name,
	// "" when the fork is gone) of a pull request event's pull request:
	// neither changes in a pull request's life.
	head, headRepo string
	// before is the commit a push moved the branch from (all zeros when it
	// created the branch).
	before string
	// retargeted says an edited pull request's base branch changed.
	retargeted bool
}

// stateChange is the state a pull request event moved its pull request
// out of in its base ("open" for a close, "closed" for a reopen, "" for an
// opening or a retargeting into the base), and whether the event moved it
// at all: only such events change what the other threads wait on (README,
// "API cost").
func (e event) stateChange() (was string, changed bool) {
	switch {
	case e.action == "closed":
		return "open", true
	case e.action == "reopened":
		return "closed", true
	case e.action == "opened", e.action == "edited" && e.retargeted:
		return "", true
	}
	return "", false
}

// mergeGroup is a merge queue's group of pull requests, tested as one
// commit before it lands.
type mergeGroup struct {
	HeadSHA string `json:"head_sha"` // the commit to report statuses on
	HeadRef string `json:"head_ref"` // refs/heads/gh-readonly-queue/BASE/pr-N-SHA
	BaseSHA string `json:"base_sha"` // the group's parent commit
	BaseRef string `json:"base_ref"` // refs/heads/BASE
}

// What the engine does for an event.
const (
	doGatePR     = "gate-pr"    // gate one pull request
	doReevaluate = "reevaluate" // re-evaluate every open pull request of a base gated before or of a thread
	doGateGroup  = "gate-group" // gate a merge queue's group
	doNothing    = "nothing"
)

// todo says what the event asks of the engine.
func (e event) todo() string {
	switch {
	case e.pr != 0 && e.action == "closed":
		return doReevaluate
	case e.pr != 0:
		return doGatePR
	case e.name == "merge_group" && e.action == "checks_requested":
		return doGateGroup
	case e.base != "" && (e.name == "push" || e.name == "workflow_dispatch" || e.name == "schedule" || e.name == reconcileEvent):
		return doReevaluate
	}
	return doNothing
}

// parseEvent reads the payload of event name. refName is GITHUB_REF_NAME,
// the branch of a dispatch or schedule (whose payloads may not say it).
func parseEvent(name string, payload []byte, refName string) (event, error) {
	e := event{name: name}
	var p struct {
		Number     int         `json:"number"`
		Action     string      `json:"action"`
		Ref        string      `json:"ref"`
		Before     string      `json:"before"`
		MergeGroup *mergeGroup `json:"merge_group"`
		Changes    struct {
			Base *struct{} `json:"base"`
		} `json:"changes"`
		PullRequest *struct {
			Number int `json:"number"`
			Base   struct {
				Ref string `json:"ref"`
			} `json:"base"`
			Head struct {
				Ref  string `json:"ref"`
				Repo *struct {
					FullName string `json:"full_name"`
				} `json:"repo"`
			} `json:"head"`
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
		e.head, e.retargeted = p.PullRequest.Head.Ref, p.Changes.Base != nil
		if r := p.PullRequest.Head.Repo; r != nil {
			e.headRepo = r.FullName
		}
	case "merge_group":
		if p.MergeGroup == nil || p.MergeGroup.HeadSHA == "" {
			return e, fmt.Errorf("the merge_group event payload has no merge_group.head_sha")
		}
		e.action, e.group = p.Action, *p.MergeGroup
		e.base = strings.TrimPrefix(p.MergeGroup.BaseRef, "refs/heads/")
	case "push":
		if branch, ok := strings.CutPrefix(p.Ref, "refs/heads/"); ok {
			e.base, e.before = branch, p.Before
		}
	case "workflow_dispatch", "schedule":
		e.base = refName
		if branch, ok := strings.CutPrefix(p.Ref, "refs/heads/"); ok {
			e.base = branch
		}
	}
	return e, nil
}
