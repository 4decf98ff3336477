package realclient_test

import (
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/lab"
	"github.com/tlsdoctor/tlsdoctor/lab/realclient"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// clientTimeout is the time-out each real client is given against the slow
// endpoints, whose failure it is; against the others it has 30 seconds.
const clientTimeout = 5 * time.Second

// harness is one run of every installed client against the lab.
type harness struct {
	lab      *lab.Lab
	env      *realclient.Env
	clients  []*realclient.Client
	missing  map[string][]string // client -> programs not installed
	versions map[string]string   // client -> version
	offers   map[string]*realclient.Offer
	targets  []realclient.Target
	rows     []realclient.Row
	elapsed  time.Duration
}

func runHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{missing: map[string][]string{}, versions: map[string]string{}, offers: map[string]*realclient.Offer{}}
	for _, c := range realclient.All() {
		if m := c.Missing(context.Background()); len(m) > 0 {
			h.missing[c.ID] = m
			continue
		}
		h.clients = append(h.clients, c)
	}
	external := 0
	for _, c := range h.clients {
		if len(c.Needs) > 0 {
			external++
		}
	}
	if external == 0 { // Go's own client runs in this process; the point is the others
		t.Skip("no real TLS client is installed (openssl, curl, wget, gnutls-cli, python3, node, java, nginx, haproxy, chromium): " +
			"the conformance harness is skipped; .ci/run installs them with apt-get")
	}
	l, err := lab.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	h.lab = l
	dir := t.TempDir()
	root := filepath.Join(dir, "lab-root.pem")
	if err := os.WriteFile(root, l.RootPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	h.targets = realclient.Targets(l)
	// Keep the refused endpoint's port from any other program that would
	// listen there (it is a port the lab closed; the machine is shared).
	for _, e := range l.Endpoints {
		if e.Want == cause.TCPRefused && len(e.Addrs) == 1 {
			if release, err := realclient.HoldRefused(e.Addrs[0]); err == nil {
				t.Cleanup(release)
			} else {
				t.Logf("the refused endpoint's port is not held here (%v): the lab may hold it itself", err)
			}
		}
	}
	h.env = realclient.NewEnv(dir, root, clientTimeout, 0)
	for _, tg := range h.targets {
		h.env.Ports = append(h.env.Ports, tg.Port)
	}
	start := time.Now()
	var obs []realclient.Observation
	var verdicts map[string]verdict
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		var err error
		if obs, err = realclient.Run(context.Background(), h.env, h.clients, h.targets); err != nil {
			t.Error(err)
		}
	}()
	go func() {
		defer wg.Done()
		verdicts = profileVerdicts(t, l, h.clients, h.targets)
	}()
	for _, c := range h.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := realclient.CaptureOffer(context.Background(), h.env, c)
			if err != nil {
				t.Errorf("%s: capturing its ClientHello: %v", c.ID, err)
				return
			}
			mu.Lock()
			h.offers[c.ID] = o
			mu.Unlock()
		}()
	}
	wg.Wait()
	h.elapsed = time.Since(start)
	byID := map[string]*realclient.Client{}
	for _, c := range h.clients {
		byID[c.ID] = c
	}
	for _, o := range obs {
		c := byID[o.Client]
		h.versions[c.ID] = o.Version
		v := verdicts[verdictKey(c, o.Row)]
		p := clientProfile(t, c)
		closed := p.Logs[cause.ResetDuringHandshake]
		if l := p.Logs[cause.ClosedDuringHandshake]; l != "" {
			closed += " | " + l
		}
		h.rows = append(h.rows, realclient.Row{Observation: o, Profile: c.Profile, Verdict: v.cause, Summary: v.summary, Predicted: v.log,
			FirstFlight: realclient.FirstFlight[o.Endpoint], Closed: closed})
	}
	return h
}

type verdict struct {
	cause   cause.Code
	summary string
	log     string
}

func verdictKey(c *realclient.Client, row string) string {
	k := c.Profile + " " + row
	if c.SNI != nil && *c.SNI {
		k += " +sni"
	}
	return k
}

// clientProfile is the profile a client is compared with: its own, with
// the client's documented setting applied.
func clientProfile(t *testing.T, c *realclient.Client) *profile.Profile {
	p, err := profile.Get(c.Profile)
	if err != nil {
		t.Fatal(err)
	}
	if c.SNI != nil {
		p.SendsSNI = *c.SNI
	}
	return p
}

// profileVerdicts checks every target as every client's profile, trusting
// the lab root only, each address on its own.
func profileVerdicts(t *testing.T, l *lab.Lab, clients []*realclient.Client, targets []realclient.Target) map[string]verdict {
	out := map[string]verdict{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	done := map[string]bool{}
	for _, c := range clients {
		p := clientProfile(t, c)
		for _, tg := range targets {
			key := verdictKey(c, tg.Row())
			if done[key] {
				continue
			}
			done[key] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				target, err := probe.ParseTarget(tg.URL())
				if err != nil {
					t.Error(err)
					return
				}
				// Short for the slow endpoints, whose failure is a time-out;
				// patient elsewhere, so that a loaded machine cannot make a
				// time-out of a working server.
				timeout := 20 * time.Second
				if tg.Slow {
					timeout = 3 * time.Second
				}
				opts := probe.Options{Profile: p, Timeout: timeout, Resolver: l.Resolver(), Connect: []string{tg.Addr()},
					ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true}
				_, d, err := fleet.Check(context.Background(), target, opts, fleet.Trust{})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				out[key] = verdict{d.Cause, d.Summary, d.ClientLog}
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	return out
}
