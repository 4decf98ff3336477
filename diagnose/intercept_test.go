package diagnose

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

func TestInterception(t *testing.T) {
	p := newRevPKI(t)
	genuine := p.leaf(t, nil)
	// An inspection CA named like Zscaler's, and one with a plain name.
	inspect := func(name, org string) (*x509.Certificate, func(host string) *x509.Certificate) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		ca := p.mint(t, &x509.Certificate{Subject: pkix.Name{CommonName: name, Organization: []string{org}}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign}, nil, k.Public(), k)
		return ca, func(host string) *x509.Certificate {
			lk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			return p.mint(t, &x509.Certificate{Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
				NotBefore: p.now.Add(-5 * time.Minute), NotAfter: p.now.Add(24 * time.Hour),
				ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ca, lk.Public(), k)
		}
	}
	zsCA, zs := inspect("Zscaler Intermediate Root CA (zscaler.net)", "Zscaler Inc.")
	plainCA, plain := inspect("Corp Gateway CA", "Corp")
	through := func(leaf, ca *x509.Certificate, mod func(r *evidence.Run)) *evidence.Run {
		r := runWith(evidence.Address{Addr: "api.test:443",
			Hello:     &evidence.Hello{Name: "profile", Outcome: "server_hello", ServerHello: &wire.ServerHello{Version: 0x0303, SupportedVersion: 0x0304, CipherSuite: 0x1301}},
			Handshake: &evidence.Handshake{OK: true, Version: 0x0304, Certificates: [][]byte{leaf.Raw, ca.Raw}},
			HTTP:      &evidence.HTTP{Outcome: "response", StatusCode: 200, StatusLine: "HTTP/1.1 200 OK"}})
		r.ExtraRoots, r.NoSystemRoots = [][]byte{p.root.Raw}, true
		if mod != nil {
			mod(r)
		}
		return r
	}
	viaProxy := func(direct *x509.Certificate) func(r *evidence.Run) {
		return func(r *evidence.Run) {
			r.Proxy = &evidence.Proxy{URL: "http://proxy.corp:3128", Source: "HTTPS_PROXY", Used: true}
			r.Direct = &evidence.Direct{Addr: "192.0.2.1:443", Handshake: &evidence.Handshake{OK: true, Certificates: [][]byte{direct.Raw, p.inter.Raw}}}
		}
	}
	invented := func(leaf *x509.Certificate, ca *x509.Certificate) func(r *evidence.Run) {
		return func(r *evidence.Run) {
			r.Addresses[0].Invented = &evidence.Handshake{OK: true, SNI: leaf.DNSNames[0], Certificates: [][]byte{leaf.Raw, ca.Raw}}
		}
	}
	tests := []struct {
		name    string
		run     *evidence.Run
		profile string
		want    cause.Code
		rule    *Rule
		in      string
	}{
		{"a name alone is inferred", through(zs("api.test"), zsCA, nil), "default", cause.Intercepted, ruleInterceptNamed, "Zscaler"},
		{"the direct chain differs: proved", through(plain("api.test"), plainCA, viaProxy(genuine)), "default", cause.Intercepted, ruleInterceptProved, "re-signs the chain"},
		{"an invented name minted: proved", through(plain("api.test"), plainCA, invented(plain("tlsdoctor-abc.invalid"), plainCA)), "java-17", cause.Intercepted, ruleInterceptProved, "invented name"},
		{"the same chain directly: not intercepted by the proxy", through(genuine, p.inter, viaProxy(genuine)), "default", cause.OK, nil, "passes this host's TLS through"},
		{"a client that verifies nothing connects", through(zs("api.test"), zsCA, nil), "nginx-proxy", cause.OK, nil, "verifies nothing"},
		{"an unknown private CA is only untrusted", through(plain("api.test"), plainCA, nil), "default", cause.UntrustedRoot, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run.Profile = tt.profile
			d := Run(tt.run, Options{Profile: mustProfile(tt.profile)})
			checkReproducers(t, tt.run, d, mustProfile(tt.profile))
			if d.Cause != tt.want {
				t.Fatalf("cause %s, want %s: %s\n%v", d.Cause, tt.want, d.Summary, d.Evidence)
			}
			text := d.Summary + " " + strings.Join(d.Evidence, " ")
			for _, f := range d.Findings {
				text += " " + f.Message
			}
			produced.Store(d.Rule, true)
			if !strings.Contains(text, tt.in) || tt.rule != nil && (d.Rule != tt.rule.ID || d.Confidence != tt.rule.Confidence) {
				t.Fatalf("rule %s (%s), lacks %q: %s", d.Rule, d.Confidence, tt.in, text)
			}
			if d.Cause == cause.Intercepted && !strings.Contains(strings.Join(d.Fix, " "), "trust the inspection CA deliberately") {
				t.Fatalf("fix %v", d.Fix)
			}
		})
	}
}

