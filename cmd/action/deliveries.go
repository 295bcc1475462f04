package main

import "sync"

// deliveries remembers the most recent delivery ids that were accepted,
// to drop a delivery that comes twice. Only a delivery whose job is
// running, waiting or done is a duplicate: one whose job failed is
// forgotten, so that GitHub's "Redeliver" runs it again.
type deliveries struct {
	mu   sync.Mutex
	seen map[string]int // id → its slot in ring
	ring []string
	next int
}

func newDeliveries(size int) *deliveries {
	return &deliveries{seen: map[string]int{}, ring: make([]string, size)}
}

// first reports whether id is new, and remembers it, forgetting the
// oldest id once full.
func (d *deliveries) first(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[id]; ok {
		return false
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.seen, old)
	}
	d.ring[d.next] = id
	d.seen[id] = d.next
	d.next = (d.next + 1) % len(d.ring)
	return true
}

// forget makes ids new again: their work failed or was never queued.
func (d *deliveries) forget(ids ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range ids {
		if slot, ok := d.seen[id]; ok {
			delete(d.seen, id)
			d.ring[slot] = ""
		}
	}
}
