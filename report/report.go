// Package report renders a diagnosis for people (Text) and for programs
// (JSON, whose document carries schema_version). It does no I/O beyond
// writing to the io.Writer it is given.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

// JSON writes v as an indented JSON document, with <, > and & as they are.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Style says how to render text.
type Style struct {
	Color   bool   // ANSI colour
	Recheck string // the command that re-checks after the fix
	// RecheckAlso are lines printed under it: the re-check for another way
	// to fix, or what the re-check cannot test.
	RecheckAlso []string
	Verbose     bool // certificates and per-address detail even for one address
}

func (s Style) paint(code, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) bold(t string) string   { return s.paint("1", t) }
func (s Style) red(t string) string    { return s.paint("1;31", t) }
func (s Style) green(t string) string  { return s.paint("1;32", t) }
func (s Style) dim(t string) string    { return s.paint("2", t) }
func (s Style) yellow(t string) string { return s.paint("33", t) }

// Text writes the human report: the cause first, then evidence, fix and
// findings, then per-address verdicts and the certificates.
func Text(w io.Writer, d *diagnose.Diagnosis, s Style) {
	mark, code := s.green("OK"), s.green(string(d.Cause))
	if d.Cause.Failed() {
		mark, code = s.red("FAIL"), s.red(string(d.Cause))
	}
	if d.Cause.Failed() {
		fmt.Fprintf(w, "%s %s  %s\n", mark, code, d.Target)
	} else {
		fmt.Fprintf(w, "%s  %s\n", mark, d.Target)
	}
	fmt.Fprintf(w, "  %s\n", d.Summary)
	fmt.Fprintf(w, "  %s\n", s.dim(fmt.Sprintf("client: %s (%s)", d.Profile, d.ProfileName)))
	switch {
	case d.Confidence == diagnose.Inferred:
		fmt.Fprintf(w, "  %s\n", s.yellow(fmt.Sprintf("inferred (rule %s): the evidence points here but does not prove it", d.Rule)))
	case d.Rule != "":
		fmt.Fprintf(w, "  %s\n", s.dim(fmt.Sprintf("proved (rule %s)", d.Rule)))
	}
	section(w, s, "Evidence", d.Evidence, "- ")
	if d.Decides != "" {
		fmt.Fprintf(w, "\n%s\n  %s\n", s.bold("What would decide"), d.Decides)
	}
	if len(d.Alternatives) > 0 {
		var alts []string
		for _, a := range d.Alternatives {
			alts = append(alts, fmt.Sprintf("%s if %s", a.Cause, a.When))
		}
		section(w, s, "Or it is", alts, "- ")
	}
	if d.Cause.Failed() {
		title := "Fix"
		switch d.FixSide {
		case diagnose.ServerSide:
			title = "Fix (on the server)"
		case diagnose.ClientSide:
			title = "Fix (on the client)"
		case diagnose.NetworkSide:
			title = "Fix (in the network)"
		}
		numbered(w, s, title, d.Fix)
		if d.ClientLog != "" {
			fmt.Fprintf(w, "\n%s\n  %s\n", s.bold("This client logs"), d.ClientLog)
		}
		writeReproducers(w, s, "Reproduce without tlsdoctor", d.Reproducers)
	} else if s.Verbose {
		writeReproducers(w, s, "Check without tlsdoctor", d.Reproducers)
	}
	if len(d.Findings) > 0 {
		var lines []string
		for _, f := range d.Findings {
			if f.Code != "" {
				lines = append(lines, fmt.Sprintf("[%s] %s", f.Code, f.Message))
			} else {
				lines = append(lines, f.Message)
			}
		}
		section(w, s, "Findings", lines, "- ")
	}
	if len(d.Addresses) > 1 || s.Verbose {
		fmt.Fprintf(w, "\n%s\n", s.bold("Addresses"))
		for _, a := range d.Addresses {
			c := s.green(string(a.Cause))
			if a.Cause.Failed() {
				c = s.red(string(a.Cause))
			}
			neg := ""
			if a.Negotiated != nil {
				neg = s.dim(fmt.Sprintf("  %s %s", a.Negotiated.Version, a.Negotiated.CipherSuite))
			}
			fmt.Fprintf(w, "  %-22s %s%s\n", a.Addr, c, neg)
		}
	}
	for i, a := range d.Addresses {
		if len(a.Certificates) == 0 || (i > 0 && !s.Verbose && !differs(d.Addresses, i)) {
			continue
		}
		title := "Certificates"
		if len(d.Addresses) > 1 {
			title += " at " + a.Addr
		}
		fmt.Fprintf(w, "\n%s\n", s.bold(title))
		for _, c := range a.Certificates {
			src := ""
			if c.Source != "served" {
				src = s.dim(" (from " + c.Source + ")")
			}
			fmt.Fprintf(w, "  %-12s %s%s\n", c.Role, c.Subject, src)
			fmt.Fprintf(w, "  %-12s %s\n", "", s.dim(fmt.Sprintf("issuer %s; %s to %s; %s; %s", c.Issuer, c.NotBefore[:10], c.NotAfter[:10], c.Key, c.Signature)))
			if n := len(c.Names); n > 0 {
				names := strings.Join(c.Names[:min(n, 8)], ", ")
				if n > 8 {
					names += fmt.Sprintf(" and %d more (all in --json)", n-8)
				}
				fmt.Fprintf(w, "  %-12s %s\n", "", s.dim("names: "+names))
			}
		}
	}
	for _, a := range d.Addresses {
		if a.Server != nil {
			writeServer(w, s, a.Addr, a.Server)
		}
	}
	if s.Recheck != "" {
		label := "Re-check after the fix"
		if !d.Cause.Failed() {
			label = "Re-check"
		}
		fmt.Fprintf(w, "\n%s: %s\n", label, s.bold(s.Recheck))
		if d.Cause.Failed() {
			for _, l := range s.RecheckAlso {
				fmt.Fprintf(w, "  %s\n", s.dim(l))
			}
		}
	}
}

