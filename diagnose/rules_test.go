package diagnose

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// The PKI the rule tests judge: a trusted root with an intermediate, a
// second trusted-root organisation's two-level chain, and a private CA.
type testPKI struct {
	root, inter, i2, i1, private, privInt *pki.CA
}

var thePKI = sync.OnceValue(func() *testPKI {
	k := &testPKI{}
	k.root = must(pki.NewRoot(pki.Spec{CN: "Test Root CA", Org: "Test Trust"}))
	k.inter = must(k.root.Intermediate(pki.Spec{CN: "Test Intermediate CA", Org: "Test Trust"}))
	k.i2 = must(k.root.Intermediate(pki.Spec{CN: "Test Intermediate CA 2", Org: "Test Trust"}))
	k.i1 = must(k.i2.Intermediate(pki.Spec{CN: "Test Issuing CA", Org: "Test Trust"}))
	k.private = must(pki.NewRoot(pki.Spec{CN: "Corp Private Root CA", Org: "Corp"}))
	k.privInt = must(k.private.Intermediate(pki.Spec{CN: "Corp Issuing CA", Org: "Corp"}))
	return k
})

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

const host = "api.test"

// leaf mints a leaf for host under the test intermediate.
func leaf(s pki.Spec) *pki.Leaf {
	k := thePKI()
	if s.CN == "" {
		s.CN = host
	}
	if s.DNS == nil {
		s.DNS = []string{host}
	}
	return must(k.inter.Leaf(s, k.root.Cert))
}

func ders(certs ...*x509.Certificate) [][]byte {
	var out [][]byte
	for _, c := range certs {
		out = append(out, c.Raw)
	}
	return out
}

// offerOf is what a profile's own hello offers.
func offerOf(p *profile.Profile, sni string) evidence.Offer {
	return evidence.Offer{Versions: p.Versions, Suites: p.CipherSuites, Groups: p.Groups, SigAlgs: p.SignatureAlgorithms, SNI: sni, KeyShares: p.KeyShares}
}

// sh13 and sh12 are ServerHellos a default client accepts.
func sh13() *wire.ServerHello {
	return &wire.ServerHello{Version: wire.VersionTLS12, SupportedVersion: wire.VersionTLS13, CipherSuite: 0x1301, KeyShareGroup: wire.GroupX25519,
		Random: make([]byte, 32), ExtensionTypes: []uint16{wire.ExtSupportedVersions, wire.ExtKeyShare}}
}

func sh12(suite uint16) *wire.ServerHello {
	return &wire.ServerHello{Version: wire.VersionTLS12, CipherSuite: suite, Random: make([]byte, 32),
		ExtensionTypes: []uint16{wire.ExtRenegotiationInfo, wire.ExtExtendedMasterSecret}}
}

func alert(d uint8) *wire.Alert { return &wire.Alert{Level: 2, Description: d} }

func failure(kind, msg string) *evidence.Failure { return &evidence.Failure{Kind: kind, Message: msg} }

// scenario builds a run for one address.
type scenario struct {
	profile string
	target  evidence.Target
	addr    evidence.Address
	aia     [][]byte
	extra   [][]byte // --ca-bundle
	at      time.Time
}

// healthy is an address where everything works: the profile's hello and
// the handshake are accepted, the chain served and the HTTP reply is 200.
func healthy(p *profile.Profile, chain [][]byte) evidence.Address {
	return evidence.Address{Addr: "192.0.2.1:443",
		Hello:     &evidence.Hello{Name: "profile", Outcome: "server_hello", Offer: offerOf(p, host), ServerHello: sh13()},
		Handshake: &evidence.Handshake{SNI: host, OK: true, Version: wire.VersionTLS13, CipherSuite: 0x1301, Certificates: chain},
		HTTP:      &evidence.HTTP{Request: "GET / HTTP/1.1", Outcome: "response", StatusLine: "HTTP/1.1 200 OK", StatusCode: 200},
	}
}

func (s scenario) run() (*evidence.Run, *profile.Profile) {
	id := s.profile
	if id == "" {
		id = "default"
	}
	p := mustProfile(id)
	t := s.target
	if t.Host == "" {
		t = evidence.Target{Input: "https://" + host + "/", Scheme: "https", Host: host, Port: 443, Path: "/", ServerName: host, HTTP: true}
		if p.SendsSNI {
			t.SNI = host
		}
	}
	run := &evidence.Run{SchemaVersion: evidence.SchemaVersion, Profile: id, Started: time.Now(), At: s.at, Target: t,
		Addresses: []evidence.Address{s.addr}, ExtraRoots: s.extra}
	for _, c := range s.aia {
		run.AIA = append(run.AIA, evidence.AIA{URL: "http://ca.test/i.der", Certificate: c})
	}
	return run, p
}

// want is what a rule must conclude.
type want struct {
	cause    cause.Code
	rule     *Rule
	side     Side   // who fixes
	fix      string // in the fix, lower-cased
	notFix   string // not in the fix
	evidence string // in the evidence
	finding  string // in a finding
	alt      cause.Code
	artifact string // the artifact written ("-" for none)
}

// produced records the rules the table tests reached, for the coverage test.
var produced sync.Map

func judge(t *testing.T, s scenario) *Diagnosis {
	t.Helper()
	run, p := s.run()
	k := thePKI()
	roots := pki.Pool(k.root.Cert)
	d := Run(run, Options{Profile: p, SystemRoots: func() *x509.CertPool { return roots }, SystemRootCerts: func() []*x509.Certificate { return []*x509.Certificate{k.root.Cert} }})
	checkReproducers(t, run, d, p)
	return d
}

// withoutReproducer are the rules whose verdicts have no openssl or curl
// command yet: a handshake that stops after the server accepted the hello
// (no lab endpoint does that, so no predicted line could be checked) and a
// certificate Go cannot parse.
var withoutReproducer = map[string]bool{"handshake.reset": true, "handshake.closed": true, "handshake.stalled": true, "cert.unparseable": true}

// checkReproducers holds the reproducers of every table case to their
// form: a command of the tool named, for an address the run dialled, with
// the text that shows it; and a failing verdict has one. (The lab's test
// runs them against real servers.)
func checkReproducers(t *testing.T, run *evidence.Run, d *Diagnosis, p *profile.Profile) {
	t.Helper()
	reps := Reproduce(run, d, p)
	full := slices.ContainsFunc(run.Addresses, func(a evidence.Address) bool { return a.Hello != nil })
	if full && d.Cause != cause.OK && len(reps) == 0 && !withoutReproducer[d.Rule] {
		t.Errorf("%s (rule %s): no reproducer", d.Cause, d.Rule)
	}
	addrs := map[string]bool{}
	for _, a := range run.Addresses {
		addrs[a.Addr] = true
	}
	for _, r := range reps {
		switch {
		case r.Tool != "openssl" && r.Tool != "curl":
			t.Errorf("reproducer tool %q: %+v", r.Tool, r)
		case r.Kind != "fails" && r.Kind != "works" && r.Kind != "shows":
			t.Errorf("reproducer kind %q: %+v", r.Kind, r)
		case !strings.Contains(r.Command, r.Tool+" "):
			t.Errorf("a %s reproducer whose command does not run it: %s", r.Tool, r.Command)
		case r.Expect == "" || r.What == "":
			t.Errorf("a reproducer that does not say what it shows: %+v", r)
		case r.Addr != "" && !addrs[r.Addr]:
			t.Errorf("a reproducer for %s, which the run did not dial: %+v", r.Addr, r)
		case strings.ContainsAny(r.Command, "\n\r"):
			t.Errorf("a reproducer of more than one line: %q", r.Command)
		}
	}
}

