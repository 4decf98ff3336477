package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/signature"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// goServer answers every connection as a crypto/tls server with one HTTP
// response, recording the Host and path of each request.
type goServer struct {
	*testServer
	mu    sync.Mutex
	hosts []string // "Host request-URI" of each request
}

func startGoServer(t *testing.T, cfg *tls.Config, skip func(p *peer) bool) *goServer {
	g := &goServer{}
	if cfg == nil {
		cfg = &tls.Config{Certificates: []tls.Certificate{testCert()}, NextProtos: []string{"http/1.1"}}
	}
	g.testServer = startServer(t, func(p *peer) {
		if skip != nil && skip(p) {
			return
		}
		tc := p.serveTLS(cfg)
		if tc == nil {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(tc))
		if err != nil {
			return
		}
		g.mu.Lock()
		g.hosts = append(g.hosts, req.Host+" "+req.RequestURI)
		g.mu.Unlock()
		fmt.Fprint(tc, "HTTP/1.1 200 OK\r\nServer: loop/1\r\nContent-Length: 2\r\n\r\nok")
		tc.Close()
	})
	return g
}

// handshakes returns the SNI of every crypto/tls ClientHello the server
// received (recorded on arrival, so complete once the client is done) and
// the requests it answered.
func (g *goServer) handshakes() (snis, hosts []string) {
	hellos, _ := g.seen()
	for _, h := range hellos {
		if fromCryptoTLS(h) {
			snis = append(snis, h.ServerName)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return snis, slices.Clone(g.hosts)
}

// A server that accepts the profile's hello: no follow-ups, the chain
// captured, one HTTP exchange, and the other SNI choice.
func TestRunAccepted(t *testing.T) {
	tests := []struct {
		name       string
		sendsSNI   bool
		noSNI      bool
		serverName string // Options.ServerName
		ipTarget   bool
		wantSNI    string // the profile hello's and the handshake's SNI
		wantAlt    string // the other choice; "-" when there is no AltHandshake
		wantHost   string // Host header, without the port
	}{
		{name: "sends-sni", sendsSNI: true, wantSNI: testName, wantAlt: "", wantHost: testName},
		{name: "sends-no-sni", sendsSNI: false, wantSNI: "", wantAlt: testName, wantHost: testName},
		{name: "no-sni-option", sendsSNI: true, noSNI: true, wantSNI: "", wantAlt: testName, wantHost: testName},
		{name: "server-name-option", sendsSNI: true, serverName: "other.tlsdoctor.test", wantSNI: "other.tlsdoctor.test", wantAlt: "", wantHost: "other.tlsdoctor.test"},
		{name: "ip-target", sendsSNI: true, ipTarget: true, wantSNI: "", wantAlt: "-", wantHost: "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startGoServer(t, nil, nil)
			tg := testTarget(t, srv.port(), "/health?x=1")
			if tt.ipTarget {
				var err error
				if tg, err = ParseTarget("https://" + srv.addr() + "/health?x=1"); err != nil {
					t.Fatal(err)
				}
			}
			opts := testOptions(testProfile(tt.sendsSNI), srv.addr())
			opts.NoSNI, opts.ServerName = tt.noSNI, tt.serverName
			var progress []string
			var pmu sync.Mutex
			opts.Progress = func(f string, a ...any) { pmu.Lock(); progress = append(progress, fmt.Sprintf(f, a...)); pmu.Unlock() }
			run, err := Run(context.Background(), tg, opts)
			if err != nil {
				t.Fatal(err)
			}
			if run.Profile != "test" || run.Tool != "probe test" || run.SchemaVersion != evidence.SchemaVersion || run.DeadlineExceeded || run.DNS != nil {
				t.Fatalf("run header %+v", run)
			}
			if run.Target.SNI != tt.wantSNI || !slices.Equal(run.Target.Connect, []string{srv.addr()}) {
				t.Fatalf("target %+v", run.Target)
			}
			if len(run.Addresses) != 1 || run.Addresses[0].Addr != srv.addr() || run.Addresses[0].Dial.Err != nil {
				t.Fatalf("addresses %+v", run.Addresses)
			}
			a := run.Addresses[0]
			h := a.Hello
			if h == nil || h.Name != "profile" || h.Outcome != "server_hello" || !h.Accepted() || h.ServerHello.NegotiatedVersion() != wire.VersionTLS13 || h.Offer.SNI != tt.wantSNI || len(h.ClientRandom) != 32 {
				t.Fatalf("hello %+v", h)
			}
			if a.Repeats != nil || a.Variants != nil || a.HandshakeRepeat != nil || a.Scan != nil {
				t.Fatalf("follow-ups after an accepted hello: %+v %+v", a.Repeats, a.Variants)
			}
			hs := a.Handshake
			if hs == nil || !hs.OK || hs.Err != nil || hs.SNI != tt.wantSNI || hs.Version != tls.VersionTLS13 || hs.ALPN != "http/1.1" ||
				len(hs.Certificates) != 1 || string(hs.Certificates[0]) != string(testCert().Certificate[0]) || hs.CertificateRequested {
				t.Fatalf("handshake %+v", hs)
			}
			if a.HTTP == nil || a.HTTP.Outcome != "response" || a.HTTP.StatusCode != 200 || a.HTTP.Server != "loop/1" || a.HTTP.Request != "GET /health?x=1 HTTP/1.1" {
				t.Fatalf("http %+v", a.HTTP)
			}
			snis, hosts := srv.handshakes()
			wantHost := tt.wantHost + ":" + strconv.Itoa(srv.port()) + " /health?x=1"
			if !slices.Equal(hosts, []string{wantHost}) {
				t.Fatalf("requests %q, want %q", hosts, wantHost)
			}
			if tt.wantAlt == "-" {
				if a.AltHandshake != nil || !slices.Equal(snis, []string{""}) {
					t.Fatalf("an IP target has no other SNI choice: %+v, server saw %q", a.AltHandshake, snis)
				}
			} else {
				if a.AltHandshake == nil || !a.AltHandshake.OK || a.AltHandshake.SNI != tt.wantAlt {
					t.Fatalf("alt handshake %+v", a.AltHandshake)
				}
				if !slices.Equal(snis, []string{tt.wantSNI, tt.wantAlt}) {
					t.Fatalf("server saw SNI %q, want %q then %q", snis, tt.wantSNI, tt.wantAlt)
				}
			}
			// The server saw the profile's hello first, as the profile offers it.
			hellos, _ := srv.seen()
			if len(hellos) == 0 || fromCryptoTLS(hellos[0]) || !slices.Equal(hellos[0].CipherSuites, opts.Profile.CipherSuites) || hellos[0].ServerName != tt.wantSNI {
				t.Fatalf("first hello %+v", hellos[0])
			}
			if len(progress) == 0 || !strings.Contains(progress[0], srv.addr()) {
				t.Fatalf("progress %q", progress)
			}
		})
	}
}

// refuser answers every hello the same way: alert, close or reset.
func refuser(how string, holdSecond bool) func(p *peer) {
	return func(p *peer) {
		if holdSecond && p.n == 2 {
			// Hold the first repeat's answer a moment: a third hello that
			// arrives meanwhile was sent alongside it, not after it.
			select {
			case <-p.srv.arrived(3):
			case <-time.After(300 * time.Millisecond):
			}
		}
		switch how {
		case "alert":
			p.write(alertRecord(wire.AlertHandshakeFailure))
			p.hold()
		case "close":
			p.close()
		case "reset":
			p.reset()
		}
	}
}

// A refused hello is repeated, alone first, then with one-change variants;
// each refused version-only variant is followed by the same version widened.
func TestRunRefused(t *testing.T) {
	tests := []struct {
		how     string
		outcome string
	}{
		{"alert", "alert"},
		{"close", "eof"},
		{"reset", "reset"},
	}
	wantVariants := []string{"all-groups", "all-suites", "all-sigalgs", "only-TLS 1.1", "only-TLS 1.0", "only-SSL 3.0", "only-TLS 1.1-all", "only-TLS 1.0-all", "only-SSL 3.0-all"}
	for _, tt := range tests {
		t.Run(tt.how, func(t *testing.T) {
			srv := startServer(t, refuser(tt.how, true))
			p := testProfile(true)
			run := mustRun(t, srv.port(), testOptions(p, srv.addr()))
			a := run.Addresses[0]
			if a.Hello.Outcome != tt.outcome || a.Hello.Accepted() {
				t.Fatalf("hello %+v", a.Hello)
			}
			if tt.how == "alert" && (a.Hello.Alert == nil || a.Hello.Alert.Description != wire.AlertHandshakeFailure) {
				t.Fatalf("alert %+v", a.Hello.Alert)
			}
			if tt.how != "alert" && (a.Hello.Err == nil || a.Hello.Err.Kind != tt.outcome) {
				t.Fatalf("error %+v", a.Hello.Err)
			}
			if got := helloNames(a.Repeats); !slices.Equal(got, []string{"repeat-1", "repeat-2"}) {
				t.Fatalf("repeats %q", got)
			}
			for _, r := range a.Repeats {
				if r.Outcome != tt.outcome || !slices.Equal(r.Offer.Suites, a.Hello.Offer.Suites) || !slices.Equal(r.Offer.Versions, a.Hello.Offer.Versions) || r.Offer.SNI != testName {
					t.Fatalf("repeat %+v", r)
				}
			}
			if got := helloNames(a.Variants); !slices.Equal(got, wantVariants) {
				t.Fatalf("variants %q, want %q", got, wantVariants)
			}
			base := a.Hello.Offer
			for _, v := range a.Variants {
				if v.Outcome != tt.outcome || v.Change == "" {
					t.Errorf("%s: %+v", v.Name, v)
				}
				// Each one-change variant changes its one feature.
				o := v.Offer
				same := map[string]bool{"suites": slices.Equal(o.Suites, base.Suites), "groups": slices.Equal(o.Groups, base.Groups),
					"sigalgs": slices.Equal(o.SigAlgs, base.SigAlgs), "versions": slices.Equal(o.Versions, base.Versions)}
				changed := map[string]string{"all-groups": "groups", "all-suites": "suites", "all-sigalgs": "sigalgs"}[v.Name]
				for f, eq := range same {
					if changed != "" && eq == (f == changed) {
						t.Errorf("%s: %s changed: %v", v.Name, f, !eq)
					}
				}
				if !strings.HasPrefix(v.Name, "only-") {
					continue
				}
				if len(v.Offer.Versions) != 1 || v.Offer.SNI != base.SNI {
					t.Errorf("%s offers %+v", v.Name, v.Offer)
				}
				if strings.HasSuffix(v.Name, "-all") {
					if len(v.Offer.Suites) < 300 || len(v.Offer.Groups) != len(allGroups) || len(v.Offer.SigAlgs) != len(allSigAlgs) {
						t.Errorf("%s is not widened: %d suites", v.Name, len(v.Offer.Suites))
					}
				} else if !slices.Equal(v.Offer.Suites, base.Suites) || !slices.Equal(v.Offer.Groups, base.Groups) || !slices.Equal(v.Offer.SigAlgs, base.SigAlgs) {
					t.Errorf("%s changes more than the version: %+v", v.Name, v.Offer)
				}
			}
			if a.Handshake != nil || a.AltHandshake != nil || a.HTTP != nil {
				t.Fatal("a full handshake after every hello was refused")
			}

			hellos, events := srv.seen()
			if len(hellos) != 1+2+len(wantVariants) {
				t.Fatalf("server saw %d hellos", len(hellos))
			}
			// The first repeat went alone: answered before any other hello came.
			if i, j := slices.Index(events, "answer 2"), slices.Index(events, "hello 3"); i < 0 || j < 0 || i > j {
				t.Fatalf("the first repeat was not sent alone: %q", events)
			}
			// On the wire, a version-only follow-up is the profile's hello at
			// another version; the widened one offers every suite.
			first := hellos[0]
			for _, v := range []uint16{wire.VersionTLS11, wire.VersionTLS10, wire.VersionSSL30} {
				var at []*wire.ClientHello
				for _, h := range hellos {
					if h.Version == v {
						at = append(at, h)
					}
				}
				slices.SortFunc(at, func(x, y *wire.ClientHello) int { return len(x.CipherSuites) - len(y.CipherSuites) })
				if len(at) != 2 {
					t.Fatalf("%d hellos at %s", len(at), wire.VersionName(v))
				}
				only, all := at[0], at[1]
				if only.SupportedVersions != nil || only.KeyShares != nil || !slices.Equal(only.CipherSuites, []uint16{0xc02b, 0xc02f}) ||
					!slices.Equal(only.SupportedGroups, first.SupportedGroups) || !slices.Equal(only.SignatureAlgorithms, first.SignatureAlgorithms) || only.ServerName != first.ServerName {
					t.Errorf("%s hello changes more than the version: %+v", wire.VersionName(v), only)
				}
				if len(all.CipherSuites) < 300 || len(all.SupportedGroups) != len(allGroups) || all.ServerName != first.ServerName {
					t.Errorf("%s widened hello: %d suites", wire.VersionName(v), len(all.CipherSuites))
				}
			}
		})
	}
}

// tls10Server accepts only TLS 1.0 with TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA.
func tls10Server(p *peer) {
	ch := p.hello
	switch {
	case ch == nil:
	case ch.SupportedVersions != nil || ch.Version != wire.VersionTLS10:
		p.write(alertRecord(wire.AlertProtocolVersion))
	case !slices.Contains(ch.CipherSuites, 0xc013):
		p.write(alertRecord(wire.AlertHandshakeFailure))
	default:
		p.write(hello12(ch, wire.VersionTLS10, 0xc013, wire.GroupP256, 0))
	}
	p.hold()
}

// Only a version follow-up the server refused is sent again widened.
func TestRunVersionFollowUps(t *testing.T) {
	tests := []struct {
		name     string
		suites   []uint16
		accepted string   // the variant the server accepts
		widened  []string // the widened variants sent
	}{
		{"profile-suites-at-tls10", []uint16{0x1301, 0xc02f, 0xc013}, "only-TLS 1.0", []string{"only-TLS 1.1-all", "only-SSL 3.0-all"}},
		{"tls10-needs-other-suites", []uint16{0x1301, 0xc02f}, "only-TLS 1.0-all", []string{"only-TLS 1.1-all", "only-TLS 1.0-all", "only-SSL 3.0-all"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tls10Server)
			p := testProfile(true)
			p.CipherSuites = tt.suites
			opts := testOptions(p, srv.addr())
			opts.NoHTTP = true
			run := mustRun(t, srv.port(), opts)
			a := run.Addresses[0]
			if a.Hello.Outcome != "alert" || a.Hello.Alert.Description != wire.AlertProtocolVersion {
				t.Fatalf("hello %+v", a.Hello)
			}
			var widened, accepted []string
			for _, v := range a.Variants {
				if strings.HasSuffix(v.Name, "-all") {
					widened = append(widened, v.Name)
				}
				if v.Accepted() {
					accepted = append(accepted, v.Name)
					if v.ServerHello.Version != wire.VersionTLS10 || v.ServerHello.CipherSuite != 0xc013 || v.ServerKeyExchange == nil || v.ServerKeyExchange.Curve != wire.GroupP256 {
						t.Errorf("%s: %+v", v.Name, v.ServerHello)
					}
				}
			}
			if !slices.Equal(accepted, []string{tt.accepted}) || !slices.Equal(widened, tt.widened) {
				t.Fatalf("accepted %q, widened %q; want %q, %q", accepted, widened, tt.accepted, tt.widened)
			}
			// A variant was accepted, so the chain capture was tried.
			if a.Handshake == nil || a.Handshake.OK || a.AltHandshake == nil {
				t.Fatalf("handshake %+v, alt %+v", a.Handshake, a.AltHandshake)
			}
		})
	}
}

