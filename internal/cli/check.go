package cli

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
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
  tlsdoctor check https://api.example.com --expect OK           # CI: fail unless it works
  tlsdoctor check https://api.example.com --expect CERT_EXPIRED # still broken the known way?
  tlsdoctor check https://api.example.com --watch 10s           # re-check while you fix it
  tlsdoctor check https://api.example.com --watch 10s --expect OK --max-tries 90
  tlsdoctor check https://backend:8443 --profile nginx-proxy --sni   # as nginx with proxy_ssl_server_name on
  tlsdoctor check https://api.example.com --proxy http://proxy.corp:3128   # through a proxy; INTERCEPTED if it re-signs
  tlsdoctor check https://mtls.internal:8443 --cert client.pem --key client.key
  tlsdoctor check https://mtls.internal:8443 --cert client.p12 --cert-password-file pw.txt
  tlsdoctor check https://api.example.com --profile firefox --revocation   # OCSP and CRLs, whatever the client does

Proxies: without --proxy, the proxy variables (HTTPS_PROXY, NO_PROXY, ...) are
read the way the --profile's client reads them (Java reads none; Go never
proxies loopback); --proxy direct ignores them.

A failing report ends with commands that show the same failure with openssl
and curl, without tlsdoctor, each with the line of output to look for, and
with the check to run once the fix is in.

--watch re-checks every DURATION until the cause changes (with --expect:
until it is one of the expected codes), at most --max-tries checks, and
prints each change (certificates, versions, suites, the cause per address).
Ctrl-C stops it.

