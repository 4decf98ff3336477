package fleet

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Clients judges target for every profile. The first profile gets a full
// check; each other sends only its own hello (and its repeats and
// follow-ups when refused), a few at a time, and shares the first one's
// capture of what does not depend on the client's offer: the chain the
// server sends with and without SNI, the HTTP reply, and the AIA issuers.
// With base.Server, one scan of each address runs beside them.
func Clients(ctx context.Context, t evidence.Target, base probe.Options, trust Trust) *diagnose.ClientMatrix {
	return ClientsOf(ctx, t, base, trust, profile.All())
}

// ClientsOf is Clients for the profiles given (all of them when none).
func ClientsOf(ctx context.Context, t evidence.Target, base probe.Options, trust Trust, profiles []*profile.Profile) *diagnose.ClientMatrix {
	if len(profiles) == 0 {
		profiles = profile.All()
	}
	verdicts := make([]diagnose.ClientVerdict, len(profiles))
	var server map[string]*diagnose.ServerReport
	scan := base.Server
	base.Server = false
	var wg sync.WaitGroup
	if scan {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := base
			o.Server, o.NoHTTP, o.Progress = true, true, nil
			if run, err := probe.Run(ctx, t, o); err == nil {
				server = map[string]*diagnose.ServerReport{}
				d := diagnose.Run(run, diagnose.Options{Profile: o.Profile})
				for _, a := range d.Addresses {
					if a.Server != nil {
						server[a.Addr] = a.Server
					}
				}
			}
		}()
	}
	// The first client goes alone. When what it observed does not depend on
	// the client (a name that does not resolve, a port that refuses, is
	// silent or speaks no TLS), every client is judged from that one run,
	// rather than waiting 27 times for the same time-out.
	o := base
	o.Profile, o.Progress = profiles[0], nil
	first, err := probe.Run(ctx, t, o)
	indep := err == nil && clientIndependent(first)
	// A client that goes another way (through another proxy, or none, as
	// the environment variables it reads decide) sees other things.
	route := func(p *profile.Profile) string {
		if err != nil || base.NoProxy {
			return ""
		}
		u, _ := probe.SelectProxy(p, first.Target, base.Proxy, base.Getenv)
		if u == nil {
			return ""
		}
		return u.String()
	}
	firstRoute := route(profiles[0])
	// Profiles that send the same hellos (probe.HelloKey) share one
	// hello-only run: the server's answer to the same bytes is the same
	// observation. Each gets its own copy to complete and judge.
	hellos := map[string]*helloRun{}
	for _, p := range profiles[1:] {
		o := base
		o.Profile = p
		if k := probe.HelloKey(t, o); hellos[k] == nil {
			hellos[k] = &helloRun{}
		}
	}
	sem := make(chan struct{}, 6)
	var firstDiag *diagnose.Diagnosis
	for i, p := range profiles {
		sameRoute := route(p) == firstRoute
		if err == nil && (i == 0 || indep && sameRoute) {
			d := Diagnose(first, p, trust)
			if i == 0 {
				firstDiag = d
			}
			verdicts[i] = verdict(p, d)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			o := base
			o.Profile, o.Progress = p, nil
			if err != nil || !sameRoute {
				// No shared capture: a full check of its own.
				if _, d, err := Check(ctx, t, o, trust); err != nil {
					verdicts[i] = diagnose.ClientVerdict{Profile: p.ID, Name: p.Name, Cause: cause.Code("ERROR"), Summary: err.Error()}
				} else {
					verdicts[i] = verdict(p, d)
				}
				return
			}
			h := o
			h.HelloOnly = true
			hr := hellos[probe.HelloKey(t, h)]
			hr.once.Do(func() { hr.run, hr.err = probe.Run(ctx, t, h) })
			if hr.err != nil {
				verdicts[i] = diagnose.ClientVerdict{Profile: p.ID, Name: p.Name, Cause: cause.Code("ERROR"), Summary: hr.err.Error()}
				return
			}
			run := copyRun(hr.run)
			run.Profile = p.ID
			if !base.NoProxy {
				// The proxy record says how this client chose its route
				// (which variable it read, why it goes direct): its own.
				_, run.Proxy = probe.SelectProxy(p, run.Target, base.Proxy, base.Getenv)
			}
			shared := Share(run, first)
			if shared {
				probe.CompleteShared(ctx, run, h)
			}
			if !shared {
				// The capture lacks what this client would see (an HTTP
				// reply it did not ask for): a full check of its own.
				if _, d, err := Check(ctx, t, o, trust); err == nil {
					verdicts[i] = verdict(p, d)
					return
				}
			}
			verdicts[i] = verdict(p, Diagnose(run, p, trust))
			if base.Progress != nil {
				base.Progress("checked %s", p.ID)
			}
		}()
	}
	wg.Wait()
	m := diagnose.NewClientMatrix(t.Input, verdicts)
	m.Server, m.First = server, firstDiag
	return m
}