// A HelloRetryRequest is answered with a second ClientHello: record version
// 0x0303, the cookie echoed, one key share for the group asked for.
func TestRunHelloRetryRequest(t *testing.T) {
	cookie := []byte("opaque-server-state")
	tests := []struct {
		name    string
		group   uint16 // the group the HelloRetryRequest asks for
		second  string // how the server answers the second ClientHello: "server-hello" or "retry"
		outcome string
	}{
		{"retry-then-server-hello", wire.GroupP256, "server-hello", "server_hello"},
		{"retry-twice", wire.GroupP256, "retry", "malformed"},
		{"retry-for-group-without-share", wire.GroupFFDHE2048, "", "hello_retry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var second *wire.ClientHello
			var secondRec wire.Record
			srv := startServer(t, func(p *peer) {
				if fromCryptoTLS(p.hello) || p.hello == nil {
					p.close()
					return
				}
				p.write(retryRequest(p.hello, tt.group, cookie))
				ch, rec, err := p.readHello()
				if err != nil {
					return
				}
				mu.Lock()
				if second == nil {
					second, secondRec = ch, rec
				}
				mu.Unlock()
				switch tt.second {
				case "server-hello":
					p.write(hello13(ch, 0x1301, tt.group))
				case "retry":
					p.write(retryRequest(ch, tt.group, cookie))
				}
				p.hold()
			})
			opts := testOptions(testProfile(true), srv.addr())
			opts.NoHTTP = true
			run := mustRun(t, srv.port(), opts)
			h := run.Addresses[0].Hello
			if h.Outcome != tt.outcome {
				t.Fatalf("outcome %s, want %s (%+v)", h.Outcome, tt.outcome, h.Err)
			}
			mu.Lock()
			defer mu.Unlock()
			hellos, _ := srv.seen()
			first := hellos[0]
			switch tt.outcome {
			case "hello_retry":
				// No share can be made for an FFDHE group: the retry request
				// is the answer, and no second hello is sent.
				if second != nil || h.RetryRequest != nil || h.ServerHello == nil || !h.ServerHello.HelloRetry || h.ServerHello.KeyShareGroup != tt.group || !h.Accepted() {
					t.Fatalf("%+v, second hello %+v", h, second)
				}
				return
			case "malformed":
				if h.Err == nil || h.Err.Kind != KindMalformed || h.Err.Subject != "HelloRetryRequest" || h.ServerHello == nil || !h.ServerHello.HelloRetry || h.Accepted() {
					t.Fatalf("%+v %+v", h, h.Err)
				}
				if a := run.Addresses[0]; a.Repeats != nil || a.Variants != nil || a.Handshake != nil {
					t.Fatal("a retry loop is no refusal of the offer: no follow-ups, no handshake")
				}
			case "server_hello":
				if !h.Accepted() || h.ServerHello.HelloRetry || h.ServerHello.KeyShareGroup != tt.group {
					t.Fatalf("server hello %+v", h.ServerHello)
				}
			}
			if h.RetryRequest == nil || !h.RetryRequest.HelloRetry || h.RetryRequest.KeyShareGroup != tt.group || string(h.RetryRequest.Cookie) != string(cookie) {
				t.Fatalf("retry request %+v", h.RetryRequest)
			}
			if second == nil {
				t.Fatal("no second ClientHello")
			}
			if secondRec.Version != wire.VersionTLS12 {
				t.Errorf("second hello's record version %04x, want 0303", secondRec.Version)
			}
			if len(second.KeyShares) != 1 || second.KeyShares[0].Group != tt.group || len(second.KeyShares[0].Data) != 65 {
				t.Errorf("second hello's key shares %+v", second.KeyShares)
			}
			var echoed []byte
			for _, e := range second.Extensions {
				if e.Type == wire.ExtCookie {
					echoed = e.Data
				}
			}
			if string(echoed) != string(append([]byte{0, byte(len(cookie))}, cookie...)) {
				t.Errorf("cookie echoed as %q", echoed)
			}
			if string(second.Random) != string(first.Random) || string(second.SessionID) != string(first.SessionID) ||
				!slices.Equal(second.CipherSuites, first.CipherSuites) || !slices.Equal(second.SupportedGroups, first.SupportedGroups) || second.ServerName != first.ServerName {
				t.Errorf("second hello changes more than the key share and cookie:\n%+v\n%+v", first, second)
			}
		})
	}
}

