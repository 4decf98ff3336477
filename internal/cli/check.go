package cli

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/report"
)

const checkHelp = `Usage: tlsdoctor check TARGET [flags]

Connects as a client (the --profile), records what happens on the wire, and
prints one cause from 'tlsdoctor causes', the evidence that proves it, the fix,
and secondary findings. Every address the name resolves to is checked.

TARGET is https://host[:port][/path] (an HTTP request follows the handshake),
or host[:port] (TLS only; port 443 by default). IPv6: https://[::1]:8443/.

Examples:
  tlsdoctor check https://api.internal.example:8443/health
  tlsdoctor check api.internal.example:8443 --ca-bundle corp-ca.pem --json
  tlsdoctor check https://shop.example.com --connect 10.0.3.7:443,10.0.3.8:443
  tlsdoctor check https://backend.internal:8443 --profile nginx-proxy
  tlsdoctor check https://backend.internal:8443 --clients      # which clients fail, and why
  tlsdoctor check https://backend.internal:8443 --server       # what the server accepts, SSL Labs style
  tlsdoctor check https://10.0.0.5:8443 --servername api.example.com
  tlsdoctor check https://api.example.com --at 2027-01-15      # will it still work then?
  tlsdoctor check https://api.example.com --write-fix ./fix     # write the corrected chain / CA
  tlsdoctor check https://api.example.com --proxy http://proxy.corp:3128   # through a proxy; INTERCEPTED if it re-signs
  tlsdoctor check https://mtls.internal:8443 --cert client.pem --key client.key
  tlsdoctor check https://mtls.internal:8443 --cert client.p12 --cert-password-file pw.txt
  tlsdoctor check https://api.example.com --profile firefox --revocation   # OCSP and CRLs, whatever the client does

Proxies: without --proxy, the proxy variables (HTTPS_PROXY, NO_PROXY, ...) are
read the way the --profile's client reads them (Java reads none; Go never
proxies loopback); --proxy direct ignores them.

Exit status: 0 the cause is OK (with --clients: for every client); 1 a failure
was diagnosed (with --clients: for at least one client); 2 usage or input error.
`

type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

type checkFlags struct {
	json, noSNI, noHTTP, noSystem, noAIA, verbose, clients, server bool
	revocation                                                     bool
	maxConns                                                       int
	profile, servername, at, save, writeFix                        string
	proxy, cert, key, certPassword                                 string
	caBundles, connect                                             stringList
	timeout, deadline                                              time.Duration
}

