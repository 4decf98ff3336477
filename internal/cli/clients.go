package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/report"
)

// ClientVerdict is one profile's verdict in the --clients matrix.
type ClientVerdict struct {
	Profile    string     `json:"profile"`
	Name       string     `json:"name"`
	Cause      cause.Code `json:"cause"`
	Summary    string     `json:"summary"`
	Confidence string     `json:"confidence"`
	Fix        []string   `json:"fix,omitempty"`
	ClientLog  string     `json:"client_log,omitempty"`
}

// ClientMatrix is the --clients document.
type ClientMatrix struct {
	SchemaVersion int                     `json:"schema_version"`
	Target        string                  `json:"target"`
	Clients       []ClientVerdict         `json:"clients"`
	ByCause       map[cause.Code][]string `json:"by_cause"`
	// Server is the scan of each address (with --server).
	Server map[string]*diagnose.ServerReport `json:"server,omitempty"`
}

// runClients checks the target once per profile, concurrently (a few at a
// time, so the server is not flooded), and returns every verdict.
func runClients(ctx context.Context, t evidence.Target, base probe.Options) *ClientMatrix {
	profiles := profile.All()
	m := &ClientMatrix{SchemaVersion: 1, Target: t.Input, Clients: make([]ClientVerdict, len(profiles)), ByCause: map[cause.Code][]string{}}
	scan := base.Server
	base.Server = false
	var wg sync.WaitGroup
	if scan {
		// One scan, apart from the per-client checks.
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := base
			o.Server, o.NoHTTP, o.Progress = true, true, nil
			if run, err := probe.Run(ctx, t, o); err == nil {
				m.Server = map[string]*diagnose.ServerReport{}
				d := diagnose.Run(run, diagnose.Options{Profile: o.Profile})
				for _, a := range d.Addresses {
					if a.Server != nil {
						m.Server[a.Addr] = a.Server
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
			o.Profile = p
			o.Progress = nil
			v := ClientVerdict{Profile: p.ID, Name: p.Name}
			run, err := probe.Run(ctx, t, o)
			if err != nil {
				v.Cause, v.Summary = cause.Code("ERROR"), err.Error()
			} else {
				d := diagnose.Run(run, diagnose.Options{Profile: p, SystemRoots: SystemRoots, SystemRootCerts: SystemRootCerts})
				v.Cause, v.Summary, v.Confidence, v.Fix, v.ClientLog = d.Cause, d.Summary, d.Confidence, d.Fix, p.Logs[d.Cause]
			}
			m.Clients[i] = v
			if base.Progress != nil {
				base.Progress("checked %s", p.ID)
			}
		}()
	}
	wg.Wait()
	for _, v := range m.Clients {
		m.ByCause[v.Cause] = append(m.ByCause[v.Cause], v.Profile)
	}
	return m
}

// Failing reports how many clients fail.
func (m *ClientMatrix) Failing() int {
	n := 0
	for _, v := range m.Clients {
		if v.Cause != cause.OK {
			n++
		}
	}
	return n
}

// writeClients renders the matrix: failing causes first, each with its
// clients and what they log, then the clients that work.
func writeClients(w io.Writer, m *ClientMatrix, color bool) {
	fail := m.Failing()
	fmt.Fprintf(w, "Clients for %s: %d work, %d fail\n", m.Target, len(m.Clients)-fail, fail)
	var causes []cause.Code
	for c := range m.ByCause {
		if c != cause.OK {
			causes = append(causes, c)
		}
	}
	sort.Slice(causes, func(i, j int) bool {
		if len(m.ByCause[causes[i]]) != len(m.ByCause[causes[j]]) {
			return len(m.ByCause[causes[i]]) > len(m.ByCause[causes[j]])
		}
		return causes[i] < causes[j]
	})
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	for _, c := range causes {
		fmt.Fprintf(w, "\n%s %s (%d)\n", paint("1;31", "FAIL"), paint("1;31", string(c)), len(m.ByCause[c]))
		for _, v := range m.Clients {
			if v.Cause != c {
				continue
			}
			fmt.Fprintf(w, "  %-27s %s\n", v.Profile, v.Summary)
			if v.ClientLog != "" {
				fmt.Fprintf(w, "  %-27s %s\n", "", paint("2", "logs: "+v.ClientLog))
			}
		}
	}
	if ok := m.ByCause[cause.OK]; len(ok) > 0 {
		fmt.Fprintf(w, "\n%s (%d)\n  %s\n", paint("1;32", "OK"), len(ok), wrap(strings.Join(ok, ", "), 100, "  "))
	}
	for addr, sr := range m.Server {
		report.Server(w, report.Style{Color: color}, addr, sr)
	}
	fmt.Fprintf(w, "\nOne client in full: tlsdoctor check %s --profile ID\n", m.Target)
}

func wrap(s string, width int, indent string) string {
	var out, line strings.Builder
	for _, word := range strings.Fields(s) {
		if line.Len()+len(word)+1 > width && line.Len() > 0 {
			out.WriteString(line.String() + "\n" + indent)
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(word)
	}
	out.WriteString(line.String())
	return out.String()
}
