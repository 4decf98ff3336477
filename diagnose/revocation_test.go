package diagnose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
	"golang.org/x/crypto/ocsp"
)

// revPKI is a root, an intermediate and leaves, minted for the rules below.
type revPKI struct {
	root, inter     *x509.Certificate
	rootKey, intKey crypto.Signer
	now             time.Time
	serial          int64
}

func newRevPKI(t *testing.T) *revPKI {
	t.Helper()
	p := &revPKI{now: time.Unix(1800000000, 0)}
	p.rootKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.intKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.root = p.mint(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Test Root"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, nil, p.rootKey.Public(), p.rootKey)
	p.inter = p.mint(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Test Intermediate"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, p.root, p.intKey.Public(), p.rootKey)
	return p
}

func (p *revPKI) mint(t *testing.T, tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) *x509.Certificate {
	t.Helper()
	p.serial++
	tmpl.SerialNumber = big.NewInt(p.serial)
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = p.now.Add(-24*time.Hour), p.now.Add(90*24*time.Hour)
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

func (p *revPKI) leaf(t *testing.T, mod func(*x509.Certificate)) *x509.Certificate {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "api.test"}, DNSNames: []string{"api.test"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
		OCSPServer: []string{"http://ocsp.test/"}, CRLDistributionPoints: []string{"http://crl.test/int.crl"}}
	if mod != nil {
		mod(tmpl)
	}
	return p.mint(t, tmpl, p.inter, k.Public(), p.intKey)
}

func (p *revPKI) ocsp(t *testing.T, leaf *x509.Certificate, status int, nextUpdate time.Time) []byte {
	t.Helper()
	resp, err := ocsp.CreateResponse(p.inter, p.inter, ocsp.Response{Status: status, SerialNumber: leaf.SerialNumber,
		ThisUpdate: p.now.Add(-time.Hour), NextUpdate: nextUpdate, RevokedAt: p.now.Add(-2 * time.Hour), RevocationReason: ocsp.KeyCompromise}, p.intKey)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (p *revPKI) crl(t *testing.T, signer crypto.Signer, revoked ...*x509.Certificate) []byte {
	t.Helper()
	var entries []x509.RevocationListEntry
	for _, c := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: p.now.Add(-time.Hour)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: p.now.Add(-time.Hour),
		NextUpdate: p.now.Add(24 * time.Hour), RevokedCertificateEntries: entries}, p.inter, signer)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// served is a run in which the server sent leaf and intermediate over a
// completed TLS 1.3 handshake, judged at p.now with the root trusted.
func (p *revPKI) served(profileID string, leaf *x509.Certificate, staple []byte, fetches ...evidence.RevocationFetch) *evidence.Run {
	r := runWith(evidence.Address{Addr: "192.0.2.1:443",
		Hello:     &evidence.Hello{Name: "profile", Outcome: "server_hello", ServerHello: &wire.ServerHello{Version: 0x0303, SupportedVersion: 0x0304, CipherSuite: 0x1301}},
		Handshake: &evidence.Handshake{OK: true, Version: 0x0304, CipherSuite: 0x1301, Certificates: [][]byte{leaf.Raw, p.inter.Raw}, OCSPResponse: staple},
		HTTP:      &evidence.HTTP{Outcome: "response", StatusCode: 200, StatusLine: "HTTP/1.1 200 OK"}})
	r.Profile, r.Revocation, r.ExtraRoots, r.NoSystemRoots = profileID, fetches, [][]byte{p.root.Raw}, true
	return r
}

func ocspFetch(leaf *x509.Certificate, resp []byte, err *evidence.Failure) evidence.RevocationFetch {
	return evidence.RevocationFetch{Kind: "ocsp", URL: "http://ocsp.test/", For: leaf.Subject.String(), Serial: leaf.SerialNumber.Text(16), Response: resp, Err: err}
}

func crlFetch(leaf *x509.Certificate, resp []byte, err *evidence.Failure) evidence.RevocationFetch {
	return evidence.RevocationFetch{Kind: "crl", URL: "http://crl.test/int.crl", For: leaf.Subject.String(), Serial: leaf.SerialNumber.Text(16), Response: resp, Err: err}
}

func TestRevocationPolicies(t *testing.T) {
	p := newRevPKI(t)
	good, revoked := p.leaf(t, nil), p.leaf(t, nil)
	mustStaple := p.leaf(t, func(c *x509.Certificate) {
		v, _ := asn1.Marshal([]int{5})
		c.ExtraExtensions = []pkix.Extension{{Id: oidTLSFeature, Value: v}}
	})
	noURLs := p.leaf(t, func(c *x509.Certificate) { c.OCSPServer, c.CRLDistributionPoints = nil, nil })
	refused := &evidence.Failure{Kind: "refused", Message: "connection refused"}
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tests := []struct {
		name   string
		run    *evidence.Run
		forced bool
		want   cause.Code
		rule   *Rule  // for a failure
		in     string // in the summary, or in a finding when the cause is OK
	}{
		{"firefox: stapled revoked", p.served("firefox", revoked, p.ocsp(t, revoked, ocsp.Revoked, p.now.Add(time.Hour))), false, cause.CertRevoked, ruleRevoked, "keyCompromise"},
		{"default client ignores the staple", p.served("default", revoked, p.ocsp(t, revoked, ocsp.Revoked, p.now.Add(time.Hour))), false, cause.OK, nil, "does not check revocation"},
		// Chromium 156 refused a stapled "revoked" response (docs/conformance.md).
		{"chrome: a stapled revoked fails", p.served("chrome", revoked, p.ocsp(t, revoked, ocsp.Revoked, p.now.Add(time.Hour))), false, cause.CertRevoked, ruleRevoked, "staples"},
		{"chrome: no online check", p.served("chrome", revoked, nil, ocspFetch(revoked, p.ocsp(t, revoked, ocsp.Revoked, p.now.Add(time.Hour)), nil)), false, cause.OK, nil, ""},
		{"nginx verifies nothing", p.served("nginx-proxy", revoked, p.ocsp(t, revoked, ocsp.Revoked, p.now.Add(time.Hour))), false, cause.OK, nil, "verifies no certificate"},
		{"--revocation for Go", p.served("go", revoked, nil, ocspFetch(revoked, p.ocsp(t, revoked, ocsp.Revoked, p.now.Add(time.Hour)), nil)), true, cause.CertRevoked, ruleRevoked, "revoked"},
		{"firefox: OCSP good", p.served("firefox", good, nil, ocspFetch(good, p.ocsp(t, good, ocsp.Good, p.now.Add(time.Hour)), nil)), false, cause.OK, nil, "not revoked per the OCSP responder"},
		{"firefox: a stale staple is no staple, must-staple fails", p.served("firefox", mustStaple, p.ocsp(t, mustStaple, ocsp.Good, p.now.Add(-time.Minute))), false, cause.RevocationUnavailable, ruleStapleMissing, "must-staple"},
		{"firefox: must-staple with a good staple", p.served("firefox", mustStaple, p.ocsp(t, mustStaple, ocsp.Good, p.now.Add(time.Hour))), false, cause.OK, nil, ""},
		{"firefox soft-fails", p.served("firefox", good, nil, ocspFetch(good, nil, refused), crlFetch(good, nil, refused)), false, cause.OK, nil, "soft-fail"},
		{"schannel hard-fails, inferred", p.served("curl-windows", good, nil, ocspFetch(good, nil, refused), crlFetch(good, nil, refused)), false, cause.RevocationUnavailable, ruleRevocationUnreachable, "cannot learn it"},
		{"schannel and a certificate that names no responder", p.served("curl-windows", noURLs, nil), false, cause.RevocationUnavailable, ruleRevocationNoSource, "cannot learn it"},
		{"schannel: the CRL lists it", p.served("curl-windows", revoked, nil, crlFetch(revoked, p.crl(t, p.intKey, revoked), nil)), false, cause.CertRevoked, ruleRevoked, "revoked"},
		{"a CRL signed by someone else counts for nothing", p.served("curl-windows", revoked, nil, crlFetch(revoked, p.crl(t, otherKey, revoked), nil)), false, cause.RevocationUnavailable, ruleRevocationUnreachable, "cannot learn"},
		{"curl --cert-status without a staple", p.served("curl", good, nil), true, cause.RevocationUnavailable, ruleStapleMissing, "stapled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run.RevocationForced = tt.forced
			d := Run(tt.run, Options{Profile: mustProfile(tt.run.Profile)})
			checkReproducers(t, tt.run, d, mustProfile(tt.run.Profile))
			if d.Cause != tt.want {
				t.Fatalf("cause %s, want %s: %s\n%v\n%v", d.Cause, tt.want, d.Summary, d.Evidence, d.Findings)
			}
			if d.Cause == cause.OK {
				found := tt.in == ""
				for _, f := range d.Findings {
					found = found || strings.Contains(f.Message, tt.in)
				}
				if !found {
					t.Fatalf("no finding with %q: %+v", tt.in, d.Findings)
				}
				return
			}
			produced.Store(d.Rule, true)
			if d.Rule != tt.rule.ID || d.Confidence != tt.rule.Confidence || !strings.Contains(d.Summary+strings.Join(d.Evidence, " "), tt.in) || len(d.Fix) == 0 {
				t.Fatalf("rule %s (%s), want %s; summary %q, evidence %v", d.Rule, d.Confidence, tt.rule.ID, d.Summary, d.Evidence)
			}
		})
	}
}