// A full handshake that breaks off by a close or a reset after the hello was
// accepted is made once more; a refusal by alert is not.
func TestRunHandshakeRepeat(t *testing.T) {
	tests := []struct {
		name     string
		fullHS   func(p *peer, nth int) bool // handles crypto/tls connection nth (from 1); false: serve it
		wantErr  string                      // the first handshake's failure kind
		repeated bool
		repeatOK bool
	}{
		{"closed-every-time", func(p *peer, _ int) bool { p.close(); return true }, KindEOF, true, false},
		{"reset-every-time", func(p *peer, _ int) bool { p.reset(); return true }, KindReset, true, false},
		{"closed-once", func(p *peer, nth int) bool {
			if nth == 1 {
				p.close()
				return true
			}
			return false
		}, KindEOF, true, true},
		{"refused-by-alert", func(p *peer, _ int) bool { p.write(alertRecord(wire.AlertHandshakeFailure)); return true }, KindAlert, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			full := 0
			srv := startGoServer(t, nil, func(p *peer) bool {
				if !fromCryptoTLS(p.hello) {
					return false // the probe's own hellos: crypto/tls answers them
				}
				mu.Lock()
				full++
				nth := full
				mu.Unlock()
				return tt.fullHS(p, nth)
			})
			run := mustRun(t, srv.port(), testOptions(testProfile(true), srv.addr()))
			a := run.Addresses[0]
			if !a.Hello.Accepted() {
				t.Fatalf("hello %+v", a.Hello)
			}
			if a.Handshake.OK || a.Handshake.Err == nil || a.Handshake.Err.Kind != tt.wantErr {
				t.Fatalf("handshake %+v %+v", a.Handshake, a.Handshake.Err)
			}
			if tt.wantErr == KindAlert {
				if a.Handshake.Alert == nil || a.Handshake.Alert.Description != wire.AlertHandshakeFailure {
					t.Fatalf("alert %+v", a.Handshake.Alert)
				}
				// crypto/tls was refused where the profile's hello was not:
				// the chain is read from a TLS 1.2 hello, in plaintext.
				if got := helloNames(a.Variants); !slices.Equal(got, []string{"tls1.2-certs"}) || !slices.Equal(a.Variants[0].Offer.Versions, []uint16{wire.VersionTLS12}) {
					t.Fatalf("variants %q", got)
				}
			} else if a.Variants != nil {
				t.Fatalf("variants %q", helloNames(a.Variants))
			}
			if (a.HandshakeRepeat != nil) != tt.repeated {
				t.Fatalf("repeat %+v", a.HandshakeRepeat)
			}
			if tt.repeated && a.HandshakeRepeat.OK != tt.repeatOK {
				t.Fatalf("repeat %+v", a.HandshakeRepeat)
			}
			// The HTTP exchange rides on the handshake that worked.
			if tt.repeatOK != (a.HTTP != nil && a.HTTP.Outcome == "response") {
				t.Fatalf("http %+v", a.HTTP)
			}
		})
	}
}