func TestProxyFailures(t *testing.T) {
	failed := func(pc *evidence.ProxyConnect, auth bool) *evidence.Run {
		r := runWith(evidence.Address{Addr: "api.test:443", Dial: evidence.Step{Err: pc.Err}, Proxy: pc})
		r.Proxy = &evidence.Proxy{URL: "http://proxy.corp:3128", Source: "https_proxy", Used: true, Auth: auth}
		return r
	}
	connect := func(code int, line string) *evidence.ProxyConnect {
		return &evidence.ProxyConnect{Proxy: "proxy.corp:3128", Request: "CONNECT api.test:443 HTTP/1.1", Stage: "connect", StatusCode: code, StatusLine: line,
			Err: &evidence.Failure{Kind: "proxy", Message: "the proxy answered CONNECT with " + line}}
	}
	dial := func(kind string) *evidence.Run {
		return failed(&evidence.ProxyConnect{Proxy: "proxy.corp:3128", Request: "CONNECT api.test:443 HTTP/1.1", Stage: "dial",
			Err: &evidence.Failure{Kind: kind, Message: kind}}, false)
	}
	tests := []struct {
		name string
		run  *evidence.Run
		rule *Rule
		in   string
	}{
		{"407 without credentials", failed(connect(407, "HTTP/1.1 407 Proxy Authentication Required"), false), ruleProxyAuth, "sends none"},
		{"407 with credentials", failed(connect(407, "HTTP/1.1 407 Proxy Authentication Required"), true), ruleProxyAuth, "refuses the credentials"},
		{"403", failed(connect(403, "HTTP/1.1 403 Forbidden"), false), ruleProxyStatus, "forbids"},
		{"502", failed(connect(502, "HTTP/1.1 502 Bad Gateway"), false), ruleProxyStatus, "could not connect"},
		{"504", failed(connect(504, "HTTP/1.1 504 Gateway Timeout"), false), ruleProxyStatus, "timed out"},
		{"proxy silent", dial("timeout"), ruleProxyTimeout, "never answered the TCP connection"},
		{"proxy unreachable", dial("unreachable"), ruleProxyUnreachable, "cannot be reached"},
		{"proxy name", dial("dns_not_found"), ruleProxyDNS, "does not resolve"},
		{"silent proxy", failed(&evidence.ProxyConnect{Proxy: "proxy.corp:3128", Request: "CONNECT api.test:443 HTTP/1.1", Stage: "connect",
			Err: &evidence.Failure{Kind: "timeout", Message: "i/o timeout"}, Duration: 5 * time.Second}, false), ruleProxySilent, "never answers CONNECT"},
		{"proxy down", failed(&evidence.ProxyConnect{Proxy: "proxy.corp:3128", Request: "CONNECT api.test:443 HTTP/1.1", Stage: "dial",
			Err: &evidence.Failure{Kind: "refused", Message: "connection refused"}}, false), ruleProxyRefused, "connection to the proxy was refused"},
		{"the proxy's own TLS", failed(&evidence.ProxyConnect{Proxy: "proxy.corp:443", Request: "CONNECT api.test:443 HTTP/1.1", Stage: "tls",
			Err: &evidence.Failure{Kind: "alert", Message: "remote error: tls: protocol version not supported"}}, false), ruleProxyTLS, "https:// proxy"},
		{"the proxy's certificate", func() *evidence.Run {
			pk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			self := newRevPKI(t)
			cert := self.mint(t, &x509.Certificate{Subject: pkix.Name{CommonName: "proxy.corp"}, DNSNames: []string{"proxy.corp"}}, nil, pk.Public(), pk)
			r := failed(&evidence.ProxyConnect{Proxy: "proxy.corp:443", Request: "CONNECT api.test:443 HTTP/1.1", Stage: "tunnel", ProxyCertificates: [][]byte{cert.Raw}}, false)
			r.Addresses[0].Dial.Err = nil
			return r
		}(), ruleProxyCertRefused, "refuses the certificate of the https:// proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Run(tt.run, Options{Profile: mustProfile("default")})
			checkReproducers(t, tt.run, d, mustProfile("default"))
			produced.Store(d.Rule, true)
			if d.Rule != tt.rule.ID || d.Cause != tt.rule.Cause || !strings.Contains(d.Summary, tt.in) || d.Confidence != Proved || len(d.Fix) == 0 {
				t.Fatalf("rule %s (want %s), %s: %q", d.Rule, tt.rule.ID, d.Confidence, d.Summary)
			}
		})
	}
}