Exit status: 0 the cause is OK (with --clients: for every client; with
--expect: the cause is one of the expected codes, for every client with
--clients); 1 a failure was diagnosed (with --expect: the cause is none of
them; with --watch: as the last check); 2 usage or input error.
`

type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

type checkFlags struct {
	json, noSNI, noHTTP, noSystem, noAIA, verbose, clients, server bool
	sni, revocation                                                bool
	maxConns, maxTries                                             int
	profile, servername, at, save, writeFix                        string
	proxy, cert, key, certPassword                                 string
	caBundles, connect, expect                                     stringList
	timeout, deadline, watch                                       time.Duration
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
	fs.DurationVar(&f.deadline, "deadline", DefaultDeadline, "bound on the whole check (with --clients: on all the clients together; with --watch: on each check)")
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
	fs.BoolVar(&f.sni, "sni", false, "send SNI even when the --profile does not, as the client will once configured to (nginx: proxy_ssl_server_name on)")
	fs.Var(&f.expect, "expect", "exit 0 when the cause is `CODE`, 1 otherwise (repeatable, or CODE,CODE)")
	fs.DurationVar(&f.watch, "watch", 0, "re-check every `DURATION` (at least 1s) until the cause changes, printing each change")
	fs.IntVar(&f.maxTries, "max-tries", 60, "with --watch: stop after `N` checks")
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
		return e.fail(ExitUsage, "the default, 8, suits most servers; lower it for a fragile one", "--max-conns must be 1-64, got %d", f.maxConns)
	}
	opts.Server, opts.ScanConns = f.server, f.maxConns
	expect, code := e.expectCodes(f.expect)
	if code != 0 {
		return code
	}
	if f.watch != 0 {
		if f.clients {
			return e.fail(ExitUsage, "choose the client with --profile ID", "--watch follows one client; it cannot be combined with --clients")
		}
		if f.watch < time.Second || f.watch > 24*time.Hour {
			return e.fail(ExitUsage, "e.g. --watch 10s", "--watch must be between 1s and 24h, got %s", f.watch)
		}
		if f.maxTries < 1 || f.maxTries > 100000 {
			return e.fail(ExitUsage, "e.g. --watch 10s --max-tries 60: ten minutes", "--max-tries must be 1-100000, got %d", f.maxTries)
		}
	}
	if f.watch != 0 {
		// Each check has its own deadline; the watch is bounded by --max-tries.
		return e.watchCheck(ctx, target, opts, p, &f, args, expect)
	}
	ctx, cancel := context.WithTimeout(ctx, f.deadline)
	defer cancel()
	if f.clients {
		if f.sni {
			return e.fail(ExitUsage, "check that client alone: --profile ID --sni", "--sni changes one client; it cannot be combined with --clients")
		}
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
			writeClients(e.stdout, m, colorOK(e.stdout), checkCommand(dropFlags(args, "clients", "server", "max-conns", "profile", "json", "v", "save", "write-fix", "expect")))
		}
		if len(expect) > 0 {
			for _, v := range m.Clients {
				if !slices.Contains(expect, v.Cause) {
					return ExitFailure
				}
			}
			return ExitOK
		}
		if m.Failing() > 0 {
			return ExitFailure
		}
		return ExitOK
	}
	run, d, code := e.checkOnce(ctx, target, opts, p, &f)
	if code != 0 {
		return code
	}
	if code := e.keep(&f, run, d); code != 0 {
		return code
	}
	status := e.output(d, f.json, rechecks(args, d, p, f.writeFix), f.verbose)
	if len(expect) > 0 {
		return expectStatus(d, expect)
	}
	return status
}

// DefaultDeadline bounds a whole check unless --deadline says otherwise.
const DefaultDeadline = 2 * time.Minute

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// keep writes what --save and --write-fix ask for; a non-zero code means an
// error was printed.
func (e *env) keep(f *checkFlags, run *evidence.Run, d *diagnose.Diagnosis) int {
	if f.save != "" {
		if err := writeJSONFile(f.save, run); err != nil {
			return e.fail(ExitUsage, "--save takes a file path in a directory you can write", "--save: %v", err)
		}
	}
	if f.writeFix != "" {
		written, err := writeArtifacts(f.writeFix, d)
		if err != nil {
			return e.fail(ExitUsage, "--write-fix takes a directory you can write; it is created if missing", "--write-fix: %v", err)
		}
		switch {
		case len(written) > 0:
			for _, w := range written {
				fmt.Fprintf(e.stderr, "wrote %s\n", w)
			}
		case d.Cause.Failed():
			fmt.Fprintf(e.stderr, "--write-fix: no file would fix %s here; nothing written\n", d.Cause)
		}
	}
	return 0
}

// checkOnce runs one check and attaches its reproducers; a non-zero code
// means an error was printed.
func (e *env) checkOnce(ctx context.Context, target evidence.Target, opts probe.Options, p *profile.Profile, f *checkFlags) (*evidence.Run, *diagnose.Diagnosis, int) {
	run, d, err := runCheck(ctx, target, opts, p)
	e.progressDone()
	if err != nil {
		var te *probe.TargetError
		if errors.As(err, &te) {
			return nil, nil, e.fail(ExitUsage, "--connect takes IP, IP:port, host or host:port, comma-separated", "%s: %s", te.Input, te.Reason)
		}
		return nil, nil, e.fail(ExitUsage, "", "%v", err)
	}
	run.CAFiles, run.ClientKeyFile = f.caBundles, f.key
	d.Reproducers = diagnose.Reproduce(run, d, p)
	return run, d, 0
}

// expectCodes parses --expect: known cause codes, repeatable or
// comma-separated, any case.
func (e *env) expectCodes(list []string) ([]cause.Code, int) {
	var out []cause.Code
	for _, item := range list {
		for _, c := range strings.Split(item, ",") {
			code := cause.Code(strings.ToUpper(strings.TrimSpace(c)))
			if code == "" {
				continue
			}
			if !code.Known() {
				return nil, e.fail(ExitUsage, "'tlsdoctor causes' lists them, e.g. --expect OK or --expect CERT_EXPIRED", "--expect %s: not a cause code", c)
			}
			out = append(out, code)
		}
	}
	return out, 0
}

// expectStatus is the exit status under --expect.
func expectStatus(d *diagnose.Diagnosis, expect []cause.Code) int {
	if slices.Contains(expect, d.Cause) {
		return ExitOK
	}
	return ExitFailure
}

// probeSetup turns the connection flags shared by check and explain --probe
// into probe options; a non-zero code means an error was printed.
func (e *env) probeSetup(f *checkFlags) (probe.Options, *profile.Profile, int) {
	p, err := profile.Get(f.profile)
	if err != nil {
		return probe.Options{}, nil, e.fail(ExitUsage, "known profiles: "+strings.Join(profile.IDs(), ", "), "unknown profile %q", f.profile)
	}
	if f.timeout <= 0 || f.timeout > 5*time.Minute {
		return probe.Options{}, nil, e.fail(ExitUsage, "a duration such as 5s (the default), 500ms or 1m", "--timeout must be between 1ms and 5m, got %s", f.timeout)
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
				if err := probe.CheckConnect(x); err != nil {
					reason := err.Error()
					if te := (*probe.TargetError)(nil); errors.As(err, &te) {
						reason = te.Reason
					}
					return probe.Options{}, nil, e.fail(ExitUsage, "--connect 10.0.0.5 or --connect 10.0.0.5:8443,10.0.0.6:8443", "--connect %q: %s", x, reason)
				}
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
	if f.sni {
		if f.noSNI {
			return probe.Options{}, nil, e.fail(ExitUsage, "--sni models a client that will send SNI; --no-sni one that does not", "--sni and --no-sni contradict each other")
		}
		// The client as it will be once configured to send SNI.
		withSNI := *p
		withSNI.SendsSNI = true
		p = &withSNI
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

func (e *env) output(d *diagnose.Diagnosis, asJSON bool, recheck recheckLines, verbose bool) int {
	if asJSON {
		report.JSON(e.stdout, d)
	} else {
		report.Text(e.stdout, d, report.Style{Color: colorOK(e.stdout), Recheck: recheck.command, RecheckAlso: recheck.also, Verbose: verbose})
	}
	if d.Cause.Failed() {
		return ExitFailure
	}
	return ExitOK
}

// valueFlags are check's flags that take a value.
var valueFlags = map[string]bool{"profile": true, "ca-bundle": true, "servername": true, "connect": true, "timeout": true,
	"deadline": true, "at": true, "save": true, "write-fix": true, "max-conns": true, "expect": true, "watch": true,
	"max-tries": true, "proxy": true, "cert": true, "key": true, "cert-password-file": true}

// dropFlags returns args without the named flags (and their values).
func dropFlags(args []string, names ...string) []string {
	var out []string
	skipNext := false
	for _, a := range args {
		if skipNext {
			skipNext = false
			continue
		}
		if strings.HasPrefix(a, "-") {
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if slices.Contains(names, name) {
				skipNext = valueFlags[name] && !hasValue
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if n, v, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && n == name && v != "false" {
			return true
		}
	}
	return false
}

// checkCommand is 'tlsdoctor check' with args, quoted for a shell, with a
// proxy's password hidden.
func checkCommand(args []string) string {
	out := []string{"tlsdoctor", "check"}
	redactNext := false
	for _, a := range args {
		switch name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "="); {
		case redactNext:
			a, redactNext = redactProxy(a), false
		case strings.HasPrefix(a, "-") && name == "proxy" && hasValue:
			a = "--proxy=" + redactProxy(value)
		case strings.HasPrefix(a, "-") && name == "proxy":
			redactNext = true
		}
		if strings.ContainsAny(a, " \t'\"$&;|<>()*?[]{}~`\\") {
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

