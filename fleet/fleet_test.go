package fleet_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/lab"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

func TestCheckAndClients(t *testing.T) {
	l, err := lab.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	opts := func(id string) probe.Options {
		p, err := profile.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		return probe.Options{Profile: p, Timeout: 3 * time.Second, Resolver: l.Resolver(),
			ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true}
	}
	target, _ := probe.ParseTarget(l.Endpoint("expired").URL())
	if _, _, err := fleet.Check(context.Background(), target, probe.Options{}, fleet.Trust{}); err == nil {
		t.Error("Check without a profile: no error")
	}
	run, d, err := fleet.Check(context.Background(), target, opts("java-17"), fleet.Trust{})
	if err != nil || d.Cause != cause.CertExpired || d.ClientLog == "" || run.Profile != "java-17" {
		t.Fatalf("Check: %v %+v", err, d)
	}
	if again := fleet.Diagnose(run, mustProfile(t, "java-17"), fleet.Trust{}); again.Cause != d.Cause {
		t.Errorf("Diagnose of the saved run: %s, live %s", again.Cause, d.Cause)
	}
	target, _ = probe.ParseTarget(l.Endpoint("tls10-only").URL())
	m := fleet.Clients(context.Background(), target, opts("default"), fleet.Trust{})
	if len(m.Clients) != len(profile.All()) || m.Failing() == 0 || len(m.ByCause[cause.OK]) == 0 {
		t.Fatalf("Clients: %d clients, %d failing, by cause %v", len(m.Clients), m.Failing(), m.ByCause)
	}
}

func mustProfile(t *testing.T, id string) *profile.Profile {
	p, err := profile.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
