package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/explain"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/report"
)

const explainHelp = `Usage: tlsdoctor explain MESSAGE | - | FILE... [flags]

Reads an error message or a log from any TLS stack (Java, Go, OpenSSL, curl,
Python, Node.js, .NET, Rust, browsers and Apple's URL loading, nginx, Envoy,
HAProxy, Traefik, APISIX, cloud load balancers and CDNs, Kubernetes ...) and
says which stack wrote it, who logged it (a client, or a server about a
connecting client), which causes it is compatible with (most likely first), and
the check that decides between them, as a command ready to run with the host,
port, SNI and client profile taken from the message. --probe runs that check.
Wording every stack uses ("certificate has expired", "handshake timed out")
is recognised in any stack, with ranked candidates.

A MESSAGE is explained as one error (quote it; a multi-line stack trace is
fine). '-' reads a log from standard input and FILEs are logs: plain text,
newline-delimited JSON (Kubernetes, Docker json-file) or a JSON export
(CloudWatch filter-log-events, OCI Logging search). Stack traces are joined;
failures are grouped by cause and endpoint, with counts.

Examples:
  tlsdoctor explain 'PKIX path building failed: unable to find valid certification path to requested target'
  kubectl logs deploy/api | tlsdoctor explain -
  tlsdoctor explain /var/log/nginx/error.log --json
  tlsdoctor explain --probe "An error occurred whilst sending request to https://10.0.0.5:8443/v1: HANDSHAKE_FAILED"
  tlsdoctor explain --probe --target https://api.internal:8443 'curl: (60) SSL certificate problem: unable to get local issuer certificate'
  tlsdoctor explain --list             # every stack and message the catalog knows

Exit status: 0 the message is recognised (with --probe: and the check finds
no failure now); 1 with --probe: the check diagnosed a failure; 2 usage or
input error; 3 nothing recognised.
`

// ExitUnrecognised is explain's status when no message was recognised.
const ExitUnrecognised = 3

type explainFlags struct {
	checkFlags
	json, probe, list bool
	target            string
	maxProbes         int
}

// probeOutcome is what --probe found for one endpoint.
type probeOutcome struct {
	Command string     `json:"command"`
	Profile string     `json:"profile"`
	Cause   cause.Code `json:"cause,omitempty"`
	// Rank is the cause's rank among the message's candidates (0: absent).
	Rank      int                 `json:"rank"`
	Among     bool                `json:"among_candidates"`
	Note      string              `json:"note,omitempty"`
	Error     string              `json:"error,omitempty"`
	Diagnosis *diagnose.Diagnosis `json:"diagnosis,omitempty"`
}

type explained struct {
	*explain.Result
	Probe *probeOutcome `json:"probe,omitempty"`
}

type explainedLog struct {
	*explain.Summary
	Probes  map[int]*probeOutcome // by group index
	Probing bool
}