func TestClientCertVerdicts(t *testing.T) {
	p := newRevPKI(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	expired := p.mint(t, &x509.Certificate{Subject: pkix.Name{CommonName: "svc"}, NotBefore: p.now.Add(-48 * time.Hour), NotAfter: p.now.Add(-time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, p.inter, k.Public(), p.intKey)
	fine := p.mint(t, &x509.Certificate{Subject: pkix.Name{CommonName: "svc"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, p.inter, k.Public(), p.intKey)
	refused := func(cert *x509.Certificate, alert *wire.Alert, keyOK bool) *evidence.Run {
		r := runWith(evidence.Address{Addr: "192.0.2.1:443",
			Hello: &evidence.Hello{Name: "profile", Outcome: "server_hello", ServerHello: &wire.ServerHello{Version: 0x0303, SupportedVersion: 0x0304, CipherSuite: 0x1301}},
			Handshake: &evidence.Handshake{OK: true, Version: 0x0304, Certificates: [][]byte{p.leaf(t, nil).Raw, p.inter.Raw}, CertificateRequested: true,
				ClientCertSent: true, AcceptableCAs: [][]byte{p.inter.RawSubject}, PostHandshakeAlert: alert}})
		r.ClientCert = &evidence.ClientCert{Certificates: [][]byte{cert.Raw}, KeyMatches: keyOK}
		r.ExtraRoots, r.NoSystemRoots = [][]byte{p.root.Raw}, true
		return r
	}
	tests := []struct {
		name string
		rule *Rule
		in   string
		run  *evidence.Run
	}{
		{"the alert names the expiry", ruleClientCertRejected, "expired", refused(expired, &wire.Alert{Level: 2, Description: 45}, true)},
		{"the alert names the key", ruleClientCertRejected, "does not belong", refused(fine, &wire.Alert{Level: 2, Description: wire.AlertDecryptError}, false)},
		{"an alert nothing local explains", ruleClientCertRejectedUnnamed, "nothing is wrong with it locally", refused(fine, &wire.Alert{Level: 2, Description: 49}, true)},
		{"an alert for another reason than the one found", ruleClientCertRejectedUnnamed, "likely reason", refused(expired, &wire.Alert{Level: 2, Description: wire.AlertUnknownCA}, true)},
		{"no alert: the likely reason", ruleClientCertRejectedClosed, "likely reason", func() *evidence.Run {
			r := refused(expired, nil, true)
			hs := r.Addresses[0].Handshake
			hs.OK, hs.Version, hs.Err = false, 0, &evidence.Failure{Kind: "eof", Message: "EOF"}
			return r
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Run(tt.run, Options{Profile: mustProfile("default")})
			checkReproducers(t, tt.run, d, mustProfile("default"))
			produced.Store(d.Rule, true)
			if d.Cause != cause.ClientCertRequired || d.Rule != tt.rule.ID || d.Confidence != tt.rule.Confidence || !strings.Contains(d.Summary, tt.in) {
				t.Fatalf("%s %s (%s): %q\n%v", d.Cause, d.Rule, d.Confidence, d.Summary, d.Evidence)
			}
		})
	}
}
