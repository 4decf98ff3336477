package lab_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// BenchmarkCheck measures one complete check (probe and diagnosis) of a lab
// endpoint: go test -bench Check -run ^$ ./lab/
func BenchmarkCheck(b *testing.B) {
	l := startLab(b)
	p, _ := profile.Get("default")
	for _, name := range []string{"ok", "chain-incomplete", "tls10-only"} {
		e := l.Endpoint(name)
		target, _ := probe.ParseTarget(e.URL())
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				run, err := probe.Run(context.Background(), target, probe.Options{Profile: p, Timeout: 3 * time.Second,
					Resolver: l.Resolver(), ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true})
				if err != nil {
					b.Fatal(err)
				}
				if d := diagnose.Run(run, diagnose.Options{Profile: p}); d.Cause != e.Want {
					b.Fatalf("%s: %s, want %s: %s", name, d.Cause, e.Want, d.Summary)
				}
			}
		})
	}
}

// BenchmarkClients measures every client's verdict for one endpoint (check
// --clients): go test -bench Clients -run ^$ ./lab/
func BenchmarkClients(b *testing.B) {
	l := startLab(b)
	p, _ := profile.Get("default")
	for _, name := range []string{"ok", "tls10-only"} {
		e := l.Endpoint(name)
		target, _ := probe.ParseTarget(e.URL())
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				m := fleet.Clients(context.Background(), target, probe.Options{Profile: p, Timeout: 3 * time.Second,
					Resolver: l.Resolver(), ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true}, fleet.Trust{})
				if len(m.Clients) != len(profile.All()) {
					b.Fatalf("%d verdicts", len(m.Clients))
				}
			}
		})
	}
}
