package probe

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/wire"
)

// policy is what a hand-written server accepts: per version, its suites in
// its own order of preference.
type policy struct {
	suites      map[uint16][]uint16
	serverOrder map[uint16]bool // the server picks by its order, not the client's
	groups13    []uint16        // TLS 1.3 groups, in the server's order
	groups12    []uint16        // TLS 1.2 ECDHE curves, in the server's order
	sigalgs     []uint16        // schemes it can sign with
	name        string          // when set, a hello without this SNI is refused
	needShare   bool            // a TLS 1.3 hello without a key share is refused
	certCurve   uint16          // TLS 1.2: refused unless offered (an ECDSA certificate's curve)
	clientCurve bool            // TLS 1.2 curves are chosen in the client's order
}

// serve answers hellos on p as the policy says, after a HelloRetryRequest
// too.
func (pol *policy) serve(p *peer) {
	ch := p.hello
	for retried := false; ch != nil; retried = true {
		rec, again := pol.answer(ch, retried)
		p.write(rec)
		if !again {
			break
		}
		var err error
		if ch, _, err = p.readHello(); err != nil {
			return
		}
	}
	p.hold()
}

// answer is the server's reply to ch, and whether it is a
// HelloRetryRequest (another ClientHello to read).
func (pol *policy) answer(ch *wire.ClientHello, retried bool) ([]byte, bool) {
	if pol.name != "" && ch.ServerName != pol.name {
		return alertRecord(wire.AlertUnrecognizedName), false
	}
	v := uint16(0)
	if ch.SupportedVersions != nil {
		for _, o := range ch.SupportedVersions {
			if pol.suites[o] != nil && o > v {
				v = o
			}
		}
	} else {
		for s := range pol.suites {
			if s <= ch.Version && s < wire.VersionTLS13 && s > v {
				v = s
			}
		}
	}
	if v == 0 {
		return alertRecord(wire.AlertProtocolVersion), false
	}
	suite := pickFirst(pol.suites[v], ch.CipherSuites, pol.serverOrder[v])
	sig := pickFirst(pol.sigalgs, ch.SignatureAlgorithms, false)
	if suite == 0 || sig == 0 {
		return alertRecord(wire.AlertHandshakeFailure), false
	}
	if v == wire.VersionTLS13 {
		if pol.needShare && len(ch.KeyShares) == 0 {
			return alertRecord(wire.AlertIllegalParameter), false
		}
		for _, ks := range ch.KeyShares {
			if slices.Contains(pol.groups13, ks.Group) {
				return hello13(ch, suite, ks.Group), false
			}
		}
		if g := pickFirst(pol.groups13, ch.SupportedGroups, false); g != 0 && !retried {
			return retryRequestFor(ch, suite, g, nil), true
		}
		return alertRecord(wire.AlertHandshakeFailure), false
	}
	curve := pickFirst(pol.groups12, ch.SupportedGroups, !pol.clientCurve)
	if pol.certCurve != 0 && !slices.Contains(ch.SupportedGroups, pol.certCurve) {
		curve = 0
	}
	if curve == 0 {
		return alertRecord(wire.AlertHandshakeFailure), false
	}
	return hello12(ch, v, suite, curve, sig), false
}

// pickFirst is the first of the client's offer that the server has, in the
// server's order or the client's.
func pickFirst(server, client []uint16, serverOrder bool) uint16 {
	a, b := client, server
	if serverOrder {
		a, b = server, client
	}
	for _, x := range a {
		if slices.Contains(b, x) {
			return x
		}
	}
	return 0
}