// The check's deadline ends a probe of a silent server, and says so.
func TestRunDeadline(t *testing.T) {
	srv := startServer(t, func(p *peer) { p.hold() })
	opts := testOptions(testProfile(true), srv.addr())
	opts.Deadline = 300 * time.Millisecond
	opts.NoAIA = false
	run := mustRun(t, srv.port(), opts)
	a := run.Addresses[0]
	if !run.DeadlineExceeded || run.Deadline != opts.Deadline {
		t.Fatalf("deadline not recorded: %v %v", run.DeadlineExceeded, run.Deadline)
	}
	if a.Hello.Outcome != KindTimeout || len(a.Hello.First) != 0 || a.Repeats != nil || a.Handshake != nil || run.AIA != nil {
		t.Fatalf("%+v", a)
	}
	if n := srv.connsAfter(1); n != 1 {
		t.Fatalf("%d connections to a silent server", n)
	}
}

// fakeResolver answers every lookup with addrs or err, recording the names.
type fakeResolver struct {
	addrs []netip.Addr
	err   error
	mu    sync.Mutex
	asked []string
}

func (r *fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	r.asked = append(r.asked, network+" "+host)
	r.mu.Unlock()
	return r.addrs, r.err
}

// redirectDialer records each address asked for and dials to instead.
type redirectDialer struct {
	to     string
	mu     sync.Mutex
	dialed []string
}

