package lab_test

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/lab"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// startLab starts the lab for one test and stops it when the test ends.
func startLab(t testing.TB) *lab.Lab {
	t.Helper()
	l, err := lab.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// check probes e as the demo does and diagnoses it.
func check(t *testing.T, l *lab.Lab, e *lab.Endpoint, prof string) *diagnose.Diagnosis {
	t.Helper()
	p, err := profile.Get(prof)
	if err != nil {
		t.Fatal(err)
	}
	target, err := probe.ParseTarget(e.URL())
	if err != nil {
		t.Fatal(err)
	}
	timeout := 3 * time.Second
	if e.Slow {
		timeout = 1 * time.Second
	}
	run, err := probe.Run(context.Background(), target, endpointOptions(t, l, e, probe.Options{
		Profile: p, Timeout: timeout, Resolver: l.Resolver(), NoSNI: e.NoSNI,
		ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true,
	}))
	if err != nil {
		t.Fatal(err)
	}
	return diagnose.Run(run, diagnose.Options{Profile: p})
}

func TestEveryEndpointDiagnosedFromTheWire(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole lab")
	}
	l := startLab(t)
	t.Run("endpoints", func(t *testing.T) {
		for _, e := range l.Endpoints {
			t.Run(e.Name, func(t *testing.T) {
				t.Parallel()
				d := check(t, l, e, e.Profile)
				if d.Cause != e.Want {
					t.Fatalf("%s: cause %s, want %s\nsummary: %s\nevidence:\n  %s", e.URL(), d.Cause, e.Want, d.Summary, strings.Join(d.Evidence, "\n  "))
				}
				if d.Cause != cause.OK && (d.Summary == "" || len(d.Evidence) == 0 || len(d.Fix) == 0) {
					t.Fatalf("a failure without summary, evidence or fix: %+v", d)
				}
			})
		}
	})
}

// endpointOptions adds what the endpoint is checked with: its proxy, its
// client certificate, forced revocation checks.
func endpointOptions(t testing.TB, l *lab.Lab, e *lab.Endpoint, o probe.Options) probe.Options {
	t.Helper()
	if e.Proxy != "" {
		u, err := probe.ParseProxy(e.Proxy)
		if err != nil {
			t.Fatal(err)
		}
		o.Proxy = u
	}
	if e.ClientCert != "" {
		c := l.Credential(e.ClientCert)
		cc, err := probe.NewClientCertificate(c.Chain, c.Key, "lab "+c.Name)
		if err != nil {
			t.Fatal(err)
		}
		o.ClientCert = cc
	}
	o.Revocation = o.Revocation || e.Revocation
	return o
}

// Every cause a Go server can produce has a lab endpoint.
func TestLabCoversCauses(t *testing.T) {
	l := startLab(t)
	have := map[cause.Code]bool{}
	for _, e := range l.Endpoints {
		have[e.Want] = true
	}
	// Not reproducible by a loopback Go server: an unreachable route needs
	// another network.
	notHere := map[cause.Code]string{
		cause.TCPUnreachable: "needs a network without a route; the classifier is tested with a synthetic EHOSTUNREACH",
	}
	for _, in := range cause.All() {
		if _, skip := notHere[in.Code]; skip {
			continue
		}
		if !have[in.Code] {
			t.Errorf("no lab endpoint produces %s", in.Code)
		}
	}
}

// The same server, judged for different clients.
func TestProfilesJudgeDifferently(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole lab")
	}
	l := startLab(t)
	tests := []struct {
		endpoint, profile string
		want              cause.Code
		finding           cause.Code // expected among the findings
	}{
		{"rsa1024", "go", cause.OK, cause.WeakKey},           // Go accepts 1024-bit RSA
		{"rsa1024", "openssl", cause.WeakKey, ""},            // security level 2 does not
		{"cn-only", "openssl", cause.OK, cause.CNWithoutSAN}, // X509_check_host falls back to the CN
		{"cn-only", "go", cause.CNWithoutSAN, ""},
		{"expired", "nginx-proxy", cause.OK, cause.CertExpired},    // proxy_ssl_verify off
		{"self-signed", "nginx-proxy", cause.OK, cause.SelfSigned}, // likewise
		{"sni-default-cert", "nginx-proxy", cause.OK, ""},          // no verification, so no name check
		{"sni-required", "default", cause.OK, cause.SNIRequired},   // default sends SNI; the finding warns
		{"tls10-only", "nginx-proxy", cause.ProtocolVersionMismatch, ""},
		{"chain-incomplete", "nginx-proxy", cause.OK, cause.ChainIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint+"/"+tt.profile, func(t *testing.T) {
			d := check(t, l, l.Endpoint(tt.endpoint), tt.profile)
			if d.Cause != tt.want {
				t.Fatalf("cause %s, want %s: %s", d.Cause, tt.want, d.Summary)
			}
			if tt.finding != "" {
				found := false
				for _, f := range d.Findings {
					found = found || f.Code == tt.finding
				}
				if !found {
					t.Fatalf("no %s finding in %+v", tt.finding, d.Findings)
				}
			}
		})
	}
}
