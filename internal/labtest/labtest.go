// Package labtest holds what the server's tests share: one lab per test
// binary (it mints a PKI and starts 37 servers, too much to repeat per
// test) and a loopback listener that counts the connections reaching it,
// to prove that a refused address was never dialled.
package labtest

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/lab"
)

var (
	once sync.Once
	l    *lab.Lab
	err  error
)

// Lab returns the test binary's lab, starting it on first use.
func Lab(t testing.TB) *lab.Lab {
	t.Helper()
	once.Do(func() { l, err = lab.Start(context.Background()) })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Counter listens on addr (a loopback host:port; port 0 picks one), closes
// every connection at once, and counts them. The test skips when addr
// cannot be bound (127.0.0.2 on a system without the whole 127/8).
func Counter(t testing.TB, addr string) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	return ln.Addr().String(), &n
}
