package fleet_test

import (
	"context"
	"crypto/x509"
	"net"
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

// A scan interrupted while targets are being checked emits none of them:
// a check cut short is no verdict (it would read as the network failing).
func TestScanInterruptedEmitsNoCutShortVerdict(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts and never answers
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	target, _ := probe.ParseTarget(ln.Addr().String())
	jobs := make(chan *fleet.Job, 4)
	for range 4 {
		jobs <- &fleet.Job{Target: target, Options: probe.Options{Profile: mustProfile(t, "default"), Timeout: 30 * time.Second, NoSystem: true}}
	}
	close(jobs)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	var emitted []*fleet.Result
	fleet.Scan(ctx, jobs, fleet.ScanOptions{Mode: fleet.ModeCert, Concurrency: 4}, func(r *fleet.Result) { emitted = append(emitted, r) })
	for _, r := range emitted {
		t.Errorf("emitted after the interruption: %+v %v", r.Diagnosis.Cause, r.Err)
	}
}