func (w want) check(t *testing.T, d *Diagnosis) {
	t.Helper()
	produced.Store(d.Rule, true)
	for _, a := range d.Addresses {
		produced.Store(a.Rule, true)
	}
	if d.Cause != w.cause {
		t.Fatalf("cause %s (rule %s), want %s\nsummary: %s\nevidence:\n  %s\nfindings: %v", d.Cause, d.Rule, w.cause, d.Summary, strings.Join(d.Evidence, "\n  "), d.Findings)
	}
	if w.rule != nil {
		if d.Rule != w.rule.ID || d.Confidence != w.rule.Confidence {
			t.Fatalf("rule %s (%s), want %s (%s): %s", d.Rule, d.Confidence, w.rule.ID, w.rule.Confidence, d.Summary)
		}
	}
	if w.side != "" && d.FixSide != w.side {
		t.Errorf("fix side %q, want %q: %v", d.FixSide, w.side, d.Fix)
	}
	fix := strings.ToLower(strings.Join(d.Fix, "\n"))
	if w.fix != "" && !strings.Contains(fix, strings.ToLower(w.fix)) {
		t.Errorf("the fix lacks %q:\n%s", w.fix, fix)
	}
	if w.notFix != "" && strings.Contains(fix, strings.ToLower(w.notFix)) {
		t.Errorf("the fix says %q, which is wrong here:\n%s", w.notFix, fix)
	}
	if w.evidence != "" && !strings.Contains(strings.Join(d.Evidence, "\n"), w.evidence) {
		t.Errorf("the evidence lacks %q:\n%s", w.evidence, strings.Join(d.Evidence, "\n"))
	}
	if w.finding != "" && !slices.ContainsFunc(d.Findings, func(f Finding) bool { return strings.Contains(f.Message, w.finding) }) {
		t.Errorf("no finding with %q: %v", w.finding, d.Findings)
	}
	if w.alt != "" && !slices.ContainsFunc(d.Alternatives, func(a Alternative) bool { return a.Cause == w.alt }) {
		t.Errorf("alternatives %v lack %s", d.Alternatives, w.alt)
	}
	switch {
	case w.artifact == "-" && len(d.Artifacts) > 0:
		t.Errorf("artifacts %v, want none", d.Artifacts)
	case w.artifact != "" && w.artifact != "-" && (len(d.Artifacts) == 0 || d.Artifacts[0].Name != w.artifact):
		t.Errorf("artifacts %v, want %s", d.Artifacts, w.artifact)
	}
	if d.Confidence == Inferred && d.Decides == "" {
		t.Error("an inferred verdict that does not say what would decide")
	}
	if d.Cause.Failed() && (len(d.Evidence) == 0 || len(d.Fix) == 0 || d.Summary == "") {
		t.Error("a failure without summary, evidence or fix")
	}
}

func TestNetworkAndTransportRules(t *testing.T) {
	def := mustProfile("default")
	dialFail := func(kind string) evidence.Address {
		return evidence.Address{Addr: "192.0.2.1:443", Dial: evidence.Step{Err: failure(kind, kind)}}
	}
	refused := func(outcome string, a *wire.Alert) evidence.Address {
		h := evidence.Hello{Name: "profile", Outcome: outcome, Alert: a, Offer: offerOf(def, host)}
		r1, r2 := h, h
		r1.Name, r2.Name = "repeat-1", "repeat-2"
		v := h
		v.Name, v.Change, v.Offer.Groups = "all-groups", "offer every named group", []uint16{wire.GroupX25519, wire.GroupP521}
		return evidence.Address{Addr: "192.0.2.1:443", Hello: &h, Repeats: []evidence.Hello{r1, r2}, Variants: []evidence.Hello{v}}
	}
	tests := []struct {
		name string
		s    scenario
		w    want
	}{
		{"dns-not-found", scenario{}, want{cause: cause.DNSFailure, rule: ruleDNSNotFound, side: NetworkSide, fix: "dns record"}},
		{"tcp-refused", scenario{addr: dialFail("refused")}, want{cause: cause.TCPRefused, rule: ruleTCPRefused, side: ServerSide, fix: "listener"}},
		{"tcp-timeout", scenario{addr: dialFail("timeout")}, want{cause: cause.TCPTimeout, rule: ruleTCPTimeout, side: NetworkSide, fix: "firewall"}},
		{"tcp-unreachable", scenario{addr: dialFail("unreachable")}, want{cause: cause.TCPUnreachable, rule: ruleTCPUnreachable, side: NetworkSide, fix: "route"}},
		{"silent", scenario{addr: evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "timeout"}}}, want{cause: cause.HandshakeTimeout, rule: ruleSilent, side: ServerSide}},
		{"stalled", scenario{addr: evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "timeout", First: []byte{0x16, 3}}}}, want{cause: cause.HandshakeTimeout, rule: ruleStalled, evidence: "16 03"}},
		{"no-hello", scenario{addr: evidence.Address{Addr: "a:1"}}, want{cause: cause.HandshakeTimeout, rule: ruleSilent}},
		{"not-tls-http", scenario{addr: evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "not_tls", First: []byte("HTTP/1.1 400 Bad Request\r\n")}}}, want{cause: cause.NotTLS, rule: ruleNotTLS, fix: "https port", evidence: "HTTP response"}},
		{"not-tls-ssh", scenario{addr: evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "not_tls", First: []byte("SSH-2.0-OpenSSH_9.2\r\n")}}}, want{cause: cause.NotTLS, rule: ruleNotTLS, fix: "another service"}},
		{"reset-steady", scenario{addr: refused("reset", nil)}, want{cause: cause.ResetDuringHandshake, rule: ruleReset, side: NetworkSide, evidence: "connection reset, no alert (each time)"}},
		{"closed-steady", scenario{addr: refused("eof", nil)}, want{cause: cause.ClosedDuringHandshake, rule: ruleClosed, evidence: "connection closed, no alert (each time)"}},
		{"alert-unexplained", scenario{addr: refused("alert", alert(wire.AlertInternalError))}, want{cause: cause.ServerAlert, rule: ruleAlertUnexplained, side: ServerSide, evidence: "all alert fatal internal_error", fix: "internal_error"}},
	}
	tests[0].s.target = evidence.Target{Input: "https://nx.test/", Host: "nx.test", Port: 443, ServerName: "nx.test"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			if tt.name == "dns-not-found" {
				run, p := s.run()
				run.Addresses = nil
				run.DNS = &evidence.DNS{Name: "nx.test", Err: failure("dns_not_found", "no such host")}
				d := Run(run, Options{Profile: p})
				checkReproducers(t, run, d, p)
				tt.w.check(t, d)
				return
			}
			tt.w.check(t, judge(t, s))
		})
	}
	t.Run("dns-other", func(t *testing.T) {
		for kind, r := range map[string]*Rule{"timeout": ruleDNSTimeout, "dns_error": ruleDNSError, "": ruleDNSNoAddress} {
			run, p := scenario{}.run()
			run.Addresses = nil
			run.DNS = &evidence.DNS{Name: host}
			if kind != "" {
				run.DNS.Err = failure(kind, "resolver said "+kind)
			}
			d := Run(run, Options{Profile: p})
			checkReproducers(t, run, d, p)
			want{cause: cause.DNSFailure, rule: r}.check(t, d)
			if kind == "dns_error" && strings.Contains(d.Summary, "does not resolve") {
				t.Errorf("a failing resolver is not a name that does not resolve: %s", d.Summary)
			}
		}
	})
}

