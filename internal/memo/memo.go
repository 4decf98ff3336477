// Package memo remembers answers that are costly to compute and asked for
// again: signature checks, chain verifications and catalog matches, which
// a scan of many servers sharing a CA, or one server judged for many
// clients, repeats.
package memo

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"sync"
)

// Map is a bounded map from a key to a value computed once. When full it
// is cleared, so its memory is bounded and nothing old lingers. Safe for
// concurrent use; the zero value is not usable (see New).
type Map[K comparable, V any] struct {
	mu   sync.Mutex
	m    map[K]V
	size int
}

// New returns a Map that holds at most size entries.
func New[K comparable, V any](size int) *Map[K, V] {
	return &Map[K, V]{size: max(size, 1)}
}

// Do returns the value remembered for k, or computes it (outside the
// lock: two callers may compute the same value at once) and remembers it.
func (m *Map[K, V]) Do(k K, compute func() V) V {
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	m.Put(k, v)
	return v
}

// Put remembers v for k.
func (m *Map[K, V]) Put(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= m.size {
		m.m = make(map[K]V, m.size)
	}
	m.m[k] = v
}

// Certs is a key for lists of certificates: the SHA-256 of their DER, each
// prefixed by its length and each list ended, so that no two different
// sequences of lists share it.
func Certs(lists ...[]*x509.Certificate) [32]byte {
	h := sha256.New()
	for _, list := range lists {
		for _, c := range list {
			var n [8]byte
			binary.BigEndian.PutUint64(n[:], uint64(len(c.Raw)))
			h.Write(n[:])
			h.Write(c.Raw)
		}
		h.Write([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) // no length prefix starts so
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}
