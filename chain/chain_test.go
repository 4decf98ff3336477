package chain

import (
	"crypto/x509"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestVerify(t *testing.T) {
	now := time.Now()
	root := must(pki.NewRoot(pki.Spec{CN: "Test Root"}))
	inter := must(root.Intermediate(pki.Spec{CN: "Test Intermediate"}))
	other := must(pki.NewRoot(pki.Spec{CN: "Private Root"}))
	otherInter := must(other.Intermediate(pki.Spec{CN: "Private Intermediate"}))
	leaf := func(s pki.Spec) *pki.Leaf {
		if s.CN == "" {
			s.CN = "api.test"
		}
		if s.DNS == nil && s.CN == "api.test" {
			s.DNS = []string{"api.test"}
		}
		return must(inter.Leaf(s, root.Cert))
	}
	good := leaf(pki.Spec{})
	selfSigned := must(pki.SelfSignedLeaf(pki.Spec{CN: "api.test", DNS: []string{"api.test"}}))
	private := must(otherInter.Leaf(pki.Spec{CN: "api.test", DNS: []string{"api.test"}}, other.Cert))

	tests := []struct {
		name     string
		served   []*x509.Certificate
		extra    []*x509.Certificate
		opts     Options
		want     cause.Code
		also     []cause.Code // further problems expected
		findings int          // minimum findings
	}{
		{name: "good", served: []*x509.Certificate{good.Cert, inter.Cert}, want: cause.OK},
		{name: "good-with-root-sent", served: []*x509.Certificate{good.Cert, inter.Cert, root.Cert}, want: cause.OK, findings: 1},
		{name: "wrong-order", served: []*x509.Certificate{good.Cert, root.Cert, inter.Cert}, want: cause.OK, findings: 1},
		{name: "missing-intermediate", served: []*x509.Certificate{good.Cert}, want: cause.ChainIncomplete},
		{name: "missing-intermediate-aia", served: []*x509.Certificate{good.Cert}, extra: []*x509.Certificate{inter.Cert}, want: cause.ChainIncomplete},
		{name: "private-root-not-sent", served: []*x509.Certificate{private.Cert, otherInter.Cert}, want: cause.UntrustedRoot},
		{name: "private-root-sent", served: []*x509.Certificate{private.Cert, otherInter.Cert, other.Cert}, want: cause.UntrustedRoot},
		{name: "private-root-trusted", served: []*x509.Certificate{private.Cert, otherInter.Cert}, opts: Options{Roots: pki.Pool(root.Cert, other.Cert)}, want: cause.OK},
		{name: "self-signed", served: []*x509.Certificate{selfSigned.Cert}, want: cause.SelfSigned},
		{name: "self-signed-trusted-explicitly", served: []*x509.Certificate{selfSigned.Cert}, opts: Options{Roots: pki.Pool(selfSigned.Cert)}, want: cause.OK},
		{name: "expired", served: []*x509.Certificate{leaf(pki.Spec{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}).Cert, inter.Cert}, want: cause.CertExpired},
		{name: "not-yet-valid", served: []*x509.Certificate{leaf(pki.Spec{NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(48 * time.Hour)}).Cert, inter.Cert}, want: cause.CertNotYetValid},
		{name: "expired-but-judged-earlier", served: []*x509.Certificate{leaf(pki.Spec{NotBefore: now.Add(-2 * time.Hour), NotAfter: now.Add(-10 * time.Minute)}).Cert, inter.Cert}, opts: Options{At: now.Add(-30 * time.Minute)}, want: cause.OK, findings: 1},
		{name: "expires-soon", served: []*x509.Certificate{leaf(pki.Spec{NotAfter: now.Add(5 * 24 * time.Hour)}).Cert, inter.Cert}, want: cause.OK, findings: 1},
		{name: "wrong-name", served: []*x509.Certificate{leaf(pki.Spec{CN: "other.test", DNS: []string{"other.test", "*.other.test"}}).Cert, inter.Cert}, want: cause.HostnameMismatch},
		{name: "cn-only", served: []*x509.Certificate{leaf(pki.Spec{CN: "api.test", DNS: []string{}}).Cert, inter.Cert}, want: cause.CNWithoutSAN},
		{name: "cn-only-with-fallback", served: []*x509.Certificate{leaf(pki.Spec{CN: "api.test", DNS: []string{}}).Cert, inter.Cert}, opts: Options{CNFallback: true}, want: cause.OK, findings: 1},
		{name: "ip-host", served: []*x509.Certificate{leaf(pki.Spec{CN: "ip", IPs: []net.IP{net.ParseIP("127.0.0.1")}}).Cert, inter.Cert}, opts: Options{Host: "127.0.0.1"}, want: cause.OK},
		{name: "sha1-leaf", served: []*x509.Certificate{leaf(pki.Spec{SigAlg: x509.ECDSAWithSHA1}).Cert, inter.Cert}, opts: Options{RejectSHA1: true}, want: cause.WeakSignature},
		{name: "sha1-leaf-accepted", served: []*x509.Certificate{leaf(pki.Spec{SigAlg: x509.ECDSAWithSHA1}).Cert, inter.Cert}, want: cause.OK, findings: 1},
		{name: "rsa1024", served: []*x509.Certificate{leaf(pki.Spec{Key: "rsa1024"}).Cert, inter.Cert}, opts: Options{MinRSABits: 2048}, want: cause.WeakKey},
		{name: "rsa1024-go", served: []*x509.Certificate{leaf(pki.Spec{Key: "rsa1024"}).Cert, inter.Cert}, opts: Options{MinRSABits: 1024}, want: cause.OK, findings: 1},
		{name: "client-auth-only", served: []*x509.Certificate{leaf(pki.Spec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}).Cert, inter.Cert}, want: cause.BadKeyUsage},
		{name: "client-auth-only-unchecked", served: []*x509.Certificate{leaf(pki.Spec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}).Cert, inter.Cert}, opts: Options{SkipEKU: true}, want: cause.OK, findings: 1},
		{name: "leaf-is-ca", served: []*x509.Certificate{leaf(pki.Spec{IsCA: true}).Cert, inter.Cert}, opts: Options{RejectCALeaf: true}, want: cause.CertInvalid},
		{name: "leaf-is-ca-accepted", served: []*x509.Certificate{leaf(pki.Spec{IsCA: true}).Cert, inter.Cert}, want: cause.OK, findings: 1},
		{name: "expired-and-wrong-name", served: []*x509.Certificate{leaf(pki.Spec{CN: "x.test", DNS: []string{"x.test"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}).Cert, inter.Cert}, want: cause.CertExpired, also: []cause.Code{cause.HostnameMismatch}},
		{name: "nothing-sent", served: nil, want: cause.CertInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			if o.Roots == nil {
				o.Roots = pki.Pool(root.Cert)
			}
			if o.Host == "" {
				o.Host = "api.test"
			}
			o.Extra = tt.extra
			r := Verify(tt.served, o)
			if got := r.Primary(); got != tt.want {
				t.Fatalf("primary = %s, want %s; problems %+v", got, tt.want, r.Problems)
			}
			for _, c := range tt.also {
				if !r.Has(c) {
					t.Errorf("missing problem %s in %+v", c, r.Problems)
				}
			}
			if len(r.Findings) < tt.findings {
				t.Errorf("findings %d < %d: %+v", len(r.Findings), tt.findings, r.Findings)
			}
		})
	}
}