// The same hello answered differently, or refusals that differ in kind.
func TestAttemptRules(t *testing.T) {
	def := mustProfile("default")
	ok := healthy(def, ders(leaf(pki.Spec{}).Cert, thePKI().inter.Cert))
	flaky := ok
	flaky.Hello = &evidence.Hello{Name: "profile", Outcome: "eof", Offer: offerOf(def, host)}
	flaky.Repeats = []evidence.Hello{{Name: "repeat-1", Outcome: "server_hello", ServerHello: sh13(), Offer: offerOf(def, host)}, {Name: "repeat-2", Outcome: "eof", Offer: offerOf(def, host)}}
	want{cause: cause.InconsistentBackends, rule: ruleAttemptsDisagree, side: ServerSide, evidence: "connection closed, no alert; accepted"}.check(t, judge(t, scenario{addr: flaky}))

	hsFlaky := ok
	hsFlaky.Handshake = &evidence.Handshake{SNI: host, Err: failure("eof", "EOF")}
	hsFlaky.HandshakeRepeat = ok.Handshake
	want{cause: cause.InconsistentBackends, rule: ruleHandshakeAttemptsDisagree}.check(t, judge(t, scenario{addr: hsFlaky}))

	// A reset, then closes: still no acceptance; said as a finding.
	mixed := evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Name: "profile", Outcome: "reset", Offer: offerOf(def, host)},
		Repeats: []evidence.Hello{{Name: "repeat-1", Outcome: "eof"}, {Name: "repeat-2", Outcome: "eof"}}}
	want{cause: cause.ResetDuringHandshake, rule: ruleReset, finding: "not all refused the same way"}.check(t, judge(t, scenario{addr: mixed}))
}

func TestMalformedRules(t *testing.T) {
	def := mustProfile("default")
	base := func(sh *wire.ServerHello) evidence.Address {
		a := healthy(def, ders(leaf(pki.Spec{}).Cert, thePKI().inter.Cert))
		a.Hello.ServerHello = sh
		return a
	}
	sh := sh13()
	sh.CipherSuite = 0x0005
	unofferedSuite := base(sh)
	sh = sh13()
	sh.SupportedVersion = 0x0305
	unofferedVersion := base(sh)
	sh = sh12(0xc02b)
	sh.Version = 0x0304
	aboveMax := base(sh)
	aboveMax.Hello.Offer.Versions = []uint16{wire.VersionTLS12}
	sh = sh13()
	sh.KeyShareGroup = wire.GroupFFDHE2048
	unofferedGroup := base(sh)
	hrrShared := base(sh13())
	hrrShared.Hello.RetryRequest = &wire.ServerHello{HelloRetry: true, KeyShareGroup: wire.GroupX25519}
	loop := evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "malformed", Err: &evidence.Failure{Kind: "malformed", Subject: "HelloRetryRequest", Message: "a second HelloRetryRequest"}}}
	dup := evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "malformed", First: []byte{0x16, 3, 3}, Err: &evidence.Failure{Kind: "malformed", Subject: "ServerHello", Offset: 77, Code: "duplicate-extension", Message: "extension renegotiation_info (65281) appears twice"}}}
	bigHello := evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "too_large", Err: &evidence.Failure{Kind: "too_large", Subject: "ServerHello", Size: 1 << 20, Limit: 1 << 18, Message: "too large"}}}
	bigCert := evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "too_large", Err: &evidence.Failure{Kind: "too_large", Subject: "Certificate", Size: 10 << 20, Limit: 1 << 18, Message: "too large"}}}
	gaveUp := evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Outcome: "server_hello", ServerHello: sh13(), Offer: offerOf(def, host)},
		Handshake: &evidence.Handshake{Err: failure("other", "tls: unexpected message")}}
	tests := []struct {
		name string
		a    evidence.Address
		w    want
	}{
		{"unoffered-suite", unofferedSuite, want{cause: cause.HandshakeMalformed, rule: ruleUnofferedSuite, side: ServerSide, evidence: "TLS_RSA_WITH_RC4_128_SHA"}},
		{"unoffered-version", unofferedVersion, want{cause: cause.HandshakeMalformed, rule: ruleUnofferedVersion}},
		{"above-max-version", aboveMax, want{cause: cause.HandshakeMalformed, rule: ruleUnofferedVersion}},
		{"unoffered-group", unofferedGroup, want{cause: cause.HandshakeMalformed, rule: ruleUnofferedGroup, evidence: "ffdhe2048"}},
		{"hrr-for-a-share-sent", hrrShared, want{cause: cause.HandshakeMalformed, rule: ruleUnofferedGroup, evidence: "already"}},
		{"retry-loop", loop, want{cause: cause.HandshakeMalformed, rule: ruleRetryLoop}},
		{"duplicate-extension", dup, want{cause: cause.HandshakeMalformed, rule: ruleMalformed, evidence: "appears twice"}},
		{"oversized-server-hello", bigHello, want{cause: cause.HandshakeMalformed, rule: ruleOversizedMessage}},
		{"oversized-certificate", bigCert, want{cause: cause.CertTooLarge, rule: ruleCertTooLarge, evidence: "10485760"}},
		{"client-gave-up", gaveUp, want{cause: cause.HandshakeMalformed, rule: ruleHandshakeBroken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.w.check(t, judge(t, scenario{addr: tt.a})) })
	}
	t.Run("duplicate-extension-tolerated-by-java", func(t *testing.T) {
		want{cause: cause.OK, rule: ruleToleratedMalformation, finding: "refuse this ServerHello"}.check(t, judge(t, scenario{profile: "java-17", addr: dup}))
	})
}