func TestScan(t *testing.T) {
	pol := &policy{
		suites: map[uint16][]uint16{
			wire.VersionTLS13: {0x1303, 0x1301},         // the client's order wins
			wire.VersionTLS12: {0xc030, 0xc02f, 0xc014}, // the server's order wins
			wire.VersionTLS10: {0xc013},
		},
		serverOrder: map[uint16]bool{wire.VersionTLS12: true},
		groups13:    []uint16{wire.GroupP256, wire.GroupX25519, wire.GroupFFDHE2048},
		groups12:    []uint16{wire.GroupP384, wire.GroupP256},
		sigalgs:     []uint16{wire.SigEd25519, wire.SigECDSAP256},
		name:        testName,
	}
	srv := startServer(t, pol.serve)
	opts := testOptions(testProfile(true), srv.addr())
	sc := Scan(context.Background(), srv.addr(), testName, &opts)

	type vs struct {
		accepted    bool
		suites      []uint16
		serverOrder bool
	}
	want := map[uint16]vs{
		wire.VersionTLS13: {true, []uint16{0x1301, 0x1303}, false},
		wire.VersionTLS12: {true, []uint16{0xc030, 0xc02f, 0xc014}, true},
		wire.VersionTLS11: {false, nil, false}, // answered at TLS 1.0: a downgrade is no acceptance
		wire.VersionTLS10: {true, []uint16{0xc013}, false},
		wire.VersionSSL30: {false, nil, false},
	}
	if len(sc.Versions) != len(want) {
		t.Fatalf("%d versions", len(sc.Versions))
	}
	for _, got := range sc.Versions {
		w := want[got.Version]
		if got.Accepted != w.accepted || !slices.Equal(got.Suites, w.suites) || got.ServerOrder != w.serverOrder {
			t.Errorf("%s: got %+v, want %+v", wire.VersionName(got.Version), got, w)
		}
	}
	// TLS 1.3 groups from the HelloRetryRequests the share-less hellos get,
	// a group no share can be made for among them; in the order chosen
	// (this server follows the client's).
	if want := []uint16{wire.GroupX25519, wire.GroupP256, wire.GroupFFDHE2048}; !slices.Equal(sc.Groups13, want) {
		t.Errorf("TLS 1.3 groups %v, want %v", sc.Groups13, want)
	}
	// In the server's order: it chooses by its own preference.
	if want := []uint16{wire.GroupP384, wire.GroupP256}; !slices.Equal(sc.Groups12, want) {
		t.Errorf("TLS 1.2 curves %v, want %v", sc.Groups12, want)
	}
	if want := []uint16{wire.SigECDSAP256, wire.SigEd25519}; !slices.Equal(sc.SigAlgs, want) {
		t.Errorf("signature schemes %v, want %v", sc.SigAlgs, want)
	}
	if sc.NoSNI == nil || sc.NoSNI.Outcome != "alert" || sc.NoSNI.Alert.Description != wire.AlertUnrecognizedName || sc.NoSNI.Offer.SNI != "" {
		t.Errorf("no SNI: %+v", sc.NoSNI)
	}
	if sc.UnknownSNI == nil || sc.UnknownSNI.Outcome != "alert" || !strings.HasSuffix(sc.UnknownSNI.Offer.SNI, ".invalid") {
		t.Errorf("unknown SNI: %+v", sc.UnknownSNI)
	}
	if sc.Stopped != "" || sc.Connections != srv.conns() {
		t.Errorf("stopped %q, %d connections counted, server saw %d", sc.Stopped, sc.Connections, srv.conns())
	}
}

// A server that answers TLS 1.2 with the first suite it is offered: the
// reversed offer shows the client's order wins.
func TestScanClientOrder12(t *testing.T) {
	pol := &policy{
		suites:   map[uint16][]uint16{wire.VersionTLS12: {0xc02f, 0xc030}},
		groups12: []uint16{wire.GroupX25519},
		sigalgs:  []uint16{wire.SigRSAPSSSHA256},
	}
	srv := startServer(t, pol.serve)
	opts := testOptions(testProfile(true), srv.addr())
	sc := Scan(context.Background(), srv.addr(), "", &opts)
	v12 := sc.Versions[1]
	if !v12.Accepted || !slices.Equal(v12.Suites, []uint16{0xc02f, 0xc030}) || v12.ServerOrder {
		t.Fatalf("%+v", v12)
	}
	if sc.Versions[0].Accepted || sc.Groups13 != nil || !slices.Equal(sc.Groups12, []uint16{wire.GroupX25519}) || !slices.Equal(sc.SigAlgs, []uint16{wire.SigRSAPSSSHA256}) {
		t.Fatalf("%+v", sc)
	}
	if !sc.NoSNI.Accepted() || !sc.UnknownSNI.Accepted() {
		t.Fatalf("a server without names answers any: %+v %+v", sc.NoSNI, sc.UnknownSNI)
	}
}

