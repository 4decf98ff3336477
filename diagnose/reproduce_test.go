package diagnose

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// reproduce diagnoses run for the profile and builds its reproducers.
func reproduce(t *testing.T, run *evidence.Run, prof string) (*Diagnosis, []Reproducer) {
	t.Helper()
	p := mustProfile(prof)
	run.Profile = prof
	d := Run(run, Options{Profile: p})
	return d, Reproduce(run, d, p)
}

func refusedAt(addr string) evidence.Address {
	return evidence.Address{Addr: addr, Dial: evidence.Step{Err: &evidence.Failure{Kind: "refused", Message: "connection refused"}}}
}

func commandOf(t *testing.T, reps []Reproducer, tool string) string {
	t.Helper()
	for _, r := range reps {
		if r.Tool == tool {
			return r.Command
		}
	}
	t.Fatalf("no %s reproducer in %+v", tool, reps)
	return ""
}

// The commands dial the address the client dialled, under the name it used.
func TestReproducerAddresses(t *testing.T) {
	tests := []struct {
		name        string
		target      evidence.Target
		addr        string
		curl, sslcl string // substrings of the curl and openssl commands
	}{
		{"resolved name", evidence.Target{Host: "api.test", Port: 443, ServerName: "api.test", SNI: "api.test", HTTP: true, Path: "/health"},
			"10.0.0.5:443", "--resolve api.test:443:10.0.0.5 https://api.test:443/health", "-connect 10.0.0.5:443 -servername api.test"},
		{"--connect to another port", evidence.Target{Host: "api.test", Port: 443, ServerName: "api.test", SNI: "api.test", HTTP: true, Path: "/"},
			"10.0.0.5:8443", "--connect-to api.test:443:10.0.0.5:8443 https://api.test:443/", "-connect 10.0.0.5:8443"},
		{"IPv6", evidence.Target{Host: "api.test", Port: 443, ServerName: "api.test", SNI: "api.test", HTTP: true, Path: "/"},
			"[2001:db8::1]:443", "--resolve api.test:443:[2001:db8::1] https://api.test:443/", "-connect [2001:db8::1]:443"},
		{"IP target", evidence.Target{Host: "192.0.2.1", Port: 8443, ServerName: "192.0.2.1", IsIP: true, HTTP: true, Path: "/"},
			"192.0.2.1:8443", "curl -sS -o /dev/null https://192.0.2.1:8443/", "-connect 192.0.2.1:8443 -noservername"},
		{"IP target with --servername", evidence.Target{Host: "192.0.2.1", Port: 8443, ServerName: "api.test", SNI: "api.test", IsIP: true, HTTP: true, Path: "/"},
			"192.0.2.1:8443", "--resolve api.test:8443:192.0.2.1 https://api.test:8443/", "-servername api.test"},
		{"query quoted", evidence.Target{Host: "api.test", Port: 443, ServerName: "api.test", SNI: "api.test", HTTP: true, Path: "/a?b=1&c=2"},
			"10.0.0.5:443", "'https://api.test:443/a?b=1&c=2'", "-connect 10.0.0.5:443"},
		{"no SNI", evidence.Target{Host: "api.test", Port: 443, ServerName: "api.test", HTTP: true, Path: "/"},
			"10.0.0.5:443", "--resolve api.test:443:10.0.0.5", "-noservername"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := runWith(refusedAt(tt.addr))
			run.Target = tt.target
			run.Target.Input = "x"
			d, reps := reproduce(t, run, "default")
			if d.Cause != cause.TCPRefused {
				t.Fatalf("cause %s", d.Cause)
			}
			if c := commandOf(t, reps, "curl"); !strings.Contains(c, tt.curl) {
				t.Errorf("curl: %s\nlacks %s", c, tt.curl)
			}
			if c := commandOf(t, reps, "openssl"); !strings.Contains(c, tt.sslcl) {
				t.Errorf("openssl: %s\nlacks %s", c, tt.sslcl)
			}
			for _, r := range reps {
				if r.Addr != tt.addr || r.Expect == "" || r.What == "" || r.Kind != "fails" {
					t.Errorf("incomplete reproducer %+v", r)
				}
			}
		})
	}
}

// mint returns a root and a leaf for api.test it signs, valid as given.
func mint(t *testing.T, notBefore, notAfter time.Time) (root, leaf *x509.Certificate) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rt := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Root"}, NotBefore: notBefore.Add(-time.Hour), NotAfter: notAfter.Add(time.Hour * 24 * 365),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, rt, rt, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	root, _ = x509.ParseCertificate(der)
	lk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	lt := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "api.test"}, DNSNames: []string{"api.test"},
		NotBefore: notBefore, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err = x509.CreateCertificate(rand.Reader, lt, root, &lk.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ = x509.ParseCertificate(der)
	return root, leaf
}

// servedRun is a run whose server sends leaf and answers HTTP 200.
func servedRun(root, leaf *x509.Certificate) *evidence.Run {
	a := evidence.Address{Addr: "10.0.0.5:443",
		Hello:     &evidence.Hello{Name: "profile", Outcome: "server_hello", ServerHello: &wire.ServerHello{Version: 0x0303, SupportedVersion: 0x0304, CipherSuite: 0x1301}},
		Handshake: &evidence.Handshake{SNI: "api.test", OK: true, Version: 0x0304, CipherSuite: 0x1301, Certificates: [][]byte{leaf.Raw}},
		HTTP:      &evidence.HTTP{Request: "GET / HTTP/1.1", Outcome: "response", StatusLine: "HTTP/1.1 200 OK", StatusCode: 200}}
	run := runWith(a)
	run.Target.Path = "/"
	run.ExtraRoots = [][]byte{root.Raw}
	return run
}