// negotiationScenario is a refused profile hello with follow-ups; accepted
// names the follow-up the server accepts and sh its ServerHello.
func negotiationScenario(p *profile.Profile, sni string, refusal *wire.Alert, accepted string, change evidence.Offer, sh *wire.ServerHello) evidence.Address {
	base := offerOf(p, sni)
	h := evidence.Hello{Name: "profile", Outcome: "alert", Alert: refusal, Offer: base}
	if refusal == nil {
		h.Outcome = "eof"
	}
	a := evidence.Address{Addr: "192.0.2.1:443", Hello: &h}
	for i := 1; i <= 2; i++ {
		r := h
		r.Name = fmt.Sprintf("repeat-%d", i)
		a.Repeats = append(a.Repeats, r)
	}
	names := []string{"with-sni", "all-groups", "all-suites", "all-sigalgs", "only-TLS 1.1", "only-TLS 1.0", "only-TLS 1.1-all", "only-TLS 1.0-all"}
	for _, n := range names {
		v := h
		v.Name, v.Change = n, "change "+n
		if n == accepted {
			v.Outcome, v.Alert, v.ServerHello, v.Offer = "server_hello", nil, sh, change
		}
		a.Variants = append(a.Variants, v)
	}
	if accepted != "" && !slices.Contains(names, accepted) {
		a.Variants = append(a.Variants, evidence.Hello{Name: accepted, Change: "change " + accepted, Outcome: "server_hello", ServerHello: sh, Offer: change})
	}
	return a
}