// A server that picks a suite it was not offered is broken: the scan stops
// asking about that version rather than loop.
func TestScanUnofferedSuite(t *testing.T) {
	srv := startServer(t, func(p *peer) {
		if p.hello != nil && p.hello.SupportedVersions == nil && p.hello.Version == wire.VersionTLS12 {
			p.write(hello12(p.hello, wire.VersionTLS12, 0xc02f, wire.GroupP256, wire.SigRSAPSSSHA256))
		} else {
			p.write(alertRecord(wire.AlertHandshakeFailure))
		}
		p.hold()
	})
	opts := testOptions(testProfile(true), srv.addr())
	sc := Scan(context.Background(), srv.addr(), "", &opts)
	if v := sc.Versions[1]; !v.Accepted || !slices.Equal(v.Suites, []uint16{0xc02f}) {
		t.Fatalf("%+v", v)
	}
}

// A server that never answers: the scan stops after the first time-outs
// instead of waiting on every question.
func TestScanSilentServer(t *testing.T) {
	tests := []struct {
		name  string
		conns int // Options.ScanConns
	}{
		{"one-at-a-time", 1},
		{"two-at-a-time", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, func(p *peer) { p.hold() })
			opts := testOptions(testProfile(true), srv.addr())
			opts.Timeout, opts.ScanConns = 300*time.Millisecond, tt.conns
			sc := Scan(context.Background(), srv.addr(), testName, &opts)
			if !strings.Contains(sc.Stopped, "sent nothing back") {
				t.Fatalf("stopped %q", sc.Stopped)
			}
			// No more questions than could be in flight when the first
			// time-out came.
			if sc.Connections < 1 || sc.Connections > tt.conns {
				t.Fatalf("%d connections, want 1 to %d", sc.Connections, tt.conns)
			}
			if n := srv.connsAfter(sc.Connections); n > tt.conns {
				t.Fatalf("server saw %d connections", n)
			}
			for _, v := range sc.Versions {
				if v.Accepted {
					t.Fatalf("%+v", v)
				}
			}
			if sc.Groups13 != nil || sc.Groups12 != nil || sc.SigAlgs != nil {
				t.Fatalf("%+v", sc)
			}
		})
	}
}

