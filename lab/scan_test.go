package lab_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// A scan of the healthy lab server (Go crypto/tls, ECDSA certificate, TLS
// 1.2 minimum) finds exactly what Go's server offers.
func TestScanLabServer(t *testing.T) {
	l := startLab(t)
	opts := &probe.Options{Timeout: 3 * time.Second}
	for _, tc := range []struct {
		endpoint string
		v13      int      // TLS 1.3 suites
		v12      []uint16 // TLS 1.2 suites (any order)
		v10      bool
		group    uint16 // a TLS 1.3 group that must be found
		noGroup  uint16 // and one that must not
	}{
		{"ok", 3, []uint16{0xc02b, 0xc02c, 0xcca9, 0xc009, 0xc00a}, false, wire.GroupX25519, wire.GroupFFDHE2048},
		{"group-mismatch", 3, nil, false, wire.GroupP521, wire.GroupX25519},
		{"tls10-only", 0, nil, true, 0, 0},
		{"cipher-mismatch", 0, []uint16{0x000a}, false, 0, 0},
	} {
		t.Run(tc.endpoint, func(t *testing.T) {
			e := l.Endpoint(tc.endpoint)
			s := probe.Scan(context.Background(), e.Addrs[0], e.Host, opts)
			if got := len(s.Versions[0].Suites); got != tc.v13 {
				t.Errorf("TLS 1.3 suites %d, want %d", got, tc.v13)
			}
			if tc.v12 != nil {
				got := slices.Clone(s.Versions[1].Suites)
				slices.Sort(got)
				want := slices.Clone(tc.v12)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("TLS 1.2 suites %x, want %x", got, want)
				}
			}
			if s.Versions[3].Accepted != tc.v10 {
				t.Errorf("TLS 1.0 accepted %v, want %v", s.Versions[3].Accepted, tc.v10)
			}
			if tc.group != 0 && !slices.Contains(s.Groups13, tc.group) {
				t.Errorf("group %s not found in %v", wire.GroupName(tc.group), s.Groups13)
			}
			if tc.noGroup != 0 && slices.Contains(s.Groups13, tc.noGroup) {
				t.Errorf("group %s found", wire.GroupName(tc.noGroup))
			}
			if s.Connections == 0 || s.Connections > 200 {
				t.Errorf("%d connections", s.Connections)
			}
		})
	}
}