func (e *env) check(ctx context.Context, args []string) int {
	fs := newFlags("check")
	var f checkFlags
	fs.BoolVar(&f.json, "json", false, "print the diagnosis as JSON")
	fs.StringVar(&f.profile, "profile", "default", "the client to check for ('tlsdoctor profiles' lists them)")
	fs.Var(&f.caBundles, "ca-bundle", "a PEM `FILE` of CAs the client trusts besides the system store (repeatable)")
	fs.BoolVar(&f.noSystem, "no-system-roots", false, "trust only the --ca-bundle CAs, as a gateway with only a custom bundle does")
	fs.StringVar(&f.servername, "servername", "", "the `NAME` to send as SNI and Host and to check on the certificate")
	fs.BoolVar(&f.noSNI, "no-sni", false, "send no SNI")
	fs.Var(&f.connect, "connect", "dial these `ADDR[,ADDR...]` (IP, IP:port, or host:port resolved when dialled) instead of resolving the target's name")
	fs.DurationVar(&f.timeout, "timeout", probe.DefaultTimeout, "time-out of each phase (dial, hello, handshake, HTTP)")
	fs.DurationVar(&f.deadline, "deadline", DefaultDeadline, "bound on the whole check (with --clients: on all the clients together)")
	fs.BoolVar(&f.noHTTP, "no-http", false, "skip the HTTP request after the handshake")
	fs.BoolVar(&f.noAIA, "no-aia", false, "do not fetch missing issuers from AIA URLs")
	fs.StringVar(&f.at, "at", "", "judge certificate validity at `TIME` (RFC 3339, YYYY-MM-DD, or +30d / -2h from now)")
	fs.StringVar(&f.save, "save", "", "write the raw evidence to `FILE` (re-diagnose with 'tlsdoctor diagnose FILE')")
	fs.StringVar(&f.writeFix, "write-fix", "", "write fix artifacts (the corrected full chain, the CA to trust) to `DIR`")
	fs.BoolVar(&f.verbose, "v", false, "show every address and certificate")
	fs.BoolVar(&f.clients, "clients", false, "check for every client profile and print which fail and why")
	fs.BoolVar(&f.server, "server", false, "also enumerate what the server accepts: versions, every cipher suite and its order, groups, SNI")
	fs.IntVar(&f.maxConns, "max-conns", probe.DefaultScanConns, "connections at once per server during --server (1-64)")
	fs.StringVar(&f.proxy, "proxy", "", "send every connection through this HTTP proxy (CONNECT): `URL` http://[user:pass@]host:port or https://...; \"direct\" ignores the proxy variables")
	fs.StringVar(&f.cert, "cert", "", "present this client certificate when the server asks: `FILE` PEM (leaf first) or PKCS#12 (.p12, .pfx)")
	fs.StringVar(&f.key, "key", "", "the client certificate's private key, PEM `FILE` (not needed when --cert holds it, or for PKCS#12)")
	fs.StringVar(&f.certPassword, "cert-password-file", "", "read the PKCS#12 password from the first line of `FILE`")
	fs.BoolVar(&f.revocation, "revocation", false, "check revocation (stapled OCSP, OCSP responders, CRLs) whatever the client's own policy")
	pos, code, ok := e.parse(fs, checkHelp, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return e.fail(ExitUsage, "tlsdoctor check https://host[:port]/path  (or host:port)", "check takes one TARGET, got %d", len(pos))
	}
	target, err := probe.ParseTarget(pos[0])
	if err != nil {
		var te *probe.TargetError
		errors.As(err, &te)
		return e.fail(ExitUsage, "a target is https://host[:port][/path] or host[:port], e.g. https://api.example.com:8443/health", "bad target %q: %s", pos[0], te.Reason)
	}
	opts, p, code := e.probeSetup(&f)
	if code != 0 {
		return code
	}
	if f.maxConns < 1 || f.maxConns > 64 {
		return e.fail(ExitUsage, "", "--max-conns must be 1-64, got %d", f.maxConns)
	}
	opts.Server, opts.ScanConns = f.server, f.maxConns
	ctx, cancel := context.WithTimeout(ctx, f.deadline)
	defer cancel()
	if f.clients {
		for _, name := range []string{"save", "write-fix", "profile"} {
			if flagSet(fs, name) {
				return e.fail(ExitUsage, "--clients checks every profile and saves nothing; run one client in full: tlsdoctor check TARGET --profile ID --"+name+" ...",
					"--%s does not combine with --clients", name)
			}
		}
		m := fleet.Clients(ctx, target, opts, fleet.SystemTrust)
		e.progressDone()
		if f.json {
			report.JSON(e.stdout, m)
		} else {
			writeClients(e.stdout, m, colorOK(e.stdout))
		}
		if m.Failing() > 0 {
			return ExitFailure
		}
		return ExitOK
	}
	run, d, err := runCheck(ctx, target, opts, p)
	e.progressDone()
	if err != nil {
		var te *probe.TargetError
		if errors.As(err, &te) {
			return e.fail(ExitUsage, "--connect takes IP or IP:port, comma-separated", "%s: %s", te.Input, te.Reason)
		}
		return e.fail(ExitUsage, "", "%v", err)
	}
	if f.save != "" {
		if err := writeJSONFile(f.save, run); err != nil {
			return e.fail(ExitUsage, "", "--save: %v", err)
		}
	}
	if f.writeFix != "" {
		if err := writeArtifacts(f.writeFix, d); err != nil {
			return e.fail(ExitUsage, "", "--write-fix: %v", err)
		}
	}
	return e.output(d, f.json, recheck(args), f.verbose)
}