// recheckLines is the re-check to run once the fix is in, and other lines:
// the re-check for the other way to fix it, or what a re-check cannot test.
type recheckLines struct {
	command string
	also    []string
}

// recheck rebuilds the command line without the one-off flags.
func recheck(args []string) string {
	return checkCommand(dropFlags(args, "json", "v", "save", "write-fix", "expect", "watch", "max-tries"))
}

// rechecks is the command that passes once d's first fix is in: the same
// check (same addresses, CA files, name) for a fix on the server, or the
// client as the fix changes it: sending SNI, trusting the CA.
func rechecks(args []string, d *diagnose.Diagnosis, p *profile.Profile, fixDir string) recheckLines {
	base := dropFlags(args, "json", "v", "save", "write-fix", "expect", "watch", "max-tries")
	asIs := checkCommand(base)
	switch d.Cause {
	case cause.SNIRequired:
		if !hasFlag(base, "no-sni") && (p.SendsSNI || hasFlag(base, "sni")) {
			break // SNI was sent and refused: the server must change
		}
		fixed := dropFlags(base, "no-sni")
		if !p.SendsSNI && !hasFlag(fixed, "sni") {
			fixed = append(fixed, "--sni")
		}
		return recheckLines{checkCommand(fixed), []string{"if the server is fixed instead (a default certificate for clients without SNI): " + asIs}}
	case cause.UntrustedRoot, cause.SelfSigned:
		if p.Trust != profile.TrustSystem && p.Trust != profile.TrustBundleOnly {
			break // this client cannot be given a CA
		}
		ca := "ca.pem"
		written := slices.ContainsFunc(d.Artifacts, func(a diagnose.Artifact) bool { return a.Name == "ca.pem" })
		var also []string
		switch {
		case written && fixDir != "":
			ca = filepath.Join(fixDir, "ca.pem")
		case written:
			also = []string{"ca.pem: the CA added to the client's trust store (--write-fix DIR writes it)"}
		default:
			also = []string{"ca.pem: the CA added to the client's trust store" + topIssuer(d) + ", obtained from its owner"}
		}
		also = append(also, "if the server gets a certificate from a CA the client already trusts instead: "+asIs)
		return recheckLines{checkCommand(append(base, "--ca-bundle", ca)), also}
	case cause.HostnameMismatch:
		// A client that connects by IP address is checked against IP SANs;
		// the fix may be to connect by a name the certificate covers.
		if _, err := netip.ParseAddr(d.ServerName); err == nil && !hasFlag(base, "servername") && len(d.Addresses) > 0 {
			for _, c := range d.Addresses[0].Certificates {
				if c.Role == "leaf" && len(c.Names) > 0 {
					if _, err := netip.ParseAddr(c.Names[0]); err != nil {
						return recheckLines{asIs, []string{"if the client connects by the name the certificate covers instead: " + checkCommand(append(base, "--servername", c.Names[0]))}}
					}
				}
			}
		}
	case cause.ClientCertRequired:
		if hasFlag(base, "cert") {
			return recheckLines{asIs, []string{"with a certificate the server accepts in place of the one given (issued by a CA it names, for client authentication, current, with its key)"}}
		}
		fixed := append(slices.Clone(base), "--cert", "client.pem", "--key", "client.key")
		return recheckLines{checkCommand(fixed), []string{"client.pem, client.key: the client certificate the server accepts (issued by a CA it names) and its key, as the client is given them",
			"if the server makes client authentication optional instead: " + asIs}}
	}
	if d.FixSide == diagnose.ClientSide {
		// A fix on the client that no flag models (a newer client, a higher
		// verify depth): the check of the client as it is passes only once
		// the server changes instead.
		return recheckLines{asIs, []string{"the fix is on the client, and this checks the client as it is: it passes once the server changes instead; after changing the client, check as the changed client ('tlsdoctor profiles') or test from the client itself"}}
	}
	return recheckLines{command: asIs}
}