func (d *redirectDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, addr)
	d.mu.Unlock()
	return (&net.Dialer{}).DialContext(ctx, network, d.to)
}

func TestRunDNS(t *testing.T) {
	var many []netip.Addr
	for i := 1; i <= MaxAddresses+4; i++ {
		many = append(many, netip.AddrFrom4([4]byte{127, 0, 0, byte(i)}))
	}
	many = append(many, netip.MustParseAddr("::ffff:127.0.0.1"), netip.MustParseAddr("127.0.0.1")) // the first again, twice
	tests := []struct {
		name    string
		addrs   []netip.Addr
		err     error
		wantErr string // DNS failure kind; "" when it resolved
		probed  int
	}{
		{"not-found", nil, &net.DNSError{Err: "no such host", Name: testName, IsNotFound: true}, KindDNSNotFound, 0},
		{"server-failure", nil, &net.DNSError{Err: "server misbehaving", Name: testName}, KindDNSError, 0},
		{"time-out", nil, &net.DNSError{Err: "i/o timeout", Name: testName, IsTimeout: true}, KindTimeout, 0},
		{"no-addresses", []netip.Addr{}, nil, KindDNSNotFound, 0},
		{"one", many[:1], nil, "", 1},
		{"many", many, nil, "", MaxAddresses},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &fakeResolver{addrs: tt.addrs, err: tt.err}
			dialer := &redirectDialer{to: closedPort(t)}
			tg, err := ParseTarget("https://" + testName + ":8443/")
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Profile: testProfile(true), Resolver: res, Dialer: dialer, Timeout: 10 * time.Second}
			run, err := Run(context.Background(), tg, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.asked, []string{"ip " + testName}) || run.DNS == nil || run.DNS.Name != testName {
				t.Fatalf("asked %q, recorded %+v", res.asked, run.DNS)
			}
			if tt.wantErr != "" {
				if run.DNS.Err == nil || run.DNS.Err.Kind != tt.wantErr || len(run.Addresses) != 0 || len(dialer.dialed) != 0 {
					t.Fatalf("dns %+v %+v, addresses %+v", run.DNS, run.DNS.Err, run.Addresses)
				}
				return
			}
			if run.DNS.Err != nil || len(run.DNS.Addresses) != len(tt.addrs) || len(run.Addresses) != tt.probed {
				t.Fatalf("dns %+v, %d addresses probed", run.DNS, len(run.Addresses))
			}
			if slices.Contains(run.DNS.Addresses, "[::ffff:127.0.0.1]:8443") {
				t.Fatal("an IPv4-mapped address is recorded as IPv6")
			}
			slices.Sort(dialer.dialed)
			var want []string
			for i, a := range run.Addresses {
				if a.Addr != tt.addrs[i].String()+":8443" || a.Dial.Err == nil || a.Dial.Err.Kind != KindRefused || a.Hello != nil {
					t.Fatalf("address %d: %+v", i, a)
				}
				want = append(want, a.Addr)
			}
			slices.Sort(want)
			if !slices.Equal(dialer.dialed, want) {
				t.Fatalf("dialed %q, want %q", dialer.dialed, want)
			}
		})
	}
}