// helloRun is the hello-only run that profiles sending the same hellos
// share.
type helloRun struct {
	once sync.Once
	run  *evidence.Run
	err  error
}

// copyRun copies what Share and CompleteShared change in a run, so that
// each profile completes its own copy of a shared one: the run, its
// addresses, and the lists they append to (clipped, so that an append
// makes a new array).
func copyRun(r *evidence.Run) *evidence.Run {
	c := *r
	c.Addresses = slices.Clone(r.Addresses)
	for i := range c.Addresses {
		a := &c.Addresses[i]
		a.Variants, a.Repeats = slices.Clip(a.Variants), slices.Clip(a.Repeats)
	}
	c.AIA, c.Revocation = slices.Clip(r.AIA), slices.Clip(r.Revocation)
	return &c
}

func verdict(p *profile.Profile, d *diagnose.Diagnosis) diagnose.ClientVerdict {
	return diagnose.ClientVerdict{Profile: p.ID, Name: p.Name, Cause: d.Cause, Summary: d.Summary, Confidence: d.Confidence,
		Rule: d.Rule, Fix: d.Fix, ClientLog: d.ClientLog}
}

// clientIndependent reports whether a run failed before anything a client
// chooses mattered: no address, or at every address a failed dial, a hello
// with no byte back before the time-out, or bytes that are not TLS.
func clientIndependent(run *evidence.Run) bool {
	if run.DNS != nil && run.DNS.Err != nil || len(run.Addresses) == 0 {
		return true
	}
	for _, a := range run.Addresses {
		switch {
		case a.Dial.Err != nil:
		case a.Hello != nil && a.Hello.Outcome == "timeout" && len(a.Hello.First) == 0:
		case a.Hello != nil && a.Hello.Outcome == "not_tls":
		default:
			return false
		}
	}
	return true
}

// Share completes a hello-only run with what capture (a full run of another
// client against the same target) observed that does not depend on the
// client's offer: for each address, the full handshake with the run's SNI
// choice and the other one, the HTTP reply, the TLS 1.2 hellos that read a
// chain or a ServerKeyExchange, the AIA issuers, the revocation answers,
// and the signs of interception (the chain seen directly, the answer for
// an invented name). The handshake's
// version and suite are those of the run's own ServerHello, since its
// client would negotiate those; the chain is the capture's. It reports
// false when the capture lacks something the run's client would see (the
// HTTP reply to a client whose hello was accepted when the capture's was
// not, or a capture made through another proxy), so that the caller
// checks that client in full.
func Share(run, capture *evidence.Run) bool {
	if !probe.SameProxy(run, capture) {
		return false
	}
	run.AIA = capture.AIA
	run.Direct = capture.Direct
	run.Revocation = append([]evidence.RevocationFetch(nil), capture.Revocation...)
	captureSNI := capture.Target.SNI != ""
	for i := range run.Addresses {
		a := &run.Addresses[i]
		var c *evidence.Address
		for j := range capture.Addresses {
			if capture.Addresses[j].Addr == a.Addr {
				c = &capture.Addresses[j]
			}
		}
		if c == nil || a.Dial.Err != nil || a.Hello == nil || !anyAccepted(a) {
			continue
		}
		hs, alt := c.Handshake, c.AltHandshake
		if (run.Target.SNI != "") != captureSNI {
			hs, alt = alt, hs
		}
		if hs != nil {
			cp := *hs
			if sh := a.Hello.ServerHello; a.Hello.Accepted() && sh != nil && !sh.HelloRetry && cp.OK {
				cp.Version, cp.CipherSuite = sh.NegotiatedVersion(), sh.CipherSuite
			}
			a.Handshake = &cp
		}
		a.AltHandshake = alt
		a.HandshakeRepeat = c.HandshakeRepeat
		a.Invented = c.Invented
		if a.Hello.Accepted() && run.Target.HTTP {
			if c.HTTP == nil && (hs == nil || hs.OK) {
				return false
			}
			a.HTTP = c.HTTP
		}
		for _, v := range c.Variants {
			if strings.HasPrefix(v.Name, "tls1.2-") {
				a.Variants = append(a.Variants, v)
			}
		}
	}
	return true
}

func anyAccepted(a *evidence.Address) bool {
	if a.Hello.Accepted() {
		return true
	}
	for i := range a.Variants {
		if a.Variants[i].Accepted() {
			return true
		}
	}
	for i := range a.Repeats {
		if a.Repeats[i].Accepted() {
			return true
		}
	}
	return false
}
