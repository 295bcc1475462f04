package plan

import (
	"strings"
)

// PortBase is what a thread's {port} adds its id to: thread N gets
// PortBase+N, unprivileged, distinct per thread and stable across runs.
const PortBase = 20000

// maxPort is the highest TCP port.
const maxPort = 65535

// Port is the thread's {port} value (see PortBase).
func (t *Thread) Port() int { return PortBase + t.ID }

// commands decodes setup or teardown: an array of non-empty shell command
// strings.
func (d *decoder) commands(v *value, key string) []string {
	if !d.want(v, kindArray, key) {
		return nil
	}
	var out []string
	for _, it := range v.items {
		if it.kind != kindString {
			d.fs.add(it.pos, "type", "%s must be an array of strings; got %s", key, describe(it))
			continue
		}
		if strings.TrimSpace(it.str) == "" {
			d.fs.add(it.pos, key, "%s command is empty; remove it or write the shell command", key)
			continue
		}
		out = append(out, it.str)
	}
	return out
}

// checkPorts reports threads whose {port} is not a TCP port, when an env
// template uses {port}. Thread ids are distinct (rule id), so ports are.
func (d *decoder) checkPorts(p *Plan) {
	uses := false
	for _, e := range p.Env {
		if strings.Contains(e.Template, "{port}") {
			uses = true
		}
	}
	if !uses {
		return
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if t.ID > 0 && t.Port() > maxPort {
			d.fs.add(t.IDPos, "port", "%s: {port} would be %d, above %d; use a thread id of at most %d", t.Label(), t.Port(), maxPort, maxPort-PortBase)
		}
	}
}