func TestChainIncompleteProvedByAIA(t *testing.T) {
	root := must(pki.NewRoot(pki.Spec{CN: "R"}))
	inter := must(root.Intermediate(pki.Spec{CN: "I"}))
	l := must(inter.Leaf(pki.Spec{CN: "a.test", DNS: []string{"a.test"}}))
	r := Verify([]*x509.Certificate{l.Cert}, Options{Roots: pki.Pool(root.Cert), Extra: []*x509.Certificate{inter.Cert}, Host: "a.test"})
	if !r.Trusted || r.Inferred || r.Primary() != cause.ChainIncomplete {
		t.Fatalf("%+v", r)
	}
	full := r.FullChain()
	if len(full) != 2 || full[1] != inter.Cert && !strings.EqualFold(full[1].Subject.CommonName, "I") {
		t.Fatalf("full chain %v", full)
	}
	// Without the AIA issuer the verdict is the same, but inferred.
	r = Verify([]*x509.Certificate{l.Cert}, Options{Roots: pki.Pool(root.Cert), Host: "a.test"})
	if r.Primary() != cause.ChainIncomplete || !r.Inferred || r.MissingIssuer == "" {
		t.Fatalf("%+v", r)
	}
}

func TestMatchName(t *testing.T) {
	for _, c := range []struct {
		p, h string
		ok   bool
	}{
		{"a.test", "a.test", true}, {"A.Test.", "a.test", true}, {"*.test.com", "a.test.com", true},
		{"*.test.com", "a.b.test.com", false}, {"*.com", "a.com", false}, {"a.test", "b.test", false},
	} {
		if MatchName(c.p, c.h) != c.ok {
			t.Errorf("MatchName(%q,%q) != %v", c.p, c.h, c.ok)
		}
	}
}