func (e *env) explain(ctx context.Context, args []string) int {
	fs := newFlags("explain")
	var f explainFlags
	fs.BoolVar(&f.json, "json", false, "print the explanation as JSON")
	fs.BoolVar(&f.probe, "probe", false, "run the deciding check against the endpoint named in the message")
	fs.BoolVar(&f.list, "list", false, "list the stacks and message patterns the catalog knows")
	fs.StringVar(&f.target, "target", "", "with --probe: check this `URL` when the message names no server (or another one)")
	fs.StringVar(&f.profile, "profile", "", "with --probe: check as this client `ID` instead of the one the message implies")
	fs.Var(&f.caBundles, "ca-bundle", "with --probe: a PEM `FILE` of CAs the client trusts (repeatable), as for check")
	fs.BoolVar(&f.noSystem, "no-system-roots", false, "with --probe: trust only the --ca-bundle CAs")
	fs.StringVar(&f.servername, "servername", "", "with --probe: the `NAME` to send as SNI")
	fs.Var(&f.connect, "connect", "with --probe: dial these `ADDR[,ADDR...]` instead of resolving the name")
	fs.DurationVar(&f.timeout, "timeout", probe.DefaultTimeout, "with --probe: time-out of each phase")
	fs.IntVar(&f.maxProbes, "max-probes", 10, "with --probe on a log: check at most `N` endpoints")
	pos, code, ok := e.parse(fs, explainHelp, args)
	if !ok {
		return code
	}
	if f.list {
		return e.explainList(f.json)
	}
	if len(pos) == 0 {
		return e.fail(ExitUsage, "tlsdoctor explain 'x509: certificate signed by unknown authority'  (or: ... | tlsdoctor explain -)", "explain needs a MESSAGE, '-' or a FILE")
	}
	if f.maxProbes < 1 || f.maxProbes > 1000 {
		return e.fail(ExitUsage, "", "--max-probes must be 1-1000, got %d", f.maxProbes)
	}
	if strings.TrimSpace(strings.Join(pos, " ")) == "" {
		return e.fail(ExitUsage, "paste the error line between quotes: tlsdoctor explain 'x509: certificate signed by unknown authority'", "the message is empty")
	}
	var logs, missing []string
	for _, a := range pos {
		if a == "-" {
			logs = append(logs, a)
			continue
		}
		st, err := os.Stat(a)
		switch {
		case err == nil && st.IsDir():
			return e.fail(ExitUsage, "give the log files in it (explain DIR/*.log), or pipe them: cat DIR/*.log | tlsdoctor explain -", "%s is a directory", a)
		case err == nil:
			logs = append(logs, a) // a regular file, or a pipe such as <(kubectl logs ...)
		case pathLike(a):
			missing = append(missing, a)
		}
	}
	if len(missing) > 0 && (len(logs) > 0 || len(missing) == len(pos)) {
		return e.fail(ExitUsage, "to explain a message, quote it: tlsdoctor explain 'MESSAGE'; to read a log, give an existing FILE or '-' for standard input", "%s: no such file", missing[0])
	}
	if len(logs) == 0 {
		return e.explainOne(ctx, strings.Join(pos, " "), &f)
	}
	if len(logs) != len(pos) {
		for _, a := range pos {
			if _, err := os.Stat(a); a != "-" && err != nil {
				return e.fail(ExitUsage, "give either one quoted MESSAGE, or '-' and FILEs to read as logs", "%s: not a file", a)
			}
		}
	}
	return e.explainLogs(ctx, logs, &f)
}

func (e *env) explainOne(ctx context.Context, msg string, f *explainFlags) int {
	r := explain.Explain(msg)
	out := explained{Result: r}
	code := ExitOK
	if !r.Matched {
		code = ExitUnrecognised
	}
	if f.probe && (r.Matched || f.target != "") {
		out.Probe = e.runProbe(ctx, r, f)
		code = probeCode(out.Probe)
	}
	if f.json {
		report.JSON(e.stdout, out)
		return code
	}
	w := e.stdout
	color := colorOK(w)
	if !r.Matched {
		writeUnmatched(w, r)
	} else {
		writeExplanation(w, r, "", color)
	}
	if out.Probe != nil {
		writeProbe(w, out.Probe, "", color)
	}
	return code
}

func probeCode(p *probeOutcome) int {
	switch {
	case p.Error != "":
		return ExitUsage
	case p.Cause.Failed():
		return ExitFailure
	}
	return ExitOK
}

