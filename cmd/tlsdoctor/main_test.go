package main

import "testing"

// The embedded Mozilla roots parse: the fallback trust store is usable.
func TestMozillaRoots(t *testing.T) {
	p, certs := mozillaRoots()
	if p == nil || len(certs) < 100 {
		t.Fatalf("%d roots", len(certs))
	}
}