func TestRunConnect(t *testing.T) {
	srv := startGoServer(t, nil, nil)
	refused := closedPort(t)
	tests := []struct {
		name    string
		connect []string
		want    []string // addresses probed
		bad     string   // the input of the *TargetError, when Run fails
	}{
		{"ip-and-port", []string{srv.addr()}, []string{srv.addr()}, ""},
		{"duplicates-once", []string{srv.addr(), srv.addr()}, []string{srv.addr()}, ""},
		{"refused", []string{refused}, []string{refused}, ""},
		{"bare-ip-takes-target-port", []string{"127.0.0.1"}, []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.port()))}, ""},
		{"not-an-address", []string{srv.addr(), "bad_name$"}, nil, "bad_name$"},
		{"port-zero", []string{"127.0.0.1:0"}, nil, "127.0.0.1:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(testProfile(true), "")
			opts.Connect, opts.NoHTTP = tt.connect, true
			run, err := Run(context.Background(), testTarget(t, srv.port(), "/"), opts)
			if tt.bad != "" {
				var te *TargetError
				if !errors.As(err, &te) || te.Input != tt.bad || run != nil {
					t.Fatalf("got %v, want a *TargetError for %q", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range run.Addresses {
				got = append(got, a.Addr)
			}
			if !slices.Equal(got, tt.want) || run.DNS != nil {
				t.Fatalf("probed %q, want %q (dns %+v)", got, tt.want, run.DNS)
			}
			a := run.Addresses[0]
			if tt.name == "refused" {
				if a.Dial.Err == nil || a.Dial.Err.Kind != KindRefused || a.Hello != nil || a.Handshake != nil {
					t.Fatalf("%+v", a)
				}
				return
			}
			if a.Dial.Err != nil || !a.Hello.Accepted() || !a.Handshake.OK {
				t.Fatalf("%+v", a)
			}
		})
	}
}