// A SHA-1 leaf under a root the client trusts: Go's verifier refuses to build
// through it, so the path is built from RootCerts and the verdict is the
// weak signature, not a missing issuer.
func TestSHA1LeafUnderTrustedRoot(t *testing.T) {
	root := must(pki.NewRoot(pki.Spec{CN: "R", Key: "rsa2048"}))
	l := must(root.Leaf(pki.Spec{CN: "a.test", DNS: []string{"a.test"}, SigAlg: x509.SHA1WithRSA}))
	opts := Options{Roots: pki.Pool(root.Cert), RootCerts: []*x509.Certificate{root.Cert}, Host: "a.test", RejectSHA1: true}
	if r := Verify([]*x509.Certificate{l.Cert}, opts); r.Primary() != cause.WeakSignature || !r.Trusted {
		t.Fatalf("%s trusted=%v %+v", r.Primary(), r.Trusted, r.Problems)
	}
	opts.RejectSHA1 = false
	if r := Verify([]*x509.Certificate{l.Cert}, opts); r.Primary() != cause.OK {
		t.Fatalf("%s %+v", r.Primary(), r.Problems)
	}
}

// BenchmarkVerifyHealthy judges a healthy leaf + intermediate chain, the
// common case of a scan: go test -bench VerifyHealthy -run '^$' ./chain
func BenchmarkVerifyHealthy(b *testing.B) {
	root := must(pki.NewRoot(pki.Spec{CN: "Bench Root"}))
	inter := must(root.Intermediate(pki.Spec{CN: "Bench Intermediate"}))
	opts := Options{Roots: pki.Pool(root.Cert), RootCerts: []*x509.Certificate{root.Cert}, Host: "api.test"}
	// Distinct leaves, as a scan sees them: nothing about the leaf repeats.
	var leaves []*x509.Certificate
	for range 64 {
		leaves = append(leaves, must(inter.Leaf(pki.Spec{CN: "api.test", DNS: []string{"api.test"}}, root.Cert)).Cert)
	}
	i := 0
	for b.Loop() {
		i++
		if r := Verify([]*x509.Certificate{leaves[i%len(leaves)], inter.Cert}, opts); !r.Trusted || len(r.Problems) != 0 {
			b.Fatalf("%+v", r.Problems)
		}
	}
}

// With a TrustKey, what x509.Verify found is remembered per chain and
// trust: the same key gives the same verdict with the call's own
// certificates, another key is judged afresh.
func TestVerifyRemembersPerTrust(t *testing.T) {
	root := must(pki.NewRoot(pki.Spec{CN: "Memo Root"}))
	inter := must(root.Intermediate(pki.Spec{CN: "Memo Intermediate"}))
	leaf := must(inter.Leaf(pki.Spec{CN: "api.test", DNS: []string{"api.test"}}, root.Cert))
	trusted, empty := pki.Pool(root.Cert), x509.NewCertPool()
	served := func() []*x509.Certificate { // parsed afresh, as each diagnosis does
		return []*x509.Certificate{must(x509.ParseCertificate(leaf.Cert.Raw)), must(x509.ParseCertificate(inter.Cert.Raw))}
	}
	type key struct{ name string }
	for i, tc := range []struct {
		roots   *x509.CertPool
		key     any
		trusted bool
	}{
		{trusted, key{"trusted"}, true},
		{trusted, key{"trusted"}, true},
		{empty, key{"empty"}, false},
		{empty, key{"empty"}, false},
		{trusted, key{"trusted"}, true},
	} {
		s := served()
		r := Verify(s, Options{Roots: tc.roots, Host: "api.test", TrustKey: tc.key})
		if r.Trusted != tc.trusted {
			t.Fatalf("call %d (%v): trusted %v, want %v (problems %v)", i, tc.key, r.Trusted, tc.trusted, r.Problems)
		}
		if tc.trusted && (r.Path[0] != s[0] || r.Path[1] != s[1]) {
			t.Errorf("call %d: the path holds another call's certificates", i)
		}
	}
}

// A remembered verification hands each call its own anchor, parsed from
// its own bundle, not an earlier call's (which the memo would keep alive).
func TestVerifyRememberedAnchorIsTheCallsOwn(t *testing.T) {
	root := must(pki.NewRoot(pki.Spec{CN: "Bundle Root"}))
	inter := must(root.Intermediate(pki.Spec{CN: "Bundle Intermediate"}))
	leaf := must(inter.Leaf(pki.Spec{CN: "a.test", DNS: []string{"a.test"}}, root.Cert))
	type key struct{ bundle string }
	for i := range 2 {
		r := must(x509.ParseCertificate(root.Cert.Raw)) // each diagnosis parses its --ca-bundle afresh
		pool := x509.NewCertPool()
		pool.AddCert(r)
		served := []*x509.Certificate{must(x509.ParseCertificate(leaf.Cert.Raw)), must(x509.ParseCertificate(inter.Cert.Raw))}
		rep := Verify(served, Options{Roots: pool, RootCerts: []*x509.Certificate{r}, Host: "a.test", TrustKey: key{"the same bundle"}})
		if !rep.Trusted || rep.Anchor != r {
			t.Errorf("call %d: trusted %v, anchor its own: %v", i, rep.Trusted, rep.Anchor == r)
		}
	}
}
