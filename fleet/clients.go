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
	sem := make(chan struct{}, 4)
	for i, p := range profiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			o := base
			o.Profile, o.Progress = p, nil
			v := diagnose.ClientVerdict{Profile: p.ID, Name: p.Name}
			if _, d, err := Check(ctx, t, o, trust); err != nil {
				v.Cause, v.Summary = cause.Code("ERROR"), err.Error()
			} else {
				v.Cause, v.Summary, v.Confidence, v.Rule, v.Fix, v.ClientLog = d.Cause, d.Summary, d.Confidence, d.Rule, d.Fix, d.ClientLog
			}
			verdicts[i] = v
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