func TestRunNeedsProfile(t *testing.T) {
	if _, err := Run(context.Background(), evidence.Target{Host: "x", Port: 1}, Options{}); err == nil {
		t.Fatal("no error without a profile")
	}
}

// With Options.Server, each address that answers is also enumerated.
func TestRunWithScan(t *testing.T) {
	srv := startGoServer(t, nil, nil)
	opts := testOptions(testProfile(true), srv.addr())
	opts.Server, opts.NoHTTP = true, true
	run := mustRun(t, srv.port(), opts)
	sc := run.Addresses[0].Scan
	if sc == nil || !sc.Versions[0].Accepted || sc.Versions[0].Version != wire.VersionTLS13 || !sc.Versions[1].Accepted || sc.Versions[3].Accepted || sc.Stopped != "" {
		t.Fatalf("scan %+v", sc)
	}
	if sc.NoSNI == nil || sc.NoSNI.Offer.SNI != "" || sc.UnknownSNI == nil || sc.UnknownSNI.Offer.SNI == "" || !sc.NoSNI.Accepted() {
		t.Fatalf("sni probes %+v %+v", sc.NoSNI, sc.UnknownSNI)
	}
	if sc.Connections < 10 || srv.conns() < sc.Connections {
		t.Fatalf("%d scan connections, server saw %d", sc.Connections, srv.conns())
	}
}

