package lab_test

import (
	"context"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

var update = flag.Bool("update", false, "rewrite testdata/clients.golden")

// Every profile's verdict against every lab endpoint, held against a
// reviewed golden table (go test ./lab -run ClientMatrix -update rewrites it).
func TestClientMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("every profile against every endpoint")
	}
	l := startLab(t)
	var eps []string
	for _, e := range l.Endpoints {
		if !e.Slow && !e.Stateful { // time-outs do not depend on the client; stateful ones on the order
			eps = append(eps, e.Name)
		}
	}
	sort.Strings(eps)
	profiles := profile.All()
	got := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, name := range eps {
		e := l.Endpoint(name)
		target, _ := probe.ParseTarget(e.URL())
		for _, p := range profiles {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				run, err := probe.Run(context.Background(), target, endpointOptions(t, l, e, probe.Options{Profile: p, Timeout: 3 * time.Second,
					Resolver: l.Resolver(), ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true}))
				if err != nil {
					t.Error(err)
					return
				}
				d := diagnose.Run(run, diagnose.Options{Profile: p})
				mu.Lock()
				got[name+" "+p.ID] = string(d.Cause)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	var b strings.Builder
	b.WriteString("# endpoint profile cause: every client profile against every lab endpoint (reviewed)\n")
	for _, name := range eps {
		for _, p := range profiles {
			fmt.Fprintf(&b, "%-22s %-27s %s\n", name, p.ID, got[name+" "+p.ID])
		}
	}
	const file = "testdata/clients.golden"
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test ./lab -run ClientMatrix -update)", err)
	}
	if b.String() != string(want) {
		gl, wl := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Errorf("got  %s\nwant %s", gl[i], wl[i])
			}
		}
	}
}

// fleet.Clients judges every client but one from its own hello and a
// shared capture; its verdicts must be those of full checks, client by
// client (testdata/clients.golden).
func TestSharedCaptureAgreesWithFullChecks(t *testing.T) {
	if testing.Short() {
		t.Skip("every client against every endpoint")
	}
	l := startLab(t)
	want := map[string]string{}
	data, err := os.ReadFile("testdata/clients.golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && !strings.HasPrefix(line, "#") {
			want[f[0]+" "+f[1]] = f[2]
		}
	}
	p, _ := profile.Get("default")
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, e := range l.Endpoints {
		if e.Slow || e.Stateful {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			target, _ := probe.ParseTarget(e.URL())
			m := fleet.Clients(context.Background(), target, endpointOptions(t, l, e, probe.Options{Profile: p, Timeout: 3 * time.Second, Resolver: l.Resolver(),
				ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true}), fleet.Trust{})
			mu.Lock()
			defer mu.Unlock()
			for _, v := range m.Clients {
				if w, ok := want[e.Name+" "+v.Profile]; ok && w != string(v.Cause) {
					t.Errorf("%s as %s: shared capture says %s (%s), a full check %s", e.Name, v.Profile, v.Cause, v.Summary, w)
				}
			}
		}()
	}
	wg.Wait()
}