func TestNegotiationRules(t *testing.T) {
	def := mustProfile("default")
	java6 := mustProfile("java-6")
	nginx := mustProfile("nginx-proxy")
	p521 := *def
	p521.Groups, p521.KeyShares = []uint16{wire.GroupP521}, nil
	withSNI := offerOf(nginx, host)
	withSNI.SNI = host
	allGroups := offerOf(def, host)
	allGroups.Groups = []uint16{wire.GroupX25519, wire.GroupP256, wire.GroupP521}
	allSuites := offerOf(def, host)
	allSuites.Suites = append(slices.Clone(def.CipherSuites), 0x000a, 0x0005)
	tls10 := offerOf(def, host)
	tls10.Versions = []uint16{wire.VersionTLS10}
	tls12all := offerOf(java6, "")
	tls12all.Versions, tls12all.Suites = []uint16{wire.VersionTLS12}, []uint16{0xc02f}

	shGroup := func(g uint16) *wire.ServerHello { s := sh13(); s.KeyShareGroup = g; return s }
	rc4, tdes := sh12(0x0005), sh12(0x000a)
	modern := sh12(0xc02f)
	old := sh12(0x002f)
	old.Version = wire.VersionTLS10

	tests := []struct {
		name string
		s    scenario
		w    want
	}{
		{"sni-added", scenario{profile: "nginx-proxy", addr: negotiationScenario(nginx, "", alert(wire.AlertUnrecognizedName), "with-sni", withSNI, sh13())},
			want{cause: cause.SNIRequired, rule: ruleSNIAdded, side: ClientSide, fix: "proxy_ssl_server_name on", evidence: "alert fatal unrecognized_name (112) (each time)"}},
		{"group-server-unusual", scenario{addr: negotiationScenario(def, host, alert(wire.AlertHandshakeFailure), "all-groups", allGroups, shGroup(wire.GroupP521))},
			want{cause: cause.GroupMismatch, rule: ruleGroupServer, side: ServerSide, fix: "enable x25519 and p-256"}},
		{"group-client-behind", scenario{addr: negotiationScenario(&p521, host, alert(wire.AlertHandshakeFailure), "all-groups", allGroups, shGroup(wire.GroupX25519))},
			want{cause: cause.GroupMismatch, rule: ruleGroupClient, side: ClientSide, fix: "configure the client to offer x25519"}},
		{"cipher-server-3des", scenario{addr: negotiationScenario(def, host, alert(wire.AlertHandshakeFailure), "all-suites", allSuites, tdes)},
			want{cause: cause.CipherMismatch, rule: ruleCipherServer, side: ServerSide, fix: "do not enable tls_rsa_with_3des", notFix: "stop-gap"}},
		{"cipher-server-cbc", scenario{addr: negotiationScenario(def, host, alert(wire.AlertHandshakeFailure), "all-suites", allSuites, sh12(0x002f))},
			want{cause: cause.CipherMismatch, rule: ruleCipherServer, side: ServerSide, fix: "stop-gap only"}},
		{"cipher-server-rc4-never-on-client", scenario{addr: negotiationScenario(def, host, alert(wire.AlertHandshakeFailure), "all-suites", allSuites, rc4)},
			want{cause: cause.CipherMismatch, rule: ruleCipherServer, fix: "rfc 7465", notFix: "stop-gap"}},
		{"cipher-client-behind", scenario{profile: "java-6", addr: negotiationScenario(java6, "", alert(wire.AlertHandshakeFailure), "all-suites", allSuites, modern)},
			want{cause: cause.CipherMismatch, rule: ruleCipherClient, side: ClientSide}},
		{"version-server-behind", scenario{addr: negotiationScenario(def, host, alert(wire.AlertProtocolVersion), "only-TLS 1.0", tls10, old)},
			want{cause: cause.ProtocolVersionMismatch, rule: ruleVersionServer, side: ServerSide, fix: "enable tls 1.2 and tls 1.3 on the server", notFix: "enable tls 1.0 on the client"}},
		{"version-client-behind", scenario{profile: "java-6", addr: negotiationScenario(java6, "", alert(wire.AlertProtocolVersion), "only-TLS 1.2-all", tls12all, modern)},
			want{cause: cause.ProtocolVersionMismatch, rule: ruleVersionClient, side: ClientSide, fix: "enable tls 1.2 (or later) on the client", notFix: "on the server's listener",
				evidence: "offering TLS 1.2 alone, with the client's own suites, was refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.w.check(t, judge(t, tt.s)) })
	}

	t.Run("sigalg", func(t *testing.T) {
		allSigs := offerOf(def, host)
		allSigs.SigAlgs = append(slices.Clone(def.SignatureAlgorithms), wire.SigEd25519)
		ed := leaf(pki.Spec{Key: "ed25519"})
		a := negotiationScenario(def, host, alert(wire.AlertHandshakeFailure), "all-sigalgs", allSigs, sh13())
		a.Handshake = &evidence.Handshake{OK: true, Certificates: ders(ed.Cert, thePKI().inter.Cert)}
		want{cause: cause.CipherMismatch, rule: ruleSigAlgServer, side: ServerSide, fix: "ecdsa p-256 or rsa certificate"}.check(t, judge(t, scenario{addr: a}))
		a.Handshake = &evidence.Handshake{OK: true, Certificates: ders(leaf(pki.Spec{}).Cert, thePKI().inter.Cert)}
		want{cause: cause.CipherMismatch, rule: ruleSigAlgClient, side: ClientSide}.check(t, judge(t, scenario{addr: a}))
	})
	t.Run("downgraded-serverhello", func(t *testing.T) {
		a := negotiationScenario(def, host, nil, "", evidence.Offer{}, nil)
		a.Hello.Outcome, a.Hello.ServerHello = "server_hello", old
		want{cause: cause.ProtocolVersionMismatch, rule: ruleVersionDowngrade, side: ServerSide, fix: "enable tls 1.2"}.check(t, judge(t, scenario{addr: a}))
	})
	t.Run("protocol-version-alert-only", func(t *testing.T) {
		a := negotiationScenario(def, host, alert(wire.AlertProtocolVersion), "", evidence.Offer{}, nil)
		want{cause: cause.ProtocolVersionMismatch, rule: ruleVersionAlert, alt: cause.ServerAlert}.check(t, judge(t, scenario{addr: a}))
	})
	t.Run("unrecognized-name-without-a-name", func(t *testing.T) {
		a := negotiationScenario(def, "", alert(wire.AlertUnrecognizedName), "", evidence.Offer{}, nil)
		s := scenario{addr: a, target: evidence.Target{Input: "https://192.0.2.1/", Host: "192.0.2.1", Port: 443, ServerName: "192.0.2.1", IsIP: true, HTTP: true}}
		d := judge(t, s)
		want{cause: cause.SNIRequired, rule: ruleSNIUnrecognizedNoName, fix: "--servername"}.check(t, d)
		if strings.Contains(strings.Join(d.Fix, " "), "for  on") || strings.Contains(d.Summary, `""`) {
			t.Errorf("an empty name in the verdict: %s %v", d.Summary, d.Fix)
		}
	})
	t.Run("unrecognized-name-for-the-name-sent", func(t *testing.T) {
		a := negotiationScenario(def, host, alert(wire.AlertUnrecognizedName), "", evidence.Offer{}, nil)
		want{cause: cause.ServerAlert, rule: ruleSNIUnrecognized, side: ServerSide, fix: "virtual host"}.check(t, judge(t, scenario{addr: a}))
	})
	t.Run("two-ways-out", func(t *testing.T) {
		// A P-521-only server that also takes static RSA: both follow-ups
		// are accepted; the group is the verdict, the other a finding.
		a := negotiationScenario(def, host, alert(wire.AlertHandshakeFailure), "all-groups", allGroups, shGroup(wire.GroupP521))
		for i := range a.Variants {
			if a.Variants[i].Name == "all-suites" {
				a.Variants[i].Outcome, a.Variants[i].Alert, a.Variants[i].ServerHello, a.Variants[i].Offer = "server_hello", nil, sh12(0x002f), allSuites
			}
		}
		want{cause: cause.GroupMismatch, rule: ruleGroupServer, finding: "also accepts"}.check(t, judge(t, scenario{addr: a}))
	})
	t.Run("renegotiation-unsafe", func(t *testing.T) {
		curl := mustProfile("curl")
		a := healthy(curl, ders(leaf(pki.Spec{}).Cert, thePKI().inter.Cert))
		a.Hello.ServerHello = sh12(0xc02b)
		a.Hello.ServerHello.ExtensionTypes = []uint16{wire.ExtExtendedMasterSecret}
		want{cause: cause.RenegotiationUnsafe, rule: ruleRenegotiation, side: ServerSide, evidence: "without it"}.check(t, judge(t, scenario{profile: "curl", addr: a}))
		// Go does not require RFC 5746.
		want{cause: cause.OK}.check(t, judge(t, scenario{profile: "go", addr: a}))
	})
}

func TestClientCertAndHandshakeRules(t *testing.T) {
	def := mustProfile("default")
	chain := ders(leaf(pki.Spec{}).Cert, thePKI().inter.Cert)
	withCR := func(hs *evidence.Handshake, h *evidence.HTTP) evidence.Address {
		a := healthy(def, chain)
		hs.CertificateRequested, hs.Certificates = true, chain
		a.Handshake, a.HTTP = hs, h
		return a
	}
	nginx400 := &evidence.HTTP{Request: "GET / HTTP/1.1", Outcome: "response", StatusLine: "HTTP/1.1 400 Bad Request", StatusCode: 400,
		Body: []byte("<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body><center><h1>400 Bad Request</h1></center></body></html>")}
	forbidden := &evidence.HTTP{Request: "GET / HTTP/1.1", Outcome: "response", StatusLine: "HTTP/1.1 403 Forbidden", StatusCode: 403}
	tests := []struct {
		name string
		a    evidence.Address
		w    want
	}{
		{"certificate-required-alert", withCR(&evidence.Handshake{Err: failure("alert", "remote error: tls: certificate required"), Alert: alert(wire.AlertCertificateRequired)}, nil),
			want{cause: cause.ClientCertRequired, rule: ruleClientCertAlert, side: ClientSide, evidence: "certificate_required"}},
		{"bad-certificate-alert-tls12", withCR(&evidence.Handshake{Err: failure("alert", "remote error: tls: bad certificate"), Alert: alert(wire.AlertBadCertificate)}, nil),
			want{cause: cause.ClientCertRequired, rule: ruleClientCertAlert}},
		{"post-handshake-alert-tls13", withCR(&evidence.Handshake{OK: true, Version: wire.VersionTLS13, PostHandshakeAlert: alert(wire.AlertCertificateRequired)}, nil),
			want{cause: cause.ClientCertRequired, rule: ruleClientCertAlert}},
		{"alert-that-is-not-about-the-certificate", withCR(&evidence.Handshake{Err: failure("alert", "remote error: tls: internal error"), Alert: alert(wire.AlertInternalError)}, nil),
			want{cause: cause.ServerAlert, rule: ruleHandshakeAlert, finding: "does not refuse the missing certificate"}},
		{"closed-after-request", withCR(&evidence.Handshake{Err: failure("eof", "EOF")}, nil),
			want{cause: cause.ClientCertRequired, rule: ruleClientCertClosed}},
		{"nginx-400-in-http", withCR(&evidence.Handshake{OK: true, Version: wire.VersionTLS13}, nginx400),
			want{cause: cause.ClientCertRequired, rule: ruleClientCertHTTP, evidence: "No required SSL certificate was sent"}},
		{"nginx-496", withCR(&evidence.Handshake{OK: true}, &evidence.HTTP{Outcome: "response", StatusLine: "HTTP/1.1 496", StatusCode: 496}),
			want{cause: cause.ClientCertRequired, rule: ruleClientCertHTTP}},
		{"403-after-request", withCR(&evidence.Handshake{OK: true}, forbidden),
			want{cause: cause.ClientCertRequired, rule: ruleClientCertHTTP403, alt: cause.OK}},
		{"optional-client-auth", withCR(&evidence.Handshake{OK: true}, &evidence.HTTP{Outcome: "response", StatusLine: "HTTP/1.1 200 OK", StatusCode: 200}),
			want{cause: cause.OK, rule: ruleHTTPResponse, finding: "optional client authentication"}},
		{"alert-mid-handshake", func() evidence.Address {
			a := healthy(def, chain)
			a.Handshake = &evidence.Handshake{Err: failure("alert", "remote error: tls: internal error"), Alert: alert(wire.AlertInternalError)}
			return a
		}(), want{cause: cause.ServerAlert, rule: ruleHandshakeAlert, side: ServerSide}},
	}
	for kind, r := range map[string]*Rule{"reset": ruleHandshakeReset, "eof": ruleHandshakeClosed, "timeout": ruleHandshakeStalled} {
		a := healthy(def, chain)
		a.Handshake = &evidence.Handshake{Err: failure(kind, kind)}
		a.HandshakeRepeat = &evidence.Handshake{Err: failure(kind, kind)}
		tests = append(tests, struct {
			name string
			a    evidence.Address
			w    want
		}{"mid-handshake-" + kind, a, want{cause: r.Cause, rule: r, evidence: "the full handshake again"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.w.check(t, judge(t, scenario{addr: tt.a})) })
	}
}

// skeHello is a TLS 1.2 hello whose ServerKeyExchange is signed by signer
// with scheme, for a certificate cert.
func skeHello(t *testing.T, cert *x509.Certificate, signer crypto.Signer, scheme uint16, p *profile.Profile) evidence.Hello {
	cr, srnd := make([]byte, 32), make([]byte, 32)
	rand.Read(cr)
	rand.Read(srnd)
	params := append([]byte{3, 0, byte(wire.GroupX25519), 32}, make([]byte, 32)...)
	d := sha256.Sum256(append(append(append([]byte{}, cr...), srnd...), params...))
	sig, err := signer.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	sh := sh12(0xc02b)
	sh.Random = srnd
	return evidence.Hello{Name: "profile", Outcome: "server_hello", Offer: offerOf(p, host), ClientRandom: cr, ServerHello: sh,
		Certificates: [][]byte{cert.Raw}, ServerKeyExchange: &wire.ServerKeyExchange{Params: params, Curve: wire.GroupX25519, SigAlg: scheme, Signature: sig}}
}

func TestKeyRules(t *testing.T) {
	def := mustProfile("default")
	inter := thePKI().inter
	refused := failure("local", "tls: invalid signature by the server certificate")
	case12 := func(l *pki.Leaf, signer crypto.Signer, scheme uint16) evidence.Address {
		h := skeHello(t, l.Cert, signer, scheme, def)
		return evidence.Address{Addr: "a:1", Hello: &h, Handshake: &evidence.Handshake{Err: refused, Certificates: ders(l.Cert, inter.Cert)}}
	}
	ec := leaf(pki.Spec{})
	other := leaf(pki.Spec{})
	rsaLeaf := leaf(pki.Spec{Key: "rsa2048"})
	small := leaf(pki.Spec{Key: "rsa512"})
	t.Run("bad-signature", func(t *testing.T) {
		want{cause: cause.KeyMismatch, rule: ruleKeyBadSignature, side: ServerSide, evidence: "does not verify"}.check(t, judge(t, scenario{addr: case12(ec, other.Key, wire.SigECDSAP256)}))
	})
	t.Run("wrong-key-type", func(t *testing.T) {
		want{cause: cause.KeyMismatch, rule: ruleKeyWrongType}.check(t, judge(t, scenario{addr: case12(rsaLeaf, ec.Key, wire.SigECDSAP256)}))
	})
	t.Run("matching-key-refused-for-another-reason", func(t *testing.T) {
		d := judge(t, scenario{addr: case12(ec, ec.Key, wire.SigECDSAP256)})
		if d.Cause == cause.KeyMismatch {
			t.Fatalf("a signature that verifies is no key mismatch: %s", d.Summary)
		}
	})
	t.Run("small-key-is-weak-not-mismatched", func(t *testing.T) {
		d := judge(t, scenario{addr: case12(small, small.Key, wire.SigRSAPKCS1SHA256)})
		want{cause: cause.WeakKey, rule: ruleCertWeakKey, finding: "was not checked"}.check(t, d)
	})
	t.Run("tls13-refused-no-proof", func(t *testing.T) {
		a := healthy(def, ders(ec.Cert, inter.Cert))
		a.Handshake = &evidence.Handshake{Err: refused, Certificates: ders(ec.Cert, inter.Cert)}
		want{cause: cause.KeyMismatch, rule: ruleKeyRefused, alt: cause.HandshakeMalformed}.check(t, judge(t, scenario{addr: a}))
	})
	t.Run("weak-dh-for-openssl", func(t *testing.T) {
		curl := mustProfile("curl")
		a := healthy(curl, ders(rsaLeaf.Cert, inter.Cert))
		a.Hello.ServerHello = sh12(0x009e)
		a.Hello.ServerKeyExchange = &wire.ServerKeyExchange{DHPBits: 1024}
		want{cause: cause.WeakKey, rule: ruleWeakDH, side: ServerSide, fix: "2048"}.check(t, judge(t, scenario{profile: "curl", addr: a}))
		want{cause: cause.OK}.check(t, judge(t, scenario{profile: "java-17", addr: a}))
	})
	t.Run("composite-dh-is-a-finding", func(t *testing.T) {
		curl := mustProfile("curl")
		a := healthy(curl, ders(rsaLeaf.Cert, inter.Cert))
		a.Hello.ServerHello = sh12(0x009e)
		p := new(big.Int).Mul(must(rand.Prime(rand.Reader, 1024)), must(rand.Prime(rand.Reader, 1024)))
		pb := p.Bytes()
		params := append([]byte{byte(len(pb) >> 8), byte(len(pb))}, pb...)
		params = append(params, 0, 1, 2, 0, 1, 5)
		a.Hello.ServerKeyExchange = &wire.ServerKeyExchange{DHPBits: p.BitLen(), Params: params}
		want{cause: cause.OK, finding: "not a prime"}.check(t, judge(t, scenario{profile: "curl", addr: a}))
	})
}

func TestCertificateRules(t *testing.T) {
	k := thePKI()
	def := mustProfile("default")
	now := time.Now()
	chainOf := func(l *pki.Leaf, more ...*x509.Certificate) evidence.Address {
		return healthy(def, ders(append([]*x509.Certificate{l.Cert}, more...)...))
	}
	inter := k.inter.Cert
	crit := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55555, 1}, Critical: true, Value: []byte{5, 0}}
	selfSigned := must(pki.SelfSignedLeaf(pki.Spec{CN: host, DNS: []string{host}}))
	privLeaf := must(k.privInt.Leaf(pki.Spec{CN: host, DNS: []string{host}}, k.private.Cert))
	i1Leaf := must(k.i1.Leaf(pki.Spec{CN: host, DNS: []string{host}}, k.i2.Cert, k.root.Cert))
	many := []string{host}
	for i := 0; len(many) < 7000; i++ {
		many = append(many, fmt.Sprintf("h%05d.%s", i, host))
	}
	tests := []struct {
		name string
		s    scenario
		w    want
	}{
		{"expired", scenario{addr: chainOf(leaf(pki.Spec{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}), inter)},
			want{cause: cause.CertExpired, rule: ruleCertExpired, side: ServerSide, fix: "renew"}},
		{"expired-at-a-chosen-time", scenario{at: now.Add(400 * 24 * time.Hour), addr: chainOf(leaf(pki.Spec{}), inter)},
			want{cause: cause.CertExpired, rule: ruleCertExpired}},
		{"not-yet-valid", scenario{addr: chainOf(leaf(pki.Spec{NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(48 * time.Hour)}), inter)},
			want{cause: cause.CertNotYetValid, rule: ruleCertNotYetValid, fix: "clock"}},
		{"hostname", scenario{addr: chainOf(leaf(pki.Spec{CN: "other.test", DNS: []string{"other.test"}}), inter)},
			want{cause: cause.HostnameMismatch, rule: ruleCertHostname, fix: "subjectaltname covers"}},
		{"cn-only", scenario{addr: chainOf(leaf(pki.Spec{DNS: []string{}}), inter)},
			want{cause: cause.CNWithoutSAN, rule: ruleCertCNOnly}},
		{"sha1-leaf", scenario{addr: chainOf(leaf(pki.Spec{SigAlg: x509.ECDSAWithSHA1}), inter)},
			want{cause: cause.WeakSignature, rule: ruleCertWeakSignature}},
		{"rsa1024", scenario{addr: chainOf(leaf(pki.Spec{Key: "rsa1024"}), inter)},
			want{cause: cause.WeakKey, rule: ruleCertWeakKey}},
		{"client-auth-only", scenario{addr: chainOf(leaf(pki.Spec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}), inter)},
			want{cause: cause.BadKeyUsage, rule: ruleCertKeyUsage}},
		{"client-auth-only-wget", scenario{profile: "wget", addr: chainOf(leaf(pki.Spec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}), inter)},
			want{cause: cause.OK, finding: "this client does not check it"}},
		{"leaf-is-ca-firefox", scenario{profile: "firefox", addr: chainOf(leaf(pki.Spec{IsCA: true}), inter)},
			want{cause: cause.CertInvalid, rule: ruleCertInvalid}},
		{"leaf-is-ca-accepted-by-openssl-go-java", scenario{profile: "curl", addr: chainOf(leaf(pki.Spec{IsCA: true}), inter)},
			want{cause: cause.OK, finding: "Firefox refuses"}},
		{"unknown-critical-extension", scenario{addr: chainOf(leaf(pki.Spec{Extensions: []pkix.Extension{crit}}), inter)},
			want{cause: cause.CertInvalid, rule: ruleCertInvalid, evidence: ""}},
		{"self-signed", scenario{addr: chainOf(selfSigned)},
			want{cause: cause.SelfSigned, rule: ruleCertSelfSigned, artifact: "ca.pem"}},
		{"untrusted-root-sent", scenario{addr: chainOf(privLeaf, k.privInt.Cert, k.private.Cert)},
			want{cause: cause.UntrustedRoot, rule: ruleCertUntrustedRoot, side: ClientSide, fix: "trust store", artifact: "ca.pem"}},
		{"missing-root-by-name", scenario{addr: chainOf(privLeaf, k.privInt.Cert)},
			want{cause: cause.UntrustedRoot, rule: ruleCertMissingRoot, alt: cause.ChainIncomplete, artifact: "-"}},
		{"missing-upper-intermediate", scenario{addr: chainOf(i1Leaf, k.i1.Cert)},
			want{cause: cause.ChainIncomplete, rule: ruleCertMissingIssuer, side: ServerSide, alt: cause.UntrustedRoot, fix: "serve the full chain", artifact: "-",
				evidence: "same organisation"}},
		{"leaf-alone", scenario{addr: chainOf(leaf(pki.Spec{}))},
			want{cause: cause.ChainIncomplete, rule: ruleCertMissingIssuer, alt: cause.UntrustedRoot, artifact: "-"}},
		{"leaf-alone-aia", scenario{addr: chainOf(leaf(pki.Spec{})), aia: [][]byte{inter.Raw}},
			want{cause: cause.ChainIncomplete, rule: ruleCertChainIncompleteFound, artifact: "fullchain.pem", evidence: "AIA URL"}},
		{"chain-too-long", scenario{profile: "nginx-proxy-verify", extra: [][]byte{k.root.Cert.Raw}, addr: chainOf(i1Leaf, k.i1.Cert, k.i2.Cert)},
			want{cause: cause.ChainTooLong, rule: ruleCertChainTooLong, side: ClientSide, fix: "proxy_ssl_verify_depth 2"}},
		{"any-root-needs-the-root-sent", scenario{profile: "aws-apigw-rest-skip-verify", addr: chainOf(privLeaf, k.privInt.Cert)},
			want{cause: cause.ChainIncomplete, rule: ruleCertNoRootSent, side: ServerSide, fix: "append", notFix: "trust store"}},
		{"any-root-self-signed-leaf", scenario{profile: "aws-apigw-rest-skip-verify", addr: chainOf(selfSigned)},
			want{cause: cause.SelfSigned, rule: ruleCertSelfSigned, fix: "ca:true and keyusage keycertsign", notFix: "trust this exact certificate", artifact: "-"}},
		{"public-store-cannot-take-a-ca", scenario{profile: "aws-apigw-rest", extra: [][]byte{k.private.Cert.Raw}, addr: chainOf(privLeaf, k.privInt.Cert, k.private.Cert)},
			want{cause: cause.UntrustedRoot, rule: ruleCertUntrustedRoot, side: ServerSide, fix: "fixed list", notFix: "add the ca", artifact: "-"}},
		{"any-root-sent", scenario{profile: "aws-apigw-rest-skip-verify", addr: chainOf(privLeaf, k.privInt.Cert, k.private.Cert)},
			want{cause: cause.OK}},
		{"certificate-message-too-large", scenario{profile: "curl", addr: chainOf(leaf(pki.Spec{DNS: many}), inter)},
			want{cause: cause.CertTooLarge, rule: ruleCertTooLarge, side: ServerSide, fix: "split the names"}},
		{"too-large-for-java-not-go", scenario{profile: "go", addr: chainOf(leaf(pki.Spec{DNS: many}), inter)},
			want{cause: cause.OK}},
		{"unparseable", scenario{addr: healthy(def, [][]byte{{0x30, 0x03, 1, 2, 3}})},
			want{cause: cause.CertInvalid, rule: ruleCertUnparseable}},
		{"no-verification", scenario{profile: "nginx-proxy", addr: chainOf(selfSigned)},
			want{cause: cause.OK, rule: ruleHTTPResponse, finding: "does not verify"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.w.check(t, judge(t, tt.s)) })
	}

	t.Run("missing-root-known-elsewhere", func(t *testing.T) {
		// The client trusts only its bundle; the missing root is in the
		// system store tlsdoctor knows: a root, proved.
		run, p := scenario{profile: "nginx-proxy-verify", extra: [][]byte{k.private.Cert.Raw}, addr: chainOf(leaf(pki.Spec{}), inter)}.run()
		run.NoSystemRoots = false
		d := Run(run, Options{Profile: p, SystemRoots: func() *x509.CertPool { return pki.Pool(k.root.Cert) }, SystemRootCerts: func() []*x509.Certificate { return []*x509.Certificate{k.root.Cert} }})
		want{cause: cause.UntrustedRoot, rule: ruleCertUntrustedRoot, artifact: "ca.pem"}.check(t, d)
	})
	t.Run("sni-cures-the-default-certificate", func(t *testing.T) {
		nv := mustProfile("nginx-proxy-verify")
		wrong := must(k.inter.Leaf(pki.Spec{CN: "default.test", DNS: []string{"default.test"}}))
		a := healthy(nv, ders(wrong.Cert))
		a.Hello.Offer.SNI = ""
		a.AltHandshake = &evidence.Handshake{SNI: host, OK: true, Certificates: ders(leaf(pki.Spec{}).Cert, inter)}
		s := scenario{profile: "nginx-proxy-verify", extra: [][]byte{k.root.Cert.Raw}, addr: a}
		want{cause: cause.SNIRequired, rule: ruleCertSNICures, side: ClientSide, fix: "proxy_ssl_server_name on", finding: "default certificate"}.check(t, judge(t, s))
	})
	t.Run("not-read", func(t *testing.T) {
		a := healthy(def, nil)
		want{cause: cause.OK, rule: ruleNotJudged}.check(t, judge(t, scenario{addr: a}))
	})
	t.Run("go-refused-what-the-client-accepts", func(t *testing.T) {
		a := healthy(def, nil)
		a.Hello.Certificates = ders(leaf(pki.Spec{}).Cert, inter)
		a.Hello.ServerHello = sh12(0xc02b)
		a.Handshake = &evidence.Handshake{Err: failure("alert", "remote error: tls: handshake failure"), Alert: alert(wire.AlertHandshakeFailure)}
		a.HTTP = nil
		want{cause: cause.OK, rule: ruleNotCompleted, finding: "was refused"}.check(t, judge(t, scenario{addr: a}))
	})
}

