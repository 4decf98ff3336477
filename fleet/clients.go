package fleet

import (
	"context"
	"sync"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Clients checks target once per profile, concurrently (a few at a time, so
// the server is not flooded), and returns every verdict. With base.Server,
// one scan of each address runs beside the per-client checks.
func Clients(ctx context.Context, t evidence.Target, base probe.Options, trust Trust) *diagnose.ClientMatrix {
	profiles := profile.All()
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
	if err == nil && clientIndependent(first) {
		for i, p := range profiles {
			verdicts[i] = verdict(p, Diagnose(first, p, trust))
		}
		wg.Wait()
		m := diagnose.NewClientMatrix(t.Input, verdicts)
		m.Server = server
		return m
	}
	if err == nil {
		verdicts[0] = verdict(profiles[0], Diagnose(first, profiles[0], trust))
	}
	sem := make(chan struct{}, 4)
	for i, p := range profiles {
		if i == 0 && err == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			o := base
			o.Profile, o.Progress = p, nil
			if _, d, err := Check(ctx, t, o, trust); err != nil {
				verdicts[i] = diagnose.ClientVerdict{Profile: p.ID, Name: p.Name, Cause: cause.Code("ERROR"), Summary: err.Error()}
			} else {
				verdicts[i] = verdict(p, d)
			}
			if base.Progress != nil {
				base.Progress("checked %s", p.ID)
			}
		}()
	}
	wg.Wait()
	m := diagnose.NewClientMatrix(t.Input, verdicts)
	m.Server = server
	return m
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
