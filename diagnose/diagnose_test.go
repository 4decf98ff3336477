package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

func mustProfile(id string) *profile.Profile {
	p, err := profile.Get(id)
	if err != nil {
		panic(err)
	}
	return p
}

func runWith(addrs ...evidence.Address) *evidence.Run {
	return &evidence.Run{SchemaVersion: evidence.SchemaVersion, Profile: "default", Started: time.Unix(1800000000, 0),
		Target:    evidence.Target{Input: "https://api.test", Host: "api.test", Port: 443, ServerName: "api.test", SNI: "api.test", HTTP: true},
		Addresses: addrs}
}

func TestPureRules(t *testing.T) {
	refusedHello := &evidence.Hello{Name: "profile", Outcome: "alert", Alert: &wire.Alert{Level: 2, Description: 40}}
	tests := []struct {
		name string
		run  *evidence.Run
		want cause.Code
		in   string // in the summary
	}{
		{"dns", &evidence.Run{Target: evidence.Target{Host: "nx.test"}, DNS: &evidence.DNS{Err: &evidence.Failure{Kind: "dns_not_found", Message: "no such host"}}}, cause.DNSFailure, "does not resolve"},
		{"unreachable", runWith(evidence.Address{Addr: "10.9.9.9:443", Dial: evidence.Step{Err: &evidence.Failure{Kind: "unreachable", Message: "connect: no route to host"}}}), cause.TCPUnreachable, "cannot be reached"},
		{"refused", runWith(evidence.Address{Addr: "a:1", Dial: evidence.Step{Err: &evidence.Failure{Kind: "refused", Message: "refused"}}}), cause.TCPRefused, "othing listens"},
		{"alert-no-variant-accepted", runWith(evidence.Address{Addr: "a:1", Hello: refusedHello, Variants: []evidence.Hello{{Name: "all-suites", Outcome: "alert", Alert: &wire.Alert{Level: 2, Description: 40}}}}), cause.ServerAlert, "handshake_failure"},
		{"unrecognized-name", runWith(evidence.Address{Addr: "a:1", Hello: &evidence.Hello{Name: "profile", Outcome: "alert", Alert: &wire.Alert{Level: 2, Description: 112}, Offer: evidence.Offer{SNI: "api.test"}}}), cause.ServerAlert, "does not recognise"},
		{"handshake-gives-up-without-certificate", runWith(evidence.Address{Addr: "a:1",
			Hello:     &evidence.Hello{Name: "profile", Outcome: "server_hello", ServerHello: &wire.ServerHello{Version: 0x0303, SupportedVersion: 0x0304, CipherSuite: 0x1301}},
			Handshake: &evidence.Handshake{Err: &evidence.Failure{Kind: "other", Message: "tls: handshake message of length 10485764 bytes exceeds maximum of 262144 bytes"}}}), cause.HandshakeMalformed, "cannot accept"},
		{"inconsistent", runWith(
			evidence.Address{Addr: "a:1", Dial: evidence.Step{Err: &evidence.Failure{Kind: "refused", Message: "refused"}}},
			evidence.Address{Addr: "b:1", Dial: evidence.Step{Err: &evidence.Failure{Kind: "timeout", Message: "timeout"}}}), cause.InconsistentBackends, "disagree"},
		{"same-failure-everywhere", runWith(
			evidence.Address{Addr: "a:1", Dial: evidence.Step{Err: &evidence.Failure{Kind: "refused", Message: "refused"}}},
			evidence.Address{Addr: "b:1", Dial: evidence.Step{Err: &evidence.Failure{Kind: "refused", Message: "refused"}}}), cause.TCPRefused, "all 2 addresses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Run(tt.run, Options{Profile: mustProfile("default")})
			checkReproducers(t, tt.run, d, mustProfile("default"))
			if d.Cause != tt.want {
				t.Fatalf("cause %s, want %s: %s", d.Cause, tt.want, d.Summary)
			}
			if !strings.Contains(d.Summary, tt.in) {
				t.Fatalf("summary %q lacks %q", d.Summary, tt.in)
			}
			if d.Cause.Failed() && (len(d.Fix) == 0 || len(d.Evidence) == 0) {
				t.Fatal("failure without fix or evidence")
			}
		})
	}
}