// The CA file is the one the user gave; several become one to write; none
// known (an offline diagnosis) says so; a client that cannot be given one
// gets none.
func TestReproducerCAFiles(t *testing.T) {
	start := time.Unix(1800000000, 0)
	root, leaf := mint(t, start.Add(-48*time.Hour), start.Add(-time.Hour))
	tests := []struct {
		name, profile string
		files         []string
		want          string // in the openssl command
		wantNot       string
		needs         string
		cause         cause.Code
		expect        string
	}{
		{"one file", "default", []string{"corp ca.pem"}, "-CAfile 'corp ca.pem'", "", "", cause.CertExpired, "verify error:num=10:certificate has expired"},
		{"two files", "default", []string{"a.pem", "b.pem"}, "-CAfile ca-bundle.pem", "", "cat a.pem b.pem > ca-bundle.pem", cause.CertExpired, "verify error:num=10:certificate has expired"},
		{"offline", "default", nil, "-CAfile ca-bundle.pem", "", "given to the check with --ca-bundle", cause.CertExpired, "verify error:num=10:certificate has expired"},
		// AWS REST APIs cannot be given a CA: the tools' default store stands in for AWS's list.
		{"a client with a fixed CA list", "aws-apigw-rest", []string{"corp.pem"}, "-verify_hostname api.test", "-CAfile", "", cause.UntrustedRoot, "verify error:num=20:unable to get local issuer certificate"},
		{"bundle-only", "nginx-proxy-verify", []string{"corp.pem"}, "-CAfile corp.pem", "", "", cause.CertExpired, "verify error:num=10:certificate has expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := servedRun(root, leaf)
			run.CAFiles = tt.files
			d, reps := reproduce(t, run, tt.profile)
			if d.Cause != tt.cause {
				t.Fatalf("cause %s: %s", d.Cause, d.Summary)
			}
			var ssl *Reproducer
			for i := range reps {
				if reps[i].Tool == "openssl" {
					ssl = &reps[i]
				}
			}
			if ssl == nil {
				t.Fatalf("no openssl reproducer: %+v", reps)
			}
			if !strings.Contains(ssl.Command, tt.want) || tt.wantNot != "" && strings.Contains(ssl.Command, tt.wantNot) {
				t.Fatalf("%s", ssl.Command)
			}
			if ssl.Expect != tt.expect {
				t.Fatalf("expect %q", ssl.Expect)
			}
			if got := strings.Join(ssl.Needs, "\n"); tt.needs == "" && got != "" || !strings.Contains(got, tt.needs) {
				t.Fatalf("needs %q, want %q", got, tt.needs)
			}
		})
	}
}

// A run judged at another time (--at) is reproduced at that time with
// openssl -attime; curl, which cannot, gives none.
func TestReproducerAtAnotherTime(t *testing.T) {
	start := time.Unix(1800000000, 0)
	root, leaf := mint(t, start.Add(-48*time.Hour), start.Add(24*time.Hour))
	run := servedRun(root, leaf)
	run.At = start.Add(30 * 24 * time.Hour)
	run.CAFiles = []string{"ca.pem"}
	d, reps := reproduce(t, run, "default")
	if d.Cause != cause.CertExpired || len(reps) != 1 || reps[0].Tool != "openssl" || !strings.Contains(reps[0].Command, "-attime 1802592000") {
		t.Fatalf("%s %+v", d.Cause, reps)
	}
}

// A healthy run is shown working; a client that verifies nothing is shown
// with curl --insecure, because OpenSSL would refuse what it accepts.
func TestReproducerOK(t *testing.T) {
	start := time.Unix(1800000000, 0)
	root, leaf := mint(t, start.Add(-48*time.Hour), start.Add(-time.Hour)) // expired: only a non-verifying client works
	run := servedRun(root, leaf)
	run.CAFiles = []string{"ca.pem"}
	d, reps := reproduce(t, run, "envoy")
	if d.Cause != cause.OK || len(reps) != 1 {
		t.Fatalf("%s %+v", d.Cause, reps)
	}
	if r := reps[0]; r.Kind != "works" || r.Expect != "HTTP/1.1 200 OK" || !strings.Contains(r.Command, "--insecure") || !strings.Contains(r.Command, "-D -") {
		t.Fatalf("%+v", r)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"lab-root.pem": "lab-root.pem", "a b": "'a b'", "it's": `'it'\''s'`, "": "''",
		"ECDHE-RSA-AES128-SHA@SECLEVEL=0": "ECDHE-RSA-AES128-SHA@SECLEVEL=0", "$HOME": "'$HOME'", "[::1]:443": "[::1]:443",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// Every alert OpenSSL names is predicted in OpenSSL's words; others by number.
func TestAlertReason(t *testing.T) {
	if alertReason(wire.AlertUnrecognizedName) != "tlsv1 unrecognized name" || alertReason(200) != "SSL alert number 200" {
		t.Fatal(alertReason(wire.AlertUnrecognizedName), alertReason(200))
	}
}

func TestShown(t *testing.T) {
	r := Reproducer{Expect: "<<< TLS 1.0, Handshake [length …], ServerHello"}
	if !r.Shown("x\n<<< TLS 1.0, Handshake [length 0043], ServerHello\n") || r.Shown("<<< TLS 1.2, Handshake [length 0043], ServerHello") ||
		r.Shown("<<< TLS 1.0, Handshake [length 0043]\nServerHello") {
		t.Fatal("wildcard matching")
	}
	r = Reproducer{Expect: "CN = a", ExpectAbsent: "Subject Alternative Name"}
	if !r.Shown("subject=CN = a") || r.Shown("subject=CN = a\nX509v3 Subject Alternative Name:") {
		t.Fatal("absent text")
	}
}