// runProbe runs the check the explanation names.
func (e *env) runProbe(ctx context.Context, r *explain.Result, f *explainFlags) *probeOutcome {
	cf := f.checkFlags
	cf.profile = r.Profile
	if cf.profile == "" {
		cf.profile = "default"
	}
	note := ""
	if f.profile != "" {
		cf.profile = f.profile
	} else if p, err := profile.Get(cf.profile); err == nil && !p.Verifies() && certificateOnly(r) {
		// The message shows this client verifies certificates, unlike the
		// stack's default settings (Envoy without validation_context).
		note = "the message shows certificate verification is on, so the check verifies as the default client instead of " + cf.profile
		cf.profile = "default"
	}
	if cf.servername == "" {
		cf.servername = r.Target.ServerName
	}
	input := f.target
	if input == "" {
		if r.Target.URL != "" && strings.HasPrefix(strings.ToLower(r.Target.URL), "https://") {
			input = r.Target.URL
		} else if hp := r.Target.HostPort(); hp != "" {
			input = hp
		}
	}
	out := &probeOutcome{Profile: cf.profile, Note: note}
	if input == "" {
		out.Error = "the message names no server: add --target https://host:port"
		return out
	}
	out.Command = "tlsdoctor check " + input + " --profile " + cf.profile
	if cf.servername != "" {
		out.Command += " --servername " + cf.servername
	}
	for _, c := range cf.connect {
		out.Command += " --connect " + c
	}
	for _, b := range cf.caBundles {
		out.Command += " --ca-bundle " + b
	}
	if cf.noSystem {
		out.Command += " --no-system-roots"
	}
	target, err := probe.ParseTarget(input)
	if err != nil {
		out.Error = fmt.Sprintf("cannot check %q: %v", input, err)
		return out
	}
	opts, p, code := e.probeSetup(&cf)
	if code != 0 {
		out.Error = "the check's options are not valid (see above)"
		return out
	}
	_, d, err := runCheck(ctx, target, opts, p)
	e.progressDone()
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Diagnosis = d
	out.Cause = d.Cause
	out.Rank = r.Rank(d.Cause)
	out.Among = out.Rank > 0
	return out
}

// certificateOnly reports whether every candidate of r is a certificate
// cause: the client that logged it verifies certificates.
func certificateOnly(r *explain.Result) bool {
	for _, c := range r.Candidates {
		if c.Layer != "certificate" {
			return false
		}
	}
	return len(r.Candidates) > 0
}

// writeExplanation prints one explanation, each line prefixed by indent.
func writeExplanation(w io.Writer, r *explain.Result, indent string, color bool) {
	bold, dim, reset := "", "", ""
	if color {
		bold, dim, reset = "\x1b[1m", "\x1b[2m", "\x1b[0m"
	}
	var names []string
	for _, s := range r.Stacks {
		names = append(names, s.Name)
	}
	line := func(label, text string) {
		fmt.Fprintf(w, "%s%-11s %s\n", indent, label, wrap(text, 66, indent+strings.Repeat(" ", 12)))
	}
	line("Recognised", strings.Join(names, " › "))
	line("Means", r.Meaning)
	if r.Context != "" {
		line("", "("+r.Context+")")
	}
	if r.Misleading != "" {
		line("Beware", r.Misleading)
	}
	if r.Decided {
		fmt.Fprintf(w, "%s%-11s %s%s%s  %s\n", indent, "Cause", bold, r.Candidates[0].Cause, reset, dim+"(the message alone decides)"+reset)
		fmt.Fprintf(w, "%s%-11s %s\n", indent, "", wrap(r.Candidates[0].Summary, 66, indent+strings.Repeat(" ", 12)))
		fmt.Fprintf(w, "%s%-11s %s\n", indent, "Fix", wrap(r.Candidates[0].Fix, 66, indent+strings.Repeat(" ", 12)))
	} else {
		fmt.Fprintf(w, "%s%-11s %s\n", indent, "Candidates", dim+"most likely first; the message alone cannot decide"+reset)
		// The likeliest in full; the long tail of a generic message on one line.
		const full = 5
		var rest []string
		for _, c := range r.Candidates {
			if c.Rank > full && len(r.Candidates) > full+1 {
				rest = append(rest, string(c.Cause))
				continue
			}
			fmt.Fprintf(w, "%s  %2d. %s%-25s%s %s\n", indent, c.Rank, bold, c.Cause, reset, wrap(c.Summary, 48, indent+strings.Repeat(" ", 32)))
			fmt.Fprintf(w, "%s      %s\n", indent, wrap(dim+"fix: "+c.Fix+reset, 72, indent+"           "))
		}
		if len(rest) > 0 {
			fmt.Fprintf(w, "%s      %s\n", indent, wrap("also possible: "+strings.Join(rest, ", "), 66, indent+strings.Repeat(" ", 21)))
		}
	}
	label := "Decide"
	if r.Decided {
		label = "Confirm"
	}
	line(label, r.Decide)
	cmd := printable(r.Command)
	switch {
	case r.Placeholder && strings.Contains(r.Command, explain.OriginPlaceholder):
		cmd += "    " + dim + "# put in the origin the edge connects to: the line names only the viewer's side" + reset
	case r.Placeholder:
		cmd += "    " + dim + "# put in the server: the message names none" + reset
	}
	fmt.Fprintf(w, "%s%-11s %s$ %s%s\n", indent, "", bold, cmd, reset)
}