// DefaultDeadline bounds a whole check unless --deadline says otherwise.
const DefaultDeadline = 2 * time.Minute

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// probeSetup turns the connection flags shared by check and explain --probe
// into probe options; a non-zero code means an error was printed.
func (e *env) probeSetup(f *checkFlags) (probe.Options, *profile.Profile, int) {
	p, err := profile.Get(f.profile)
	if err != nil {
		return probe.Options{}, nil, e.fail(ExitUsage, "known profiles: "+strings.Join(profile.IDs(), ", "), "unknown profile %q", f.profile)
	}
	if f.timeout <= 0 || f.timeout > 5*time.Minute {
		return probe.Options{}, nil, e.fail(ExitUsage, "", "--timeout must be between 1ms and 5m, got %s", f.timeout)
	}
	var extra []*x509.Certificate
	for _, file := range f.caBundles {
		certs, err := fleet.LoadCertificates(file)
		if err != nil {
			return probe.Options{}, nil, e.fail(ExitUsage, "a CA bundle is a file of PEM 'BEGIN CERTIFICATE' blocks (or one DER certificate)", "--ca-bundle %s: %v", file, err)
		}
		extra = append(extra, certs...)
	}
	if f.noSystem && len(extra) == 0 && p.Trust == profile.TrustSystem {
		return probe.Options{}, nil, e.fail(ExitUsage, "add --ca-bundle FILE", "--no-system-roots leaves no trusted CA")
	}
	var at time.Time
	if f.at != "" {
		if at, err = ParseTime(f.at, time.Now()); err != nil {
			return probe.Options{}, nil, e.fail(ExitUsage, "use 2027-01-15, 2027-01-15T10:00:00Z, +30d or -12h", "--at %q: %v", f.at, err)
		}
	}
	if f.deadline <= 0 {
		f.deadline = DefaultDeadline
	}
	var connect []string
	for _, c := range f.connect {
		for _, x := range strings.Split(c, ",") {
			if x = strings.TrimSpace(x); x != "" {
				connect = append(connect, x)
			}
		}
	}
	if len(f.connect) > 0 && len(connect) == 0 {
		return probe.Options{}, nil, e.fail(ExitUsage, "--connect 10.0.0.5 or --connect 10.0.0.5:8443,10.0.0.6:8443", "--connect names no address")
	}
	if len(connect) > probe.MaxAddresses {
		return probe.Options{}, nil, e.fail(ExitUsage, "check the addresses in groups, or let the name resolve", "--connect takes at most %d addresses, got %d", probe.MaxAddresses, len(connect))
	}
	opts := probe.Options{
		Profile: p, Timeout: f.timeout, ServerName: strings.ToLower(f.servername), NoSNI: f.noSNI,
		Connect: connect, NoHTTP: f.noHTTP, NoAIA: f.noAIA, ExtraRoots: extra, NoSystem: f.noSystem,
		At: at, Tool: "tlsdoctor " + Version, Progress: e.progress(), Deadline: f.deadline, Revocation: f.revocation, Getenv: os.Getenv,
	}
	switch f.proxy {
	case "":
	case "direct":
		opts.Getenv = nil
	default:
		u, err := probe.ParseProxy(f.proxy)
		if err != nil {
			return probe.Options{}, nil, e.fail(ExitUsage, "a proxy is http://[user:password@]host:port (or https://...); --proxy direct ignores HTTPS_PROXY", "--proxy %q: %v", redactProxy(f.proxy), err)
		}
		opts.Proxy = u
	}
	if f.key != "" && f.cert == "" || f.certPassword != "" && f.cert == "" {
		return probe.Options{}, nil, e.fail(ExitUsage, "tlsdoctor check URL --cert client.pem --key client.key", "--key and --cert-password-file go with --cert")
	}
	if f.cert != "" {
		cc, err := fleet.LoadClientCert(f.cert, f.key, f.certPassword)
		if err != nil {
			return probe.Options{}, nil, e.fail(ExitUsage, "--cert takes PEM (certificate, leaf first, with --key KEY.pem) or PKCS#12 (with --cert-password-file)", "--cert: %v", err)
		}
		opts.ClientCert = cc
	}
	return opts, p, 0
}

// runCheck probes target as p and diagnoses the run with the system trust store.
func runCheck(ctx context.Context, target evidence.Target, opts probe.Options, p *profile.Profile) (*evidence.Run, *diagnose.Diagnosis, error) {
	opts.Profile = p
	return fleet.Check(ctx, target, opts, fleet.SystemTrust)
}

func (e *env) output(d *diagnose.Diagnosis, asJSON bool, recheck string, verbose bool) int {
	if asJSON {
		report.JSON(e.stdout, d)
	} else {
		report.Text(e.stdout, d, report.Style{Color: colorOK(e.stdout), Recheck: recheck, Verbose: verbose})
	}
	if d.Cause.Failed() {
		return ExitFailure
	}
	return ExitOK
}