func TestHTTPRules(t *testing.T) {
	def := mustProfile("default")
	chain := ders(leaf(pki.Spec{}).Cert, thePKI().inter.Cert)
	tests := []struct {
		name string
		h    *evidence.HTTP
		w    want
	}{
		{"response", &evidence.HTTP{Outcome: "response", StatusLine: "HTTP/1.1 200 OK", StatusCode: 200, Interim: 1}, want{cause: cause.OK, rule: ruleHTTPResponse, evidence: "interim"}},
		{"server-error-is-a-finding", &evidence.HTTP{Outcome: "response", StatusLine: "HTTP/1.1 502 Bad Gateway", StatusCode: 502}, want{cause: cause.OK, finding: "application is not"}},
		{"double-tls", &evidence.HTTP{Outcome: "tls_record", First: []byte{0x15, 3, 3, 0, 2, 2, 70}}, want{cause: cause.DoubleTLS, rule: ruleDoubleTLS, side: ServerSide}},
		{"not-http", &evidence.HTTP{Outcome: "not_http", First: []byte("220 ready\r\n")}, want{cause: cause.HTTPInvalidResponse, rule: ruleNotHTTP}},
		{"interim-only", &evidence.HTTP{Outcome: "interim_only", StatusLine: "HTTP/1.1 100 Continue", Interim: 6}, want{cause: cause.HTTPInvalidResponse, rule: ruleInterimOnly}},
		{"headers-too-large", &evidence.HTTP{Outcome: "headers_too_large", HeaderBytes: evidence.MaxHeaderBytes}, want{cause: cause.HTTPInvalidResponse, rule: ruleHeadersTooLarge}},
		{"truncated", &evidence.HTTP{Outcome: "truncated", HeaderBytes: 40, Err: failure("reset", "connection reset by peer")}, want{cause: cause.HTTPNoResponse, rule: ruleHTTPTruncated, evidence: "40 bytes"}},
		{"closed", &evidence.HTTP{Outcome: "eof"}, want{cause: cause.HTTPNoResponse, rule: ruleHTTPNoReply}},
		{"silent", &evidence.HTTP{Outcome: "timeout", Duration: time.Second}, want{cause: cause.HTTPNoResponse, rule: ruleHTTPNoReply}},
		{"alert", &evidence.HTTP{Outcome: "alert", Alert: alert(wire.AlertInternalError)}, want{cause: cause.ServerAlert, rule: ruleHTTPAlert}},
		{"tls-only", nil, want{cause: cause.OK, rule: ruleTLSOnly}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := healthy(def, chain)
			a.HTTP = tt.h
			if a.HTTP != nil {
				a.HTTP.Request = "GET / HTTP/1.1"
			}
			tt.w.check(t, judge(t, scenario{addr: a}))
		})
	}
}