func writeUnmatched(w io.Writer, r *explain.Result) {
	fmt.Fprintln(w, "Not recognised: no pattern in the catalog matches this message.")
	if len(r.Stacks) > 0 {
		var names []string
		for _, s := range r.Stacks {
			names = append(names, s.Name)
		}
		fmt.Fprintf(w, "It looks like %s, but names no failure tlsdoctor knows.\n", strings.Join(names, " › "))
	}
	fmt.Fprintln(w, "If the server is known, check it directly:  tlsdoctor check https://HOST:PORT/ [--profile CLIENT]")
	fmt.Fprintln(w, "'tlsdoctor explain --list' shows every stack and message the catalog knows.")
}

func writeProbe(w io.Writer, p *probeOutcome, indent string, color bool) {
	bold, reset := "", ""
	if color {
		bold, reset = "\x1b[1m", "\x1b[0m"
	}
	fmt.Fprintln(w)
	if p.Error != "" {
		fmt.Fprintf(w, "%s%-11s %s\n", indent, "Probe", "not run: "+printable(p.Error))
		return
	}
	fmt.Fprintf(w, "%s%-11s $ %s\n", indent, "Probed", printable(p.Command))
	if p.Note != "" {
		fmt.Fprintf(w, "%s%-11s %s\n", indent, "", wrap("("+p.Note+")", 66, indent+strings.Repeat(" ", 12)))
	}
	verdict := ""
	switch {
	case !p.Cause.Failed():
		verdict = "the handshake works now for this client: the failure is gone, intermittent, or on another node or path"
	case p.Among:
		verdict = fmt.Sprintf("candidate %d of the message's", p.Rank)
		if p.Rank == 1 {
			verdict = "the message's most likely candidate"
		}
	default:
		verdict = "not among the message's candidates: the server may have changed since the log, or the log came from another endpoint or client"
	}
	fmt.Fprintf(w, "%s%-11s %s%s%s  %s\n", indent, "Decided", bold, p.Cause, reset, wrap(verdict, 60, indent+strings.Repeat(" ", 12)))
	if p.Diagnosis != nil {
		fmt.Fprintln(w)
		report.Text(w, p.Diagnosis, report.Style{Color: color, Recheck: p.Command})
	}
}

func (e *env) explainLogs(ctx context.Context, files []string, f *explainFlags) int {
	var readers []io.Reader
	var closers []io.Closer
	var sizes []int64
	for _, name := range files {
		if name == "-" {
			readers = append(readers, e.stdin)
			sizes = append(sizes, 0)
			continue
		}
		fh, err := os.Open(name)
		if err != nil {
			return e.fail(ExitUsage, "", "%v", err)
		}
		closers = append(closers, fh)
		readers = append(readers, fh)
		var size int64
		if st, err := fh.Stat(); err == nil {
			size = st.Size()
		}
		sizes = append(sizes, size)
	}
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	var total *explain.Summary
	for i, r := range readers {
		var prog explain.Progress
		if isTerminal(e.stderr) {
			start, last, name, size := time.Now(), time.Time{}, files[i], sizes[i]
			if name == "-" {
				name = "stdin"
			}
			prog = func(lines int, n int64) {
				if time.Since(last) < 200*time.Millisecond {
					return
				}
				last = time.Now()
				of := ""
				if size > 0 {
					of = fmt.Sprintf(" of %.1f", float64(size)/1e6)
				}
				fmt.Fprintf(e.stderr, "\r\x1b[Kreading %s: %d lines, %.1f%s MB, %.1f s", name, lines, float64(n)/1e6, of, time.Since(start).Seconds())
			}
		}
		s, err := explain.ReadLog(r, prog)
		e.progressDone()
		if err != nil {
			return e.fail(ExitUsage, "a log is text lines, newline-delimited JSON, or one JSON document", "%s: %v", files[i], err)
		}
		total = mergeSummary(total, s)
	}
	out := explainedLog{Summary: total}
	code := ExitOK
	if total.Recognised == 0 {
		code = ExitUnrecognised
	}
	if f.probe {
		out.Probing = true
		out.Probes = map[int]*probeOutcome{}
		seen := map[string]*probeOutcome{}
		probed := 0
		for i, g := range total.Groups {
			hp := g.Result.Target.HostPort()
			if hp == "" && f.target == "" {
				continue
			}
			key := hp + "|" + g.Result.Profile + "|" + g.Result.Target.ServerName
			if p, ok := seen[key]; ok {
				out.Probes[i] = p
				continue
			}
			if probed >= f.maxProbes {
				break
			}
			probed++
			if isTerminal(e.stderr) {
				fmt.Fprintf(e.stderr, "\r\x1b[Kprobing %s ...", hp)
			}
			p := e.runProbe(ctx, g.Result, f)
			e.progressDone()
			seen[key] = p
			out.Probes[i] = p
			if p.Cause.Failed() && code != ExitUsage {
				code = ExitFailure
			}
		}
	}
	if f.json {
		type groupJSON struct {
			*explain.Group
			Probe *probeOutcome `json:"probe,omitempty"`
		}
		type logJSON struct {
			*explain.Summary
			Groups []groupJSON `json:"groups"`
		}
		j := logJSON{Summary: total, Groups: []groupJSON{}}
		for i, g := range total.Groups {
			j.Groups = append(j.Groups, groupJSON{g, out.Probes[i]})
		}
		report.JSON(e.stdout, j)
		return code
	}
	writeLogSummary(e.stdout, &out, colorOK(e.stdout))
	return code
}