// recheck rebuilds the command line without the one-off flags.
func recheck(args []string) string {
	skipNext, redactNext := false, false
	out := []string{"tlsdoctor", "check"}
	for _, a := range args {
		if skipNext {
			skipNext = false
			continue
		}
		name := strings.TrimLeft(a, "-")
		name, _, hasValue := strings.Cut(name, "=")
		if strings.HasPrefix(a, "-") {
			switch name {
			case "json", "v":
				continue
			case "save", "write-fix":
				skipNext = !hasValue
				continue
			case "proxy":
				if hasValue {
					a = "--proxy=" + redactProxy(a[strings.Index(a, "=")+1:])
				} else {
					redactNext = true
				}
			}
		} else if redactNext {
			a, redactNext = redactProxy(a), false
		}
		if strings.ContainsAny(a, " \t'\"$&;|<>()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

// redactProxy hides a password in a proxy URL, for the screen.
func redactProxy(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "PASSWORD")
			return strings.Replace(u.String(), "PASSWORD", "****", 1)
		}
	}
	return s
}

var relTime = regexp.MustCompile(`^([+-])(\d+)([dhm])$`)

// ParseTime parses --at: RFC 3339, YYYY-MM-DD (midnight UTC), or +Nd/-Nh/+Nm from now.
func ParseTime(s string, now time.Time) (time.Time, error) {
	if m := relTime.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		if n > 100000 {
			return time.Time{}, errors.New("too far")
		}
		unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[m[3]]
		d := time.Duration(n) * unit
		if m[1] == "-" {
			d = -d
		}
		return now.Add(d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("not a time")
}

func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func writeArtifacts(dir string, d *diagnose.Diagnosis) error {
	if len(d.Artifacts) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, a := range d.Artifacts {
		if err := os.WriteFile(filepath.Join(dir, a.Name), a.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// progress returns a progress reporter that writes to stderr only on a terminal.
func (e *env) progress() func(string, ...any) {
	if !isTerminal(e.stderr) {
		return nil
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		msg := fmt.Sprintf(format, args...)
		if len(msg) > 76 {
			msg = msg[:76]
		}
		fmt.Fprintf(e.stderr, "\r\x1b[K%s", msg)
	}
}

func (e *env) progressDone() {
	if isTerminal(e.stderr) {
		fmt.Fprint(e.stderr, "\r\x1b[K")
	}
}

func (e *env) diagnoseCmd(ctx context.Context, args []string) int {
	const help = `Usage: tlsdoctor diagnose RUN.json [--json]

Diagnoses a run saved with 'tlsdoctor check --save RUN.json' again, with no
network: the verdict is the one check gave, given the same trust store.

Examples:
  tlsdoctor check https://api.example.com --save run.json
  tlsdoctor diagnose run.json --json

Exit status: 0 the cause is OK; 1 a failure was diagnosed; 2 usage or input error.
`
	fs := newFlags("diagnose")
	asJSON := fs.Bool("json", false, "print the diagnosis as JSON")
	verbose := fs.Bool("v", false, "show every address and certificate")
	pos, code, ok := e.parse(fs, help, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return e.fail(ExitUsage, "tlsdoctor diagnose run.json", "diagnose takes one file")
	}
	run, err := readRun(pos[0])
	if err != nil {
		return e.fail(ExitUsage, "the file is written by 'tlsdoctor check --save FILE'", "%s: %v", pos[0], err)
	}
	p, err := profile.Get(run.Profile)
	if err != nil {
		return e.fail(ExitUsage, "the run was saved by a tlsdoctor that knows this profile", "%s: %v", pos[0], err)
	}
	d := fleet.Diagnose(run, p, fleet.SystemTrust)
	return e.output(d, *asJSON, "tlsdoctor check "+run.Target.Input+" --profile "+run.Profile, *verbose)
}

// MaxRunFile bounds a saved run: real ones are well under 1 MiB, and
// diagnosing one takes about three times its size in memory.
const MaxRunFile = 16 << 20

func readRun(path string) (*evidence.Run, error) {
	data, err := fleet.ReadLimited(path, MaxRunFile, "a tlsdoctor run")
	if err != nil {
		return nil, err
	}
	var run evidence.Run
	if err := json.Unmarshal(data, &run); err != nil {
		return nil, fmt.Errorf("not a tlsdoctor run (%v)", err)
	}
	if run.SchemaVersion != evidence.SchemaVersion {
		return nil, fmt.Errorf("schema_version %d; this tlsdoctor reads %d", run.SchemaVersion, evidence.SchemaVersion)
	}
	if run.Profile == "" || run.Target.Input == "" {
		return nil, errors.New("not a tlsdoctor run (no profile or target)")
	}
	return &run, nil
}
