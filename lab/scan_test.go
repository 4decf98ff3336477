package lab_test

import (
	"context"
	"slices"
	"strings"
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
			if tc.endpoint == "ok" && (!slices.Contains(s.SigAlgs, wire.SigECDSAP256) || slices.Contains(s.SigAlgs, wire.SigRSAPSSSHA256)) {
				t.Errorf("an ECDSA P-256 server signs with %v", s.SigAlgs)
			}
			if tc.endpoint == "cipher-mismatch" && len(s.SigAlgs) != 0 {
				t.Errorf("a static-RSA-only server signs nothing, got %v", s.SigAlgs)
			}
			if s.Connections == 0 || s.Connections > 200 {
				t.Errorf("%d connections", s.Connections)
			}
		})
	}
}

// A TLS 1.2 server with an RSA key signs only with RSA schemes.
func TestScanSigAlgsTLS12RSA(t *testing.T) {
	l := startLab(t)
	e := l.Endpoint("ok-rsa")
	s := probe.Scan(context.Background(), e.Addrs[0], e.Host, &probe.Options{Timeout: 3 * time.Second})
	if len(s.SigAlgs) == 0 {
		t.Fatal("no signature scheme found")
	}
	for _, a := range s.SigAlgs {
		if n := wire.SignatureName(a); !strings.HasPrefix(n, "rsa_") {
			t.Errorf("an RSA server cannot sign with %s", n)
		}
	}
}