func mergeSummary(a, b *explain.Summary) *explain.Summary {
	if a == nil {
		return b
	}
	a.Lines += b.Lines
	a.Records += b.Records
	a.Recognised += b.Recognised
	a.Unrecognised += b.Unrecognised
	a.CutLines += b.CutLines
	a.BinaryLines += b.BinaryLines
	for _, s := range b.Samples {
		if len(a.Samples) < 5 {
			a.Samples = append(a.Samples, s)
		}
	}
	byKey := map[string]*explain.Group{}
	for _, g := range a.Groups {
		byKey[g.Key()] = g
	}
	for _, g := range b.Groups {
		if x, ok := byKey[g.Key()]; ok {
			x.Count += g.Count
			continue
		}
		a.Groups = append(a.Groups, g)
	}
	if a.Format != b.Format {
		a.Format = "mixed"
	}
	return a
}

func writeLogSummary(w io.Writer, out *explainedLog, color bool) {
	s := out.Summary
	fmt.Fprintf(w, "Read %s (%s): %s, %s recognised in %s", plural(s.Lines, "line", "lines"), s.Format,
		plural(s.Records, "record", "records"), plural(s.Recognised, "TLS failure", "TLS failures"), plural(len(s.Groups), "group", "groups"))
	if s.Unrecognised > 0 {
		if s.Unrecognised == 1 {
			fmt.Fprint(w, "; 1 more mentions TLS and a failure but matches no pattern")
		} else {
			fmt.Fprintf(w, "; %d more mention TLS and a failure but match no pattern", s.Unrecognised)
		}
	}
	fmt.Fprintln(w, ".")
	switch {
	case s.BinaryLines == 1:
		fmt.Fprintf(w, "1 line is not text (most of its bytes are binary) and was skipped: line %d.\n", s.FirstBinary)
	case s.BinaryLines > 1:
		fmt.Fprintf(w, "%d lines are not text (most of their bytes are binary) and were skipped; the first is line %d.\n", s.BinaryLines, s.FirstBinary)
	}
	if s.BinaryLines > s.Records {
		fmt.Fprintln(w, "hint: most of this input is not text: a compressed log must be decompressed first (zcat FILE.gz | tlsdoctor explain -)")
	}
	if s.CutLines > 0 {
		fmt.Fprintf(w, "%s longer than %d MiB: only the first %d MiB of each was read (the first is line %d).\n",
			plural(s.CutLines, "line is", "lines are"), explain.MaxLine>>20, explain.MaxLine>>20, s.FirstCut)
	}
	if len(s.Groups) == 0 {
		for _, x := range s.Samples {
			fmt.Fprintf(w, "  unrecognised: %s\n", printable(x))
		}
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  %6s  %-26s %-28s %s\n", "COUNT", "MOST LIKELY", "ENDPOINT", "STACK")
	for _, g := range s.Groups {
		r := g.Result
		first := string(r.Candidates[0].Cause)
		if !r.Decided {
			first += fmt.Sprintf(" (+%d)", len(r.Candidates)-1)
		}
		ep := printable(r.Target.HostPort())
		if ep == "" {
			ep = "-"
		}
		stack := ""
		if len(r.Stacks) > 0 {
			stack = r.Stacks[0].Name
		}
		fmt.Fprintf(w, "  %6d  %-26s %-28s %s\n", g.Count, first, ep, stack)
	}
	for i, g := range s.Groups {
		where := fmt.Sprintf("lines %d-%d", g.FirstLine, g.LastLine)
		if g.FirstLine == g.LastLine {
			where = fmt.Sprintf("line %d", g.FirstLine)
		}
		fmt.Fprintf(w, "\n[%d] %d× (%s)  %s\n", i+1, g.Count, where, printable(explain.Clip(g.Result.Input, 140)))
		writeExplanation(w, g.Result, "    ", color)
		if p := out.Probes[i]; p != nil {
			writeProbe(w, p, "    ", color)
		} else if out.Probing {
			fmt.Fprintf(w, "\n    %-11s %s\n", "Probe", "not run: the lines name no server (add --target URL), or --max-probes was reached")
		}
	}
	if len(s.Samples) > 0 {
		fmt.Fprintln(w, "\nMention TLS and a failure but match no pattern (first few):")
		for _, x := range s.Samples {
			fmt.Fprintf(w, "  %s\n", printable(x))
		}
	}
}

func (e *env) explainList(asJSON bool) int {
	type entry struct {
		ID       string       `json:"id"`
		Stack    string       `json:"stack"`
		Regex    string       `json:"regex"`
		Topic    string       `json:"topic_regex,omitempty"` // counts only in a record that states a failure
		Causes   []cause.Code `json:"causes,omitempty"`
		Decides  bool         `json:"decides"`
		Envelope bool         `json:"envelope"`
		Meaning  string       `json:"meaning"`
	}
	var list []entry
	for _, p := range explain.Patterns() {
		list = append(list, entry{p.ID, p.Stack, p.Re, p.Topic, p.Causes, p.Decides, p.Envelope, p.Meaning})
	}
	if asJSON {
		report.JSON(e.stdout, map[string]any{"stacks": explain.Stacks(), "patterns": list})
		return ExitOK
	}
	stacks := 0
	for _, st := range explain.Stacks() {
		if st.ID != explain.GenericStack {
			stacks++
		}
		n := 0
		for _, p := range list {
			if p.Stack == st.ID {
				n++
			}
		}
		prof := st.Profile
		if prof == "" {
			prof = "-"
		}
		fmt.Fprintf(e.stdout, "%-12s %-52s profile %-16s %12s\n", st.ID, st.Name, prof, plural(n, "pattern", "patterns"))
	}
	fmt.Fprintf(e.stdout, "\n%d stacks, the wording every stack uses (%s), and %d patterns in all;\n'tlsdoctor explain --list --json' prints each with its regular expression and causes.\n", stacks, explain.GenericStack, len(list))
	return ExitOK
}

// pathLike reports whether a lone argument looks like a file name rather
// than a message: one word with a path separator or a log file's extension.
func pathLike(a string) bool {
	if a == "" || strings.ContainsAny(a, " \t\r\n") || strings.Contains(a, "://") {
		return false
	}
	if strings.ContainsAny(a, `/\`) || strings.HasPrefix(a, ".") || strings.HasPrefix(a, "~") {
		return true
	}
	lower := strings.ToLower(a)
	for _, ext := range []string{".log", ".txt", ".json", ".jsonl", ".ndjson", ".out", ".err", ".gz"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// printable escapes what a terminal would act on in text taken from a log:
// C0 and C1 control characters (an escape sequence can set the window title
// or clear the screen), DEL, bidirectional overrides and invalid UTF-8. Tabs
// stay; JSON output needs none of this, as JSON escapes them itself.
func printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// plural returns "1 group" or "2 groups".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