func differs(as []diagnose.AddressResult, i int) bool {
	if len(as[0].Certificates) == 0 {
		return true
	}
	return as[i].Certificates[0].SHA256 != as[0].Certificates[0].SHA256
}

func section(w io.Writer, s Style, title string, lines []string, bullet string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", s.bold(title))
	for _, l := range lines {
		fmt.Fprintf(w, "  %s%s\n", bullet, l)
	}
}

func numbered(w io.Writer, s Style, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", s.bold(title))
	for i, l := range lines {
		fmt.Fprintf(w, "  %d. %s\n", i+1, l)
	}
}

// CauseEntry is one code of the catalog, with the rules that decide it.
type CauseEntry struct {
	cause.Info
	// Detected says whether check can name this cause: some rule decides it.
	Detected bool     `json:"detected"`
	Rules    []string `json:"rules,omitempty"`
}

// CauseCatalog is every code with the rules that produce it.
func CauseCatalog() []CauseEntry {
	var out []CauseEntry
	for _, in := range cause.All() {
		e := CauseEntry{Info: in}
		for _, r := range diagnose.Rules() {
			if r.Cause == in.Code {
				e.Rules = append(e.Rules, r.ID)
			}
		}
		e.Detected = len(e.Rules) > 0
		out = append(out, e)
	}
	return out
}

// Causes writes the cause catalog as a table.
func Causes(w io.Writer) {
	fmt.Fprintf(w, "%-26s %-12s %s\n", "CODE", "LAYER", "WHAT HAPPENED")
	for _, e := range CauseCatalog() {
		note := ""
		if !e.Detected {
			note = " [not detected by check yet]"
		}
		fmt.Fprintf(w, "%-26s %-12s %s%s\n", e.Code, e.Layer, e.Summary, note)
	}
}

// Rules writes the rule catalog: for each rule, the cause it decides, how
// firmly, and on what observation.
func Rules(w io.Writer) {
	for _, r := range diagnose.Rules() {
		fmt.Fprintf(w, "%-32s %-26s %-8s fix: %s\n", r.ID, r.Cause, r.Confidence, sideName(r.FixSide))
		fmt.Fprintf(w, "  %s\n", r.Observation)
		if r.Decides != "" {
			fmt.Fprintf(w, "  decides: %s\n", r.Decides)
		}
	}
}

func sideName(s diagnose.Side) string {
	if s == diagnose.NoSide {
		return "-"
	}
	return string(s)
}

// Server writes a scan (check --server).
func Server(w io.Writer, s Style, addr string, r *diagnose.ServerReport) { writeServer(w, s, addr, r) }

func writeServer(w io.Writer, s Style, addr string, r *diagnose.ServerReport) {
	fmt.Fprintf(w, "\n%s\n", s.bold(fmt.Sprintf("Server at %s", addr))+s.dim(fmt.Sprintf("  (%d connections, %.0f ms)", r.Connections, r.DurationMS)))
	for _, v := range r.Versions {
		if !v.Accepted {
			fmt.Fprintf(w, "  %-8s %s\n", v.Version, s.dim("no"))
			continue
		}
		order := "in the client's order"
		if v.ServerOrder {
			order = "in the server's order"
		} else if len(v.Suites) < 2 {
			order = ""
		}
		n := fmt.Sprintf("%d suites", len(v.Suites))
		if len(v.Suites) == 1 {
			n = "1 suite"
		}
		fmt.Fprintf(w, "  %-8s yes  %s%s\n", v.Version, s.dim(strings.TrimSuffix(n+", "+order, ", ")), weakMark(s, r, v.Version))
		for _, su := range v.Suites {
			fmt.Fprintf(w, "  %-8s      %s%s\n", "", su, weakMark(s, r, su))
		}
	}
	if len(r.Groups13) > 0 {
		fmt.Fprintf(w, "  groups (TLS 1.3): %s\n", strings.Join(r.Groups13, ", "))
	}
	if len(r.Groups12) > 0 {
		fmt.Fprintf(w, "  groups (TLS 1.2): %s\n", strings.Join(r.Groups12, ", "))
	}
	if len(r.SigAlgs) > 0 {
		at := ""
		if r.SigAlgsVersion != "" {
			at = " (" + r.SigAlgsVersion + ")"
		}
		fmt.Fprintf(w, "  signatures%s: %s\n", at, strings.Join(r.SigAlgs, ", "))
	}
	fmt.Fprintf(w, "  without SNI: %s\n", r.NoSNI)
	fmt.Fprintf(w, "  unknown SNI: %s\n", r.UnknownSNI)
	if len(r.Weak) > 0 {
		fmt.Fprintf(w, "  %s\n", s.yellow("weak (accepted, but should not be):"))
		for _, x := range r.Weak {
			fmt.Fprintf(w, "    %s: %s\n", x.What, x.Why)
		}
	}
	if r.Stopped != "" {
		fmt.Fprintf(w, "  %s\n", s.yellow("stopped early: "+r.Stopped))
	}
}

// weakMark marks a weak suite in the listing.
func weakMark(s Style, r *diagnose.ServerReport, what string) string {
	for _, x := range r.Weak {
		if x.What == what {
			return s.yellow("  (weak)")
		}
	}
	return ""
}