// topIssuer names the issuer of the highest certificate the server sent,
// the CA a client must trust when the server does not send it.
func topIssuer(d *diagnose.Diagnosis) string {
	if len(d.Addresses) == 0 || len(d.Addresses[0].Certificates) == 0 {
		return ""
	}
	certs := d.Addresses[0].Certificates
	top := certs[len(certs)-1]
	if top.Subject == top.Issuer {
		return fmt.Sprintf(" (%q)", top.Subject)
	}
	return fmt.Sprintf(" (%q)", top.Issuer)
}

// runArgs rebuilds the check a saved run came from, with the CA files it
// names, for the re-check after an offline diagnosis.
func runArgs(run *evidence.Run) []string {
	t := run.Target
	args := []string{t.Input, "--profile", run.Profile}
	if t.ServerName != t.Host {
		args = append(args, "--servername", t.ServerName)
	}
	if len(t.Connect) > 0 {
		args = append(args, "--connect", strings.Join(t.Connect, ","))
	}
	files := run.CAFiles
	if len(files) == 0 && len(run.ExtraRoots) > 0 {
		files = []string{"ca-bundle.pem"}
	}
	for _, f := range files {
		args = append(args, "--ca-bundle", f)
	}
	if run.NoSystemRoots {
		args = append(args, "--no-system-roots")
	}
	if p, err := profile.Get(run.Profile); err == nil && p.SendsSNI && t.SNI == "" && !t.IsIP {
		args = append(args, "--no-sni")
	} else if err == nil && !p.SendsSNI && t.SNI != "" {
		args = append(args, "--sni")
	}
	if t.Scheme == "https" && !t.HTTP {
		args = append(args, "--no-http")
	}
	if px := run.Proxy; px != nil && px.Used && px.Source == "--proxy" {
		args = append(args, "--proxy", px.URL)
	}
	if cc := run.ClientCert; cc != nil && cc.Source != "" {
		args = append(args, "--cert", cc.Source)
		if run.ClientKeyFile != "" {
			args = append(args, "--key", run.ClientKeyFile)
		}
	}
	if run.RevocationForced {
		args = append(args, "--revocation")
	}
	if !run.At.IsZero() {
		args = append(args, "--at", run.At.UTC().Format(time.RFC3339))
	}
	return args
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

// writeArtifacts writes d's fix files to dir and says what it wrote (and
// what it replaced).
func writeArtifacts(dir string, d *diagnose.Diagnosis) ([]string, error) {
	if len(d.Artifacts) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, a := range d.Artifacts {
		path := filepath.Join(dir, a.Name)
		note := ""
		if _, err := os.Stat(path); err == nil {
			note = " (replacing the file that was there)"
		}
		if err := os.WriteFile(path, a.Data, 0o644); err != nil {
			return written, err
		}
		written = append(written, path+": "+a.Description+note)
	}
	return written, nil
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
	d.Reproducers = diagnose.Reproduce(run, d, p)
	return e.output(d, *asJSON, rechecks(runArgs(run), d, p, ""), *verbose)
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
