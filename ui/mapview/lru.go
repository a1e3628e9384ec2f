package mapview

import "container/list"

// lru is a least-recently-used cache bounded by the bytes of its values.
// It is not safe for concurrent use: its owner guards it.
type lru[K comparable, V any] struct {
	budget, used int
	ll           *list.List
	items        map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key   K
	val   V
	bytes int
}

func newLRU[K comparable, V any](budget int) *lru[K, V] {
	return &lru[K, V]{budget: budget, ll: list.New(), items: map[K]*list.Element{}}
}

// get returns the value of k and marks it recently used.
func (c *lru[K, V]) get(k K) (V, bool) {
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// has reports whether k is cached, without marking it used.
func (c *lru[K, V]) has(k K) bool {
	_, ok := c.items[k]
	return ok
}

// put stores v of size bytes under k and evicts the least recently used
// values beyond the budget.
func (c *lru[K, V]) put(k K, v V, bytes int) {
	if e, ok := c.items[k]; ok {
		en := e.Value.(*lruEntry[K, V])
		c.used += bytes - en.bytes
		en.val, en.bytes = v, bytes
		c.ll.MoveToFront(e)
	} else {
		c.items[k] = c.ll.PushFront(&lruEntry[K, V]{k, v, bytes})
		c.used += bytes
	}
	for c.used > c.budget && c.ll.Len() > 1 {
		e := c.ll.Back()
		en := e.Value.(*lruEntry[K, V])
		c.ll.Remove(e)
		delete(c.items, en.key)
		c.used -= en.bytes
	}
}

func (c *lru[K, V]) len() int { return c.ll.Len() }
