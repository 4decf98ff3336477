package diagnose

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// An address probed with one crypto/tls handshake and no hand-built hello
// (scan --mode cert): a completed handshake is judged on its chain like any
// other; what is seen of a failed one is named, inferred until a full check.
func TestOneHandshakeRules(t *testing.T) {
	k := thePKI()
	good := ders(leaf(pki.Spec{}).Cert, k.inter.Cert)
	expired := ders(leaf(pki.Spec{NotBefore: time.Now().Add(-400 * 24 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}).Cert, k.inter.Cert)
	tlsTarget := evidence.Target{Input: host + ":443", Scheme: "tls", Host: host, Port: 443, ServerName: host, SNI: host}
	one := func(hs evidence.Handshake) evidence.Address {
		hs.SNI = host
		return evidence.Address{Addr: "192.0.2.1:443", Handshake: &hs}
	}
	done := func(v, suite uint16, chain [][]byte) evidence.Handshake {
		return evidence.Handshake{OK: true, Version: v, CipherSuite: suite, Certificates: chain}
	}
	failed := func(kind string, a *wire.Alert) evidence.Handshake {
		return evidence.Handshake{Err: failure(kind, kind), Alert: a}
	}
	requested := done(wire.VersionTLS13, 0x1301, good)
	requested.CertificateRequested = true
	tests := []struct {
		name    string
		profile string
		hs      evidence.Handshake
		w       want
	}{
		{"ok", "", done(wire.VersionTLS13, 0x1301, good), want{cause: cause.OK, rule: ruleTLSOnly}},
		{"expired", "", done(wire.VersionTLS13, 0x1301, expired), want{cause: cause.CertExpired, rule: ruleCertExpired, side: ServerSide}},
		{"version-not-offered", "android-7", done(wire.VersionTLS13, 0x1301, good), want{cause: cause.OK, rule: ruleOneUnoffered, evidence: "TLS 1.3"}},
		{"client-cert-requested", "", requested, want{cause: cause.OK, rule: ruleOneClientCert, evidence: "CertificateRequest"}},
		{"alert", "", failed("alert", alert(wire.AlertHandshakeFailure)), want{cause: cause.ServerAlert, rule: ruleOneAlert, fix: "tlsdoctor check"}},
		{"reset", "", failed("reset", nil), want{cause: cause.ResetDuringHandshake, rule: ruleOneReset, side: NetworkSide}},
		{"closed", "", failed("eof", nil), want{cause: cause.ClosedDuringHandshake, rule: ruleOneClosed}},
		{"stalled", "", failed("timeout", nil), want{cause: cause.HandshakeTimeout, rule: ruleOneStalled}},
		{"not-tls", "", failed("not_tls", nil), want{cause: cause.NotTLS, rule: ruleNotTLS}},
		{"other", "", failed("other", nil), want{cause: cause.HandshakeMalformed, rule: ruleOneFailed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := judge(t, scenario{profile: tc.profile, target: tlsTarget, addr: one(tc.hs)})
			tc.w.check(t, d)
			if tc.hs.OK && (d.Addresses[0].Negotiated == nil || len(d.Addresses[0].Certificates) == 0) {
				t.Errorf("a completed handshake without version, suite or certificates: %+v", d.Addresses[0])
			}
		})
	}
}

// The certificates the probe's TLS client parsed are used only when they
// are the ones recorded: a chain read from elsewhere is parsed afresh.
func TestParsedCertificates(t *testing.T) {
	k := thePKI()
	good, expired := leaf(pki.Spec{}), leaf(pki.Spec{NotBefore: time.Now().Add(-400 * 24 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	target := evidence.Target{Input: host + ":443", Scheme: "tls", Host: host, Port: 443, ServerName: host, SNI: host}
	for _, tc := range []struct {
		name   string
		raw    *pki.Leaf
		parsed []*x509.Certificate
		want   cause.Code
	}{
		{"same", good, []*x509.Certificate{good.Cert, k.inter.Cert}, cause.OK},
		{"same-expired", expired, []*x509.Certificate{expired.Cert, k.inter.Cert}, cause.CertExpired},
		{"other", expired, []*x509.Certificate{good.Cert, k.inter.Cert}, cause.CertExpired},
		{"shorter", expired, []*x509.Certificate{good.Cert}, cause.CertExpired},
		{"nil", expired, []*x509.Certificate{nil, nil}, cause.CertExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := &evidence.Handshake{SNI: host, OK: true, Version: wire.VersionTLS13, CipherSuite: 0x1301,
				Certificates: ders(tc.raw.Cert, k.inter.Cert), Parsed: tc.parsed}
			d := judge(t, scenario{target: target, addr: evidence.Address{Addr: "192.0.2.1:443", Handshake: hs}})
			if d.Cause != tc.want {
				t.Errorf("cause %s, want %s", d.Cause, tc.want)
			}
		})
	}
}
