package cli

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/lab"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/report"
)

// checkEndpoint checks a lab endpoint as 'tlsdoctor check' would, trusting
// the lab root only.
func checkEndpoint(ctx context.Context, l *lab.Lab, e *lab.Endpoint) (*diagnose.Diagnosis, error) {
	p, err := profile.Get(e.Profile)
	if err != nil {
		return nil, err
	}
	t, err := probe.ParseTarget(e.URL())
	if err != nil {
		return nil, err
	}
	timeout := 3 * time.Second
	if e.Slow {
		timeout = time.Second
	}
	o := probe.Options{Profile: p, Timeout: timeout, Resolver: l.Resolver(), NoSNI: e.NoSNI,
		ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true, Tool: "tlsdoctor " + Version, Revocation: e.Revocation}
	if e.Proxy != "" {
		if o.Proxy, err = probe.ParseProxy(e.Proxy); err != nil {
			return nil, err
		}
	}
	if c := l.Credential(e.ClientCert); c != nil {
		if o.ClientCert, err = probe.NewClientCertificate(c.Chain, c.Key, "lab "+c.Name); err != nil {
			return nil, err
		}
	}
	_, d, err := fleet.Check(ctx, t, o, fleet.Trust{})
	return d, err
}

type demoRow struct {
	Endpoint  string              `json:"endpoint"`
	URL       string              `json:"url"`
	Profile   string              `json:"profile"`
	Expected  cause.Code          `json:"expected"`
	Diagnosed cause.Code          `json:"diagnosed"`
	Match     bool                `json:"match"`
	Diagnosis *diagnose.Diagnosis `json:"diagnosis"`
}