func TestAddressesDisagree(t *testing.T) {
	def := mustProfile("default")
	good := healthy(def, ders(leaf(pki.Spec{}).Cert, thePKI().inter.Cert))
	bad := healthy(def, ders(leaf(pki.Spec{NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)}).Cert, thePKI().inter.Cert))
	bad.Addr = "192.0.2.2:443"
	run, p := scenario{addr: good}.run()
	run.Addresses = append(run.Addresses, bad)
	roots := pki.Pool(thePKI().root.Cert)
	run.NoSystemRoots = false
	d := Run(run, Options{Profile: p, SystemRoots: func() *x509.CertPool { return roots }})
	want{cause: cause.InconsistentBackends, rule: ruleAddressesDisagree, fix: "192.0.2.2:443"}.check(t, d)
}

// Every rule is reached by a table test above. Run with -run 'Rules|Test' as
// a whole: the check needs the others to have run.
func TestZZEveryRuleHasATableTest(t *testing.T) {
	n := 0
	produced.Range(func(any, any) bool { n++; return true })
	if testing.Short() || n < 10 {
		t.Skip("needs the whole package's tests to have run")
	}
	for _, r := range Rules() {
		if _, ok := produced.Load(r.ID); !ok {
			t.Errorf("rule %s (%s) is reached by no table test", r.ID, r.Cause)
		}
	}
}

// Every rule describes itself: an observation, and for an inferred one
// what would decide.
func TestRulesDescribeThemselves(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("rule %s twice", r.ID)
		}
		seen[r.ID] = true
		if r.Observation == "" || !r.Cause.Known() {
			t.Errorf("rule %s: observation %q, cause %s", r.ID, r.Observation, r.Cause)
		}
		if (r.Confidence == Inferred) != (r.Decides != "") {
			t.Errorf("rule %s: %s with decides %q", r.ID, r.Confidence, r.Decides)
		}
		if r.Cause == cause.OK && r.FixSide != NoSide || r.Cause != cause.OK && r.FixSide == NoSide {
			t.Errorf("rule %s: cause %s, fix side %q", r.ID, r.Cause, r.FixSide)
		}
	}
}
