package memo

import (
	"crypto/x509"
	"testing"
)

func TestMapBoundedAndComputedOnce(t *testing.T) {
	m := New[int, int](3)
	calls := 0
	f := func(v int) func() int { return func() int { calls++; return v } }
	if m.Do(1, f(10)) != 10 || m.Do(1, f(99)) != 10 || calls != 1 {
		t.Fatalf("the second Do computed again or changed the value (calls %d)", calls)
	}
	m.Put(2, 20)
	m.Put(3, 30)
	m.Put(4, 40) // full: cleared, then 4 alone
	if len(m.m) != 1 || m.Do(1, f(11)) != 11 {
		t.Errorf("a full map is not cleared: %v", m.m)
	}
}

func TestCertsKey(t *testing.T) {
	a, b := &x509.Certificate{Raw: []byte("ab")}, &x509.Certificate{Raw: []byte("c")}
	ab, c := &x509.Certificate{Raw: []byte("abc")}, &x509.Certificate{Raw: nil}
	keys := map[[32]byte]string{}
	for name, lists := range map[string][][]*x509.Certificate{
		"[a b]":    {{a, b}},
		"[ab]":     {{ab}},
		"[a] [b]":  {{a}, {b}},
		"[a b] []": {{a, b}, {}},
		"[] [a b]": {{}, {a, b}},
		"[a b c]":  {{a, b, c}},
	} {
		k := Certs(lists...)
		if other, dup := keys[k]; dup {
			t.Errorf("%s and %s share a key", name, other)
		}
		keys[k] = name
	}
	if Certs([]*x509.Certificate{a, b}) != Certs([]*x509.Certificate{{Raw: []byte("ab")}, {Raw: []byte("c")}}) {
		t.Error("equal bytes, different keys")
	}
}