func (e *env) demo(ctx context.Context, args []string) int {
	const help = `Usage: tlsdoctor demo [--json] [--show NAME]

Starts the built-in lab (deliberately broken TLS endpoints on loopback, one per
cause), checks every endpoint as a client would, and prints what tlsdoctor
diagnosed next to what each endpoint was built to break. Nothing leaves the
machine.

Examples:
  tlsdoctor demo
  tlsdoctor demo --show chain-incomplete-aia     # the full report for one endpoint
  tlsdoctor demo --json | jq '.[] | select(.match | not)'

Exit status: 0 every endpoint was diagnosed as expected; 1 some were not; 2 usage error.
`
	fs := newFlags("demo")
	asJSON := fs.Bool("json", false, "print every endpoint's diagnosis as JSON")
	show := fs.String("show", "", "print the full report of the endpoint `NAME`")
	pos, code, ok := e.parse(fs, help, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return e.fail(ExitUsage, "tlsdoctor demo --show "+pos[0], "demo takes no arguments")
	}
	start := time.Now()
	l, err := lab.Start(ctx)
	if err != nil {
		return e.fail(ExitUsage, "the lab listens on 127.0.0.1 and 127.0.0.2; is loopback available?", "starting the lab: %v", err)
	}
	defer l.Close()
	eps := l.Endpoints
	if *show != "" {
		ep := l.Endpoint(*show)
		if ep == nil {
			return e.fail(ExitUsage, "endpoints: "+strings.Join(l.Names(), ", "), "no lab endpoint %q", *show)
		}
		d, err := checkEndpoint(ctx, l, ep)
		if err != nil {
			return e.fail(ExitUsage, "", "%v", err)
		}
		fmt.Fprintf(e.stderr, "lab endpoint %q: %s (expected %s)\n\n", ep.Name, ep.Description, ep.Want)
		e.output(d, *asJSON, recheckLines{}, true)
		if d.Cause == ep.Want {
			return ExitOK
		}
		return ExitFailure
	}
	rows := make([]demoRow, len(eps))
	progress := e.progress()
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for i, ep := range eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d, err := checkEndpoint(ctx, l, ep)
			row := demoRow{Endpoint: ep.Name, URL: ep.URL(), Profile: ep.Profile, Expected: ep.Want, Diagnosis: d}
			if err == nil {
				row.Diagnosed = d.Cause
				row.Match = d.Cause == ep.Want
			}
			rows[i] = row
			mu.Lock()
			done++
			if progress != nil {
				progress("checked %d/%d endpoints", done, len(eps))
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	e.progressDone()
	matched := 0
	for _, r := range rows {
		if r.Match {
			matched++
		}
	}
	if *asJSON {
		report.JSON(e.stdout, map[string]any{"schema_version": diagnose.SchemaVersion, "endpoints": rows})
	} else {
		color := colorOK(e.stdout)
		fmt.Fprintf(e.stdout, "tlsdoctor demo: %d lab endpoints on loopback, each checked as its client would connect\n\n", len(rows))
		we, wp := len("ENDPOINT"), len("CLIENT")
		for _, r := range rows {
			we, wp = max(we, len(r.Endpoint)), max(wp, len(r.Profile))
		}
		fmt.Fprintf(e.stdout, "%-*s %-*s %-26s %-26s %-2s  %s\n", we, "ENDPOINT", wp, "CLIENT", "BUILT TO FAIL WITH", "DIAGNOSED", "AS", "SUMMARY")
		for _, r := range rows {
			mark := "ok"
			if !r.Match {
				mark = "XX"
			}
			summary := ""
			if r.Diagnosis != nil {
				summary = r.Diagnosis.Summary
			}
			if len(summary) > 90 {
				cut := 87
				for cut > 0 && !utf8.RuneStart(summary[cut]) {
					cut--
				}
				summary = summary[:cut] + "..."
			}
			diag := string(r.Diagnosed)
			if color {
				if r.Match {
					diag = "\x1b[32m" + fmt.Sprintf("%-26s", diag) + "\x1b[0m"
				} else {
					diag = "\x1b[1;31m" + fmt.Sprintf("%-26s", diag) + "\x1b[0m"
				}
			} else {
				diag = fmt.Sprintf("%-26s", diag)
			}
			fmt.Fprintf(e.stdout, "%-*s %-*s %-26s %s %-2s  %s\n", we, r.Endpoint, wp, r.Profile, r.Expected, diag, mark, summary)
		}
		fmt.Fprintf(e.stdout, "\n%d of %d endpoints diagnosed as expected in %.1fs.\n", matched, len(rows), time.Since(start).Seconds())
		fmt.Fprintf(e.stdout, "Full report for one: tlsdoctor demo --show chain-incomplete-aia\n")
		fmt.Fprintf(e.stdout, "Point your own gateway or client at them: tlsdoctor lab\n")
	}
	if matched != len(rows) {
		return ExitFailure
	}
	return ExitOK
}

func (e *env) labCmd(ctx context.Context, args []string) int {
	const help = `Usage: tlsdoctor lab [--dir DIR] [--json]

Runs the built-in lab until interrupted (Ctrl-C): one loopback endpoint per
failure, so that a gateway, proxy or client can be pointed at each one to learn
how it reports that failure. The lab's root CA is written to DIR/lab-root.pem.

Lab names (*.tlsdoctor.test) do not resolve outside tlsdoctor: use --connect
with tlsdoctor, --resolve with curl, or the addresses themselves.

Examples:
  tlsdoctor lab --dir /tmp/tlsdoctor-lab
  curl --cacert /tmp/tlsdoctor-lab/lab-root.pem --resolve expired.tlsdoctor.test:PORT:127.0.0.1 https://expired.tlsdoctor.test:PORT/

Exit status: 0 after an interrupt; 2 the lab could not start.
`
	fs := newFlags("lab")
	dir := fs.String("dir", "", "write lab-root.pem to `DIR` (default: a new temporary directory)")
	asJSON := fs.Bool("json", false, "print the endpoints as JSON")
	if _, code, ok := e.parse(fs, help, args); !ok {
		return code
	}
	l, err := lab.Start(ctx)
	if err != nil {
		return e.fail(ExitUsage, "", "starting the lab: %v", err)
	}
	defer l.Close()
	if *dir == "" {
		if *dir, err = os.MkdirTemp("", "tlsdoctor-lab-"); err != nil {
			return e.fail(ExitUsage, "", "%v", err)
		}
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		return e.fail(ExitUsage, "", "--dir: %v", err)
	}
	rootFile := filepath.Join(*dir, "lab-root.pem")
	if err := os.WriteFile(rootFile, l.RootPEM(), 0o644); err != nil {
		return e.fail(ExitUsage, "", "%v", err)
	}
	// The client credentials of the mutual-TLS endpoints, for --cert/--key.
	for _, name := range l.Credentials() {
		c := l.Credential(name)
		if err := os.WriteFile(filepath.Join(*dir, name+".pem"), c.CertPEM(), 0o644); err != nil {
			return e.fail(ExitUsage, "", "%v", err)
		}
		if err := os.WriteFile(filepath.Join(*dir, name+".key"), c.KeyPEM(), 0o600); err != nil {
			return e.fail(ExitUsage, "", "%v", err)
		}
	}
	if *asJSON {
		report.JSON(e.stdout, map[string]any{"schema_version": 1, "root_ca": rootFile, "endpoints": l.Endpoints})
	} else {
		fmt.Fprintf(e.stdout, "tlsdoctor lab: %d endpoints on loopback; root CA: %s\n\n", len(l.Endpoints), rootFile)
		we, wa := len("ENDPOINT"), len("ADDRESS")
		for _, ep := range l.Endpoints {
			we, wa = max(we, len(ep.Name)), max(wa, len(strings.Join(ep.Addrs, ",")))
		}
		fmt.Fprintf(e.stdout, "%-*s %-26s %-*s %s\n", we, "ENDPOINT", "BUILT TO FAIL WITH", wa, "ADDRESS", "CHECK IT")
		for _, ep := range l.Endpoints {
			cmd := fmt.Sprintf("tlsdoctor check %s --connect %s --ca-bundle %s", ep.URL(), strings.Join(ep.Addrs, ","), rootFile)
			if ep.Profile != "default" {
				cmd += " --profile " + ep.Profile
			}
			if ep.NoSNI {
				cmd += " --no-sni"
			}
			if ep.Proxy != "" {
				cmd += " --proxy " + ep.Proxy
			}
			if ep.ClientCert != "" {
				cmd += fmt.Sprintf(" --cert %s --key %s", filepath.Join(*dir, ep.ClientCert+".pem"), filepath.Join(*dir, ep.ClientCert+".key"))
			}
			if ep.Revocation {
				cmd += " --revocation"
			}
			if ep.Want == cause.DNSFailure {
				cmd = "(the name " + ep.Host + " resolves nowhere)"
			}
			fmt.Fprintf(e.stdout, "%-*s %-26s %-*s %s\n", we, ep.Name, ep.Want, wa, strings.Join(ep.Addrs, ","), cmd)
		}
		fmt.Fprintf(e.stdout, "\nRunning until interrupted (Ctrl-C).\n")
	}
	<-ctx.Done()
	return ExitOK
}
