package main

import "sync"

// deliveries remembers the most recent delivery ids, to drop a delivery
// that comes twice.
type deliveries struct {
	mu   sync.Mutex
	seen map[string]bool
	ring []string
	next int
}

func newDeliveries(size int) *deliveries {
	return &deliveries{seen: map[string]bool{}, ring: make([]string, size)}
}

// first reports whether id is new, and remembers it, forgetting the
// oldest id once full.
func (d *deliveries) first(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[id] {
		return false
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.seen, old)
	}
	d.ring[d.next] = id
	d.next = (d.next + 1) % len(d.ring)
	d.seen[id] = true
	return true
}