// The check's deadline, already past: nothing is asked.
func TestScanDeadlinePassed(t *testing.T) {
	srv := startServer(t, func(p *peer) { p.hold() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	opts := testOptions(testProfile(true), srv.addr())
	sc := Scan(ctx, srv.addr(), testName, &opts)
	if !strings.Contains(sc.Stopped, "deadline") || sc.Connections != 0 || sc.NoSNI.Outcome != "skipped" {
		t.Fatalf("%+v", sc)
	}
}

// A port nothing listens on: every question fails to dial, fast.
func TestScanRefused(t *testing.T) {
	addr := closedPort(t)
	opts := testOptions(testProfile(true), addr)
	sc := Scan(context.Background(), addr, testName, &opts)
	if sc.NoSNI.Outcome != "dial_failed" || sc.NoSNI.Err.Kind != KindRefused || sc.Versions[0].Accepted || sc.Stopped != "" {
		t.Fatalf("%+v %+v", sc, sc.NoSNI)
	}
}

// A server that refuses TLS 1.3 hellos without a key share (as a few do)
// is still seen to speak TLS 1.3, with its suites and the groups a share
// can be sent for.
func TestScanServerWantsAKeyShare(t *testing.T) {
	pol := &policy{
		suites:    map[uint16][]uint16{wire.VersionTLS13: {0x1301, 0x1302}},
		groups13:  []uint16{wire.GroupP256, wire.GroupX25519, wire.GroupFFDHE2048},
		sigalgs:   []uint16{wire.SigECDSAP256},
		needShare: true,
	}
	srv := startServer(t, pol.serve)
	opts := testOptions(testProfile(true), srv.addr())
	sc := Scan(context.Background(), srv.addr(), testName, &opts)
	if got := sc.Versions[0]; !got.Accepted || !slices.Equal(got.Suites, []uint16{0x1301, 0x1302}) {
		t.Errorf("TLS 1.3: %+v", got)
	}
	if want := []uint16{wire.GroupX25519, wire.GroupP256}; !slices.Equal(sc.Groups13, want) {
		t.Errorf("TLS 1.3 groups %v, want %v", sc.Groups13, want)
	}
	if sc.Connections != srv.conns() {
		t.Errorf("%d connections counted, server saw %d", sc.Connections, srv.conns())
	}
}

// Every scheme the scan asks about is in exactly one family, and a family
// holds one kind of key.
func TestSigFamilies(t *testing.T) {
	fams := sigFamilies(allSigAlgs)
	var all []uint16
	for _, f := range fams {
		all = append(all, f...)
	}
	slices.Sort(all)
	want := slices.Sorted(slices.Values(allSigAlgs))
	if !slices.Equal(all, want) {
		t.Errorf("families %v do not partition %v", fams, allSigAlgs)
	}
	if len(fams) != 5 {
		t.Errorf("%d families, want 5 (ECDSA, RSA-PSS, PKCS#1, EdDSA, RSA-PSS-PSS): %v", len(fams), fams)
	}
	if got := sigFamilies([]uint16{0xfe01, wire.SigEd25519, 0xfe02}); len(got) != 3 {
		t.Errorf("unknown schemes are families of their own: %v", got)
	}
}

// A TLS 1.2 server with an ECDSA certificate refuses a client that does not
// offer the certificate's curve (OpenSSL, RFC 8422 5.1): the curves after
// it are still found, offered with the curves found so far last.
func TestScanCurvesBehindTheCertificateCurve(t *testing.T) {
	for _, tc := range []struct {
		name        string
		clientOrder bool
		want        []uint16
	}{
		// The client's order decides: every curve the server has is usable.
		{"client-order", true, []uint16{wire.GroupX25519, wire.GroupP256, wire.GroupP384, wire.GroupP521}},
		// The server prefers P-256 to X25519: a client offering X25519 must
		// offer P-256 too and gets P-256, so X25519 is of no use; P-384,
		// preferred to P-256, is found.
		{"server-order", false, []uint16{wire.GroupP384, wire.GroupP256}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			groups := []uint16{wire.GroupP384, wire.GroupP256, wire.GroupX25519}
			if tc.clientOrder {
				groups = []uint16{wire.GroupX25519, wire.GroupP256, wire.GroupP384, wire.GroupP521}
			}
			pol := &policy{
				suites:      map[uint16][]uint16{wire.VersionTLS12: {0xc02b}},
				groups12:    groups,
				sigalgs:     []uint16{wire.SigECDSAP256},
				certCurve:   wire.GroupP256,
				clientCurve: tc.clientOrder,
			}
			srv := startServer(t, pol.serve)
			opts := testOptions(testProfile(true), srv.addr())
			sc := Scan(context.Background(), srv.addr(), testName, &opts)
			if !slices.Equal(sc.Groups12, tc.want) {
				t.Errorf("TLS 1.2 curves %v, want %v", sc.Groups12, tc.want)
			}
		})
	}
}