// A TLS 1.2 server whose ServerKeyExchange is signed by a key other than its
// certificate's: crypto/tls refuses it after accepting the chain (no alert
// from the server), and the probe reads the signed ServerKeyExchange from a
// TLS 1.2 hello of its own, the evidence of the mismatch.
func TestRunLocalRefusalReadsKeyExchange(t *testing.T) {
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	point := other.PublicKey.Bytes // any valid P-256 point will do
	pub, err := point()
	if err != nil {
		t.Fatal(err)
	}
	// flight12 is SH, Certificate, a ServerKeyExchange signed by other, and
	// ServerHelloDone, for TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.
	flight12 := func(ch *wire.ClientHello) []byte {
		random := bytes.Repeat([]byte{0x77}, 32)
		params := append([]byte{3, 0, byte(wire.GroupP256), byte(len(pub))}, pub...)
		digest := sha256.Sum256(slices.Concat(ch.Random, random, params))
		sig, err := ecdsa.SignASN1(rand.Reader, other, digest[:])
		if err != nil {
			panic(err)
		}
		ske := slices.Concat(params, []byte{byte(wire.SigECDSAP256 >> 8), byte(wire.SigECDSAP256 & 0xff), byte(len(sig) >> 8), byte(len(sig))}, sig)
		return handshakeRecord(
			serverHello(ch, &wire.ServerHello{Version: wire.VersionTLS12, Random: random, CipherSuite: 0xc02b}),
			wire.HandshakeMessage(wire.TypeCertificate, wire.MarshalCertificate12(testCert().Certificate)),
			wire.HandshakeMessage(wire.TypeServerKeyExchange, ske),
			wire.HandshakeMessage(wire.TypeServerHelloDone, nil))
	}
	srv := startServer(t, func(p *peer) {
		switch ch := p.hello; {
		case ch == nil:
			return
		case ch.SupportedVersions != nil && !fromCryptoTLS(ch):
			p.write(hello13(ch, 0x1301, wire.GroupX25519)) // the profile's own hello
		case slices.Contains(ch.CipherSuites, 0xc02b):
			p.write(flight12(ch))
		default:
			p.write(alertRecord(wire.AlertHandshakeFailure))
		}
		p.hold()
	})
	opts := testOptions(testProfile(true), srv.addr())
	opts.NoHTTP = true
	run := mustRun(t, srv.port(), opts)
	a := run.Addresses[0]
	hs := a.Handshake
	if hs.OK || hs.Err == nil || hs.Err.Kind != KindLocal || hs.Alert != nil || len(hs.Certificates) != 1 || a.HandshakeRepeat != nil {
		t.Fatalf("handshake %+v %+v", hs, hs.Err)
	}
	i := slices.IndexFunc(a.Variants, func(h evidence.Hello) bool { return h.Name == "tls1.2-ecdhe" })
	if i < 0 {
		t.Fatalf("variants %q", helloNames(a.Variants))
	}
	v := a.Variants[i]
	if !v.Accepted() || v.ServerKeyExchange == nil || v.ServerKeyExchange.Curve != wire.GroupP256 || len(v.Certificates) != 1 || !slices.Equal(v.Offer.Versions, []uint16{wire.VersionTLS12}) {
		t.Fatalf("tls1.2-ecdhe %+v", v)
	}
	// What was recorded is enough to prove the mismatch offline.
	err = wire.VerifyServerKeyExchange(testCert().Leaf.PublicKey, wire.VersionTLS12, v.ClientRandom, v.ServerHello.Random, v.ServerKeyExchange)
	if signature.ReasonOf(err) != signature.BadSignature {
		t.Fatalf("verify with the certificate's key: %v", err)
	}
	if err := wire.VerifyServerKeyExchange(&other.PublicKey, wire.VersionTLS12, v.ClientRandom, v.ServerHello.Random, v.ServerKeyExchange); err != nil {
		t.Fatalf("verify with the signing key: %v", err)
	}
}

// HelloOnly stops at the hellos: follow-ups still, but no full handshake,
// no HTTP and no AIA.
func TestRunHelloOnly(t *testing.T) {
	tests := []struct {
		name     string
		handle   func(p *peer)
		accepted bool
	}{
		{"accepted", nil, true},
		{"refused", refuser("alert", false), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *testServer
			if tt.handle == nil {
				srv = startGoServer(t, nil, nil).testServer
			} else {
				srv = startServer(t, tt.handle)
			}
			opts := testOptions(testProfile(true), srv.addr())
			opts.HelloOnly, opts.NoAIA = true, false
			run := mustRun(t, srv.port(), opts)
			a := run.Addresses[0]
			if a.Hello.Accepted() != tt.accepted || (a.Variants == nil) == !tt.accepted {
				t.Fatalf("hello %+v, %d variants", a.Hello, len(a.Variants))
			}
			if a.Handshake != nil || a.AltHandshake != nil || a.HTTP != nil || run.AIA != nil {
				t.Fatalf("more than hellos: %+v", a)
			}
			hellos, _ := srv.seen()
			for _, h := range hellos {
				if fromCryptoTLS(h) {
					t.Fatal("a crypto/tls handshake was made")
				}
			}
		})
	}
}

// A server enumeration is not attempted against a server that answered the
// profile's hello with nothing.
func TestRunScanSkippedWhenSilent(t *testing.T) {
	srv := startServer(t, func(p *peer) { p.hold() })
	opts := testOptions(testProfile(true), srv.addr())
	opts.Server, opts.Timeout = true, 300*time.Millisecond
	run := mustRun(t, srv.port(), opts)
	a := run.Addresses[0]
	if n := srv.connsAfter(1); a.Hello.Outcome != KindTimeout || a.Scan == nil || a.Scan.Stopped == "" || a.Scan.Connections != 0 || n != 1 {
		t.Fatalf("hello %s, scan %+v, %d connections", a.Hello.Outcome, a.Scan, n)
	}
}
