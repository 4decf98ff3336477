package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/inventory"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

const scanHelp = `Usage: tlsdoctor scan (--targets FILE|- | --config FILE)... [flags]
       tlsdoctor scan merge FILE.ndjson... [--json | --format ndjson|csv|sarif]

Checks many targets as their client would and groups the verdicts by cause:
every back end of a gateway configuration, every host of a list.

Examples:
  tlsdoctor scan --config nginx.conf                      # every proxy_pass https:// back end, as nginx checks it
  tlsdoctor scan --config openapi-export.yaml             # AWS API Gateway integrations
  tlsdoctor scan --config deployment.json --ca-bundle ocid1.cabundle.oc1..aaa=corp-ca.pem
  tlsdoctor scan --targets hosts.txt
  cat hosts.txt | tlsdoctor scan --targets - --mode cert --json > out.ndjson
  tlsdoctor scan --targets names.txt --connect 10.0.0.5   # every name through one address (a VIP)
  tlsdoctor scan --targets hosts.txt --json --shard 3/16 > shard-3.ndjson
  tlsdoctor scan --targets hosts.txt --resume out.ndjson  # skip what out.ndjson holds; append the rest
  tlsdoctor scan --targets hosts.txt --mode full --clients java-8,android-7   # which hosts break these clients
  tlsdoctor scan merge shard-*.ndjson                     # one summary of many outputs

Target files: one target a line,
  TARGET [profile=ID] [connect=ADDR[,ADDR]] [ca=FILE] [servername=NAME]
with # comments. A bad line is reported with its number and skipped;
duplicates are merged. The check flags (--profile, --ca-bundle, --timeout,
--no-sni, --connect, ...) are the default for every target.

Configurations (--config, the format is recognised from the content):
  OCI API Gateway deployment (JSON of 'oci api-gateway deployment get')  -> oci-apigw
  AWS API Gateway export, OpenAPI 3 or Swagger 2, JSON or YAML
    (x-amazon-apigateway-integration; tlsConfig)  -> aws-apigw-rest, aws-apigw-rest-skip-verify, aws-apigw-http
  nginx.conf with its includes (proxy_pass https://, upstream blocks, proxy_ssl_*)  -> nginx-proxy[-verify]
  Kubernetes YAML: Ingress (ingress-nginx annotations), Gateway API BackendTLSPolicy
  Envoy static configuration (clusters with an UpstreamTlsContext)  -> envoy
  HAProxy configuration (server ... ssl)  -> haproxy
A CA the configuration names without a file (an OCI CA bundle, a Kubernetes
Secret) is given with --ca-bundle NAME=FILE.

Modes (--mode):
  cert   one handshake per address, limited to the client's offer: chain trust,
         names, expiry, version, suite; a target that is not OK is checked again
         in full, so every failure gets its cause (TLS only, no HTTP request)
  check  the full 'tlsdoctor check' of each target (the default)
  full   'tlsdoctor check --server --clients' of each target; a target fails
         when any client fails (--clients ID,ID to judge only those)

Output: on a terminal, a progress bar on stderr; on stdout one line per failing
target, then the summary: causes with counts and examples, issuers, the expiry
horizon, failing clients. --json writes NDJSON instead: one 'check --json'
document per target plus "target", "source" (file:line) and "id", and nothing
else. --format csv; --format sarif (results at the configuration's file and line).

Many machines: --shard I/N (I from 0 to N-1) keeps the targets whose stable
hash falls in shard I, so N processes share a fleet with no coordinator
(deploy/ has a Kubernetes Indexed Job); 'scan merge' sums their outputs.

Exit status: 0 every target OK; 1 at least one failure; 2 usage or input error.
`

type scanFlags struct {
	checkFlags
	targets, configs      stringList
	mode, format, shard   string
	resume                string
	concurrency, perAddr  int
	rate                  float64
	targetTime            time.Duration
	showOK                bool
	shardIndex, shardSize int
	clientList            string // --mode full: the clients judged
	clientProfiles        []*profile.Profile
}

// scanMeta is what a job carries to its output line.
type scanMeta struct {
	t        inventory.Target
	id       string
	settings []string
}

func (e *env) scan(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "merge" {
		return e.scanMerge(args[1:])
	}
	fs := newFlags("scan")
	var f scanFlags
	fs.Var(&f.targets, "targets", "read targets from `FILE` ('-': standard input), one a line (repeatable)")
	fs.Var(&f.configs, "config", "read the back ends of a gateway configuration `FILE` (repeatable)")
	fs.StringVar(&f.mode, "mode", "check", "cert, check or full (see above)")
	fs.StringVar(&f.clientList, "clients", "", "with --mode full, judge only these client profiles: `ID[,ID...]` (default: all; 'tlsdoctor profiles' lists them)")
	fs.IntVar(&f.concurrency, "concurrency", fleet.DefaultConcurrency, "targets checked at once")
	fs.IntVar(&f.perAddr, "per-address", fleet.DefaultPerAddress, "connections open at once to one address (ip:port)")
	fs.Float64Var(&f.rate, "rate", 0, "at most `N` new connections a second in all (0: no limit)")
	fs.DurationVar(&f.targetTime, "target-timeout", fleet.DefaultTargetTime, "time bound of one target, all its addresses and probes together")
	fs.BoolVar(&f.json, "json", false, "write NDJSON: one document per target, nothing else")
	fs.StringVar(&f.format, "format", "text", "text, ndjson, csv or sarif")
	fs.StringVar(&f.shard, "shard", "", "scan only shard `I/N` of the targets (I from 0 to N-1)")
	fs.StringVar(&f.resume, "resume", "", "skip the targets already in `FILE` (NDJSON) and append the new ones to it")
	fs.BoolVar(&f.showOK, "v", false, "list the targets that are OK too")
	fs.StringVar(&f.profile, "profile", "default", "the client for targets without one ('tlsdoctor profiles' lists them)")
	fs.Var(&f.caBundles, "ca-bundle", "a PEM `FILE` of CAs trusted besides the system store, or NAME=FILE for a CA a configuration names (repeatable)")
	fs.BoolVar(&f.noSystem, "no-system-roots", false, "trust only the --ca-bundle CAs")
	fs.StringVar(&f.servername, "servername", "", "the `NAME` sent as SNI and checked, for every target")
	fs.BoolVar(&f.noSNI, "no-sni", false, "send no SNI")
	fs.Var(&f.connect, "connect", "dial `ADDR[,ADDR...]` for every target (an IP keeps each target's port; IP:port overrides it)")
	fs.DurationVar(&f.timeout, "timeout", probe.DefaultTimeout, "time-out of each phase (dial, hello, handshake, HTTP)")
	fs.BoolVar(&f.noHTTP, "no-http", false, "skip the HTTP request after the handshake")
	fs.BoolVar(&f.noAIA, "no-aia", false, "do not fetch missing issuers from AIA URLs")
	fs.StringVar(&f.at, "at", "", "judge certificate validity at `TIME` (RFC 3339, YYYY-MM-DD, +30d)")
	fs.StringVar(&f.proxy, "proxy", "", "send every connection through this HTTP proxy (CONNECT): `URL`; \"direct\" ignores the proxy variables")
	fs.StringVar(&f.cert, "cert", "", "present this client certificate when a server asks: `FILE` PEM (leaf first) or PKCS#12")
	fs.StringVar(&f.key, "key", "", "the client certificate's private key, PEM `FILE`")
	fs.StringVar(&f.certPassword, "cert-password-file", "", "read the PKCS#12 password from the first line of `FILE`")
	fs.BoolVar(&f.revocation, "revocation", false, "check revocation (stapled OCSP, OCSP responders, CRLs) whatever the client's own policy")
	pos, code, ok := e.parse(fs, scanHelp, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return e.fail(ExitUsage, "put targets in a file: tlsdoctor scan --targets FILE (or --targets - to read them from standard input)", "scan takes no TARGET argument (got %q)", pos[0])
	}
	if len(f.targets)+len(f.configs) == 0 {
		return e.fail(ExitUsage, "tlsdoctor scan --targets hosts.txt, or --config nginx.conf", "nothing to scan")
	}
	mode := fleet.Mode(f.mode)
	if mode != fleet.ModeCert && mode != fleet.ModeCheck && mode != fleet.ModeFull {
		return e.fail(ExitUsage, "--mode is cert, check or full", "--mode %q", f.mode)
	}
	if f.clientList != "" {
		if mode != fleet.ModeFull {
			return e.fail(ExitUsage, "tlsdoctor scan --mode full --clients java-8,nginx-proxy-verify ...", "--clients chooses the clients of --mode full")
		}
		for _, id := range strings.Split(f.clientList, ",") {
			p, err := profile.Get(strings.TrimSpace(id))
			if err != nil {
				return e.fail(ExitUsage, "'tlsdoctor profiles' lists the client profiles", "--clients: %v", err)
			}
			f.clientProfiles = append(f.clientProfiles, p)
		}
	}
	if f.json {
		if f.format != "text" && f.format != "ndjson" {
			return e.fail(ExitUsage, "--json is --format ndjson; give one of them", "--json and --format %s contradict each other", f.format)
		}
		f.format = "ndjson"
	}
	switch f.format {
	case "text", "ndjson", "csv", "sarif":
	default:
		return e.fail(ExitUsage, "--format is text, ndjson, csv or sarif", "--format %q", f.format)
	}
	if f.concurrency < 1 || f.concurrency > 10000 {
		return e.fail(ExitUsage, "", "--concurrency must be 1-10000, got %d", f.concurrency)
	}
	if f.perAddr < 1 {
		return e.fail(ExitUsage, "", "--per-address must be at least 1, got %d", f.perAddr)
	}
	if f.rate < 0 {
		return e.fail(ExitUsage, "--rate N allows N new connections a second; 0 means no limit", "--rate must not be negative")
	}
	if f.targetTime <= 0 {
		return e.fail(ExitUsage, "e.g. --target-timeout 30s", "--target-timeout must be positive")
	}
	// A scan's live heap is small (a result is dropped once its line is
	// written) and its garbage is mostly the certificates of each
	// handshake: collecting less often saves about a twentieth of the CPU
	// a target costs, and the soft limit keeps the process well under
	// 200 MB. GOGC and GOMEMLIMIT, when set, win.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(112 << 20))
	}
	if f.shard != "" {
		i, n, err := parseShard(f.shard)
		if err != nil {
			return e.fail(ExitUsage, "--shard I/N with 0 <= I < N, e.g. --shard 0/4 ... --shard 3/4", "--shard %q: %v", f.shard, err)
		}
		f.shardIndex, f.shardSize = i, n
	}
	// --ca-bundle NAME=FILE maps a CA a configuration names; the rest are
	// files trusted for every target.
	caMap := map[string]string{}
	var files stringList
	for _, c := range f.caBundles {
		if name, file, ok := strings.Cut(c, "="); ok && name != "" {
			if _, err := os.Stat(c); err != nil {
				caMap[name] = file
				continue
			}
		}
		files = append(files, c)
	}
	f.caBundles = files
	stdinUsed := 0
	for _, t := range f.targets {
		if t == "-" {
			stdinUsed++
		}
	}
	if stdinUsed > 1 {
		return e.fail(ExitUsage, "standard input can be read once", "--targets - given twice")
	}
	// With only NAME=FILE CAs, --no-system-roots means "the configuration's
	// CAs alone", which probeSetup cannot see: it is applied after it.
	noSystem := f.noSystem
	if noSystem && len(f.caBundles) == 0 && len(caMap) > 0 {
		f.noSystem = false
	}
	f.deadline = f.targetTime // one bound for a target's whole check
	base, _, code := e.probeSetup(&f.checkFlags)
	if code != 0 {
		return code
	}
	base.NoSystem = noSystem
	base.Progress = nil
	if e.resolver != nil {
		base.Resolver = e.resolver
	}

	s := &scanRun{e: e, f: &f, mode: mode, base: base, caMap: caMap, cas: map[string][]*x509.Certificate{},
		profiles: map[string]*profile.Profile{}, warned: map[string]bool{}, seen: map[uint64]struct{}{}}
	s.out = newScanOutput(e, f.format, mode, f.showOK)
	s.scope = scanScope(&f, noSystem, caMap)
	s.caUsed = map[string]bool{}
	if f.resume != "" {
		if code := s.openResume(); code != 0 {
			return code
		}
		defer s.resumeFile.Close()
	}

	// Configurations are bounded in size: read them whole first, so that a
	// configuration that does not parse stops the scan before it starts.
	var fromConfigs []inventory.Target
	for _, c := range f.configs {
		ts, warns, err := inventory.ReadConfig(c)
		if err != nil {
			return e.fail(ExitUsage, configHint(c), "--config %v", err)
		}
		for _, w := range warns {
			s.out.warn(w.String())
		}
		if len(ts) == 0 {
			s.out.warn(c + ": no TLS back end found")
		}
		fromConfigs = append(fromConfigs, ts...)
	}
	var readers []namedReader
	for _, t := range f.targets {
		if t == "-" {
			readers = append(readers, namedReader{"-", e.stdin, nil})
			continue
		}
		fh, err := os.Open(t)
		if err != nil {
			return e.fail(ExitUsage, "a target file has one https://host[:port]/path or host:port a line", "--targets %s: %v", t, errors.Unwrap(err))
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil && st.IsDir() {
			return e.fail(ExitUsage, "", "--targets %s: is a directory", t)
		}
		if err := sniffBinary(fh); err != nil {
			return e.fail(ExitUsage, "a target file has one https://host[:port]/path or host:port a line", "--targets %s: %v", t, err)
		}
		readers = append(readers, namedReader{t, fh, fh})
	}
	if s.out.bar != nil {
		s.out.bar.total = len(fromConfigs) + countLines(readers)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *fleet.Job, 2*f.concurrency)
	var inputErr error
	produced := make(chan struct{})
	go func() {
		defer close(produced)
		defer close(jobs)
		send := func(t inventory.Target) error {
			if ctx.Err() != nil {
				return ctx.Err() // interrupted: nothing more is counted
			}
			if j := s.job(t); j != nil {
				select {
				case jobs <- j:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		}
		for _, t := range fromConfigs {
			if send(t) != nil {
				return
			}
		}
		for _, r := range readers {
			err := inventory.ReadTargets(r.r, r.name, send, func(w inventory.Warning) { s.badLine(w) })
			if err != nil && ctx.Err() == nil { // not the interruption
				inputErr = err
				cancel()
				return
			}
		}
	}()
	start := time.Now()
	s.out.start(start)
	fleet.Scan(ctx, jobs, fleet.ScanOptions{Mode: mode, Clients: f.clientProfiles, Concurrency: f.concurrency, PerAddress: f.perAddr,
		Rate: f.rate, TargetTime: f.targetTime, Trust: fleet.SystemTrust}, s.result)
	if ctx.Err() == nil {
		<-produced // all jobs were taken: the reader has finished
	} else {
		// Interrupted: the reader stops at its next target, unless it
		// waits on standard input; the counts are read once it stopped.
		select {
		case <-produced:
		case <-time.After(2 * time.Second):
		}
	}
	if inputErr != nil {
		s.out.clearBar()
		if errors.Is(inputErr, inventory.ErrNotTargets) {
			return e.fail(ExitUsage, "a target file has one https://host[:port]/path or host:port a line", "%v", inputErr)
		}
		return e.fail(ExitUsage, "", "reading targets: %v", inputErr)
	}
	if ctx.Err() != nil && s.out.summary.Targets == 0 {
		s.out.clearBar()
		return e.fail(ExitFailure, "", "interrupted")
	}
	s.interrupted = ctx.Err() != nil
	if !s.interrupted && s.otherShard == 0 && s.resumed == 0 { // else the names may be another run's
		for _, name := range slices.Sorted(maps.Keys(caMap)) {
			if !s.caUsed[name] {
				s.out.warn(fmt.Sprintf("--ca-bundle %s=%s: no target names %q (misspelled?)", name, caMap[name], name))
			}
		}
	}
	if s.out.summary.Targets == 0 && s.otherShard == 0 && !s.interrupted {
		// An empty list (or one of bad lines only, or a configuration
		// without a TLS back end) must not pass as "all OK".
		s.out.clearBar()
		var names []string
		for _, n := range append(append([]string{}, f.targets...), f.configs...) {
			if n == "-" {
				n = "standard input"
			}
			names = append(names, n)
		}
		what := strings.Join(names, ", ")
		return e.fail(ExitUsage, "a target file has one https://host[:port]/path or host:port a line; a configuration needs an https:// back end", "nothing to scan: no target in %s", what)
	}
	s.out.finish(s, time.Since(start))
	if s.out.summary.Failed > 0 || ctx.Err() != nil {
		return ExitFailure
	}
	return ExitOK
}

// scanScope is the text of the scan-wide flags that change a verdict, in
// a fixed order; empty with the defaults, so that a default scan's ids do
// not depend on it.
func scanScope(f *scanFlags, noSystem bool, caMap map[string]string) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	flag := func(k string, on bool) {
		if on {
			parts = append(parts, k)
		}
	}
	if f.profile != "default" {
		add("profile", f.profile)
	}
	add("servername", f.servername)
	add("connect", strings.Join(f.connect, ","))
	cas := slices.Clone(f.caBundles)
	for name, file := range caMap {
		cas = append(cas, name+"="+file)
	}
	slices.Sort(cas)
	add("ca-bundle", strings.Join(cas, ","))
	flag("no-system-roots", noSystem) // as given: probeSetup may have cleared it
	if f.timeout != probe.DefaultTimeout {
		add("timeout", f.timeout.String())
	}
	if f.targetTime != fleet.DefaultTargetTime {
		add("target-timeout", f.targetTime.String())
	}
	flag("no-sni", f.noSNI)
	flag("sni", f.sni)
	flag("no-http", f.noHTTP)
	flag("no-aia", f.noAIA)
	flag("revocation", f.revocation)
	add("at", f.at)
	add("proxy", f.proxy)
	add("cert", f.cert)
	add("clients", f.clientList)
	return strings.Join(parts, " ")
}

// configHint is the hint for a --config that cannot be read: a directory
// wants its main file, a list of hosts goes to --targets.
func configHint(path string) string {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Sprintf("give the main file, e.g. --config %s (the files it includes are read too)", filepath.Join(path, "nginx.conf"))
	}
	if data, err := os.ReadFile(path); err == nil && len(data) < 1<<20 {
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f0 := strings.Fields(line)[0]
			if _, err := probe.ParseTarget(f0); err == nil && (strings.Contains(f0, "://") || strings.Contains(f0, ":") && !strings.HasSuffix(f0, ":")) {
				return "this looks like a list of targets: tlsdoctor scan --targets " + path
			}
			break
		}
	}
	return "tlsdoctor scan --help lists the configurations it reads (a file the product itself refuses is refused here too)"
}

type namedReader struct {
	name string
	r    io.Reader
	f    *os.File
}

// sniffBinary refuses a file whose first 64 KiB hold a NUL byte, before
// anything is scanned; the reader finds one further on.
func sniffBinary(f *os.File) error {
	buf := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, buf)
	f.Seek(0, io.SeekStart)
	if i := bytes.IndexByte(buf[:n], 0); i >= 0 {
		return fmt.Errorf("binary data (a NUL byte at offset %d): %w", i, inventory.ErrNotTargets)
	}
	return nil
}

// countLines counts the lines of the target files (not standard input), for
// the progress bar, and rewinds them.
func countLines(rs []namedReader) int {
	n := 0
	for _, r := range rs {
		if r.f == nil {
			continue
		}
		br := bufio.NewReaderSize(r.f, 64<<10)
		for {
			line, err := br.ReadSlice('\n')
			if len(line) > 0 && line[0] != '#' && line[0] != '\n' {
				n++
			}
			if err == io.EOF || err != nil && err != bufio.ErrBufferFull {
				break
			}
		}
		r.f.Seek(0, io.SeekStart)
	}
	return n
}

func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, errors.New("not I/N")
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, errors.New("I must be 0 to N-1")
	}
	return i, n, nil
}

// scanRun turns inventory targets into jobs: defaults, profiles as
// configured, CAs, duplicates, shards and --resume.
type scanRun struct {
	e        *env
	f        *scanFlags
	mode     fleet.Mode
	base     probe.Options
	caMap    map[string]string
	cas      map[string][]*x509.Certificate // loaded CA files, by path
	profiles map[string]*profile.Profile    // profiles as configured, by ID and settings
	warned   map[string]bool
	seen     map[uint64]struct{}
	done     map[uint64]int64 // --resume: where each target's line begins
	out      *scanOutput

	resumeFile                                 *os.File
	bad, dups, otherShard, resumed, suppressed int
	interrupted                                bool            // by a signal: the counts are partial
	scope                                      string          // the flags that change a verdict (inventory.Target.Scope)
	caUsed                                     map[string]bool // the --ca-bundle NAME=FILE names a target used
}

// maxWarnings bounds the distinct warnings printed (and remembered).
const maxWarnings = 1000

func (s *scanRun) warnOnce(msg string) {
	if s.warned[msg] {
		return
	}
	if len(s.warned) >= maxWarnings {
		s.suppressed++
		return
	}
	s.warned[msg] = true
	s.out.warn(msg)
}

// maxBadShown bounds the bad-line messages printed; the rest are counted.
const maxBadShown = 20

func (s *scanRun) badLine(w inventory.Warning) {
	s.bad++
	if s.bad <= maxBadShown {
		s.out.warn(w.String())
	} else if s.bad == maxBadShown+1 {
		s.out.warn("more bad lines follow; they are counted in the summary")
	}
}

// job makes the job of one target, or nil when it is skipped (a duplicate,
// another shard, already done, or unusable: then a warning says why).
func (s *scanRun) job(t inventory.Target) *fleet.Job {
	t.Scope = s.scope
	h := t.Hash()
	// Another shard's target (and every duplicate of it, which hashes
	// alike) is not remembered: a shard's memory is its share.
	if s.f.shardSize > 1 && int(h%uint64(s.f.shardSize)) != s.f.shardIndex {
		s.otherShard++
		return nil
	}
	if _, dup := s.seen[h]; dup {
		s.dups++
		return nil
	}
	s.seen[h] = struct{}{}
	if off, ok := s.done[h]; ok && s.resumedRecord(off) {
		s.resumed++
		return nil
	}
	target, err := probe.ParseTarget(t.Input)
	if err != nil {
		s.badLine(inventory.Warning{Source: t.Source, Message: err.Error()})
		return nil
	}
	opts := s.base
	id := t.Profile
	if id == "" {
		id = opts.Profile.ID
	}
	key := id + "|" + t.Key()
	p := s.profiles[key]
	if p == nil {
		base, err := profile.Get(id)
		if err != nil {
			s.badLine(inventory.Warning{Source: t.Source, Message: err.Error()})
			return nil
		}
		var warns []string
		p, warns = t.Apply(base)
		for _, w := range warns {
			s.warnOnce(t.Source.String() + ": " + w)
		}
		if len(s.profiles) < 10000 {
			s.profiles[key] = p
		}
	}
	opts.Profile = p
	if len(t.Connect) > 0 {
		opts.Connect = t.Connect
	}
	if t.ServerName != "" {
		opts.ServerName = t.ServerName
	}
	extra := opts.ExtraRoots
	for _, file := range t.CAFiles {
		orig := file
		if mapped, ok := s.caMap[file]; ok {
			s.caUsed[file] = true
			file = mapped // a path on the gateway, mapped to a local copy
		}
		certs, err := s.loadCA(file)
		if err != nil {
			hint := ""
			if _, mapped := s.caMap[orig]; !mapped && errors.Is(err, fs.ErrNotExist) {
				hint = fmt.Sprintf(" (a path on the gateway? give a local copy: --ca-bundle %s=FILE)", orig)
			}
			s.warnOnce(fmt.Sprintf("%s: CA file %s: %v; checked without it%s", t.Source, file, err, hint))
			continue
		}
		extra = append(extra, certs...)
	}
	for _, ref := range t.CARefs {
		file, ok := s.caMap[ref]
		s.caUsed[ref] = ok
		if !ok {
			s.warnOnce(fmt.Sprintf("%s: the CA %q is not given: add --ca-bundle %s=FILE; checked without it", t.Source, ref, ref))
			continue
		}
		certs, err := s.loadCA(file)
		if err != nil {
			s.warnOnce(fmt.Sprintf("--ca-bundle %s=%s: %v", ref, file, err))
			continue
		}
		extra = append(extra, certs...)
	}
	if len(t.CAPEM) > 0 {
		certs := parsePEMCerts(t.CAPEM)
		if len(certs) == 0 {
			s.warnOnce(fmt.Sprintf("%s: the CA the configuration holds (a Secret's or ConfigMap's ca.crt, an inline PEM) has no certificate (a placeholder?); checked without it", t.Source))
		}
		extra = append(extra, certs...)
	}
	opts.ExtraRoots = extra
	return &fleet.Job{Target: target, Options: opts, Meta: &scanMeta{t: t, id: t.ID(), settings: t.Settings}}
}

func (s *scanRun) loadCA(file string) ([]*x509.Certificate, error) {
	if c, ok := s.cas[file]; ok {
		return c, nil
	}
	certs, err := fleet.LoadCertificates(file)
	if err != nil {
		return nil, err
	}
	if len(s.cas) < 1000 {
		s.cas[file] = certs
	}
	return certs, nil
}

func parsePEMCerts(data []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			out = append(out, c)
		}
	}
}

// result writes one target's verdict; it is called from one goroutine at
// a time.
func (s *scanRun) result(r *fleet.Result) {
	m := r.Job.Meta.(*scanMeta)
	line := scanLine(r, m, s.mode)
	rec := fleet.RecordOf(r, m.id, m.t.Source.String(), s.mode)
	rec.Where = m.t.Where
	if s.resumeFile != nil {
		s.resumeFile.Write(line)
	}
	s.out.result(r, rec, line, m)
}

// scanLine is the NDJSON line of a result: the check --json document (the
// --clients one in full mode) plus where the target came from.
func scanLine(r *fleet.Result, m *scanMeta, mode fleet.Mode) []byte {
	var doc []byte
	var err error
	switch {
	case r.Err != nil:
		doc, err = json.Marshal(map[string]any{"schema_version": 1, "target": r.Job.Target.Input, "cause": "ERROR", "error": r.Err.Error()})
	case r.Clients != nil:
		doc, err = json.Marshal(r.Clients)
	default:
		doc, err = json.Marshal(r.Diagnosis)
	}
	if err != nil {
		doc = []byte(fmt.Sprintf(`{"target":%q,"cause":"ERROR","error":%q}`, r.Job.Target.Input, err.Error()))
	}
	// In full mode the line also carries each address's leaf and what was
	// negotiated (from the check whose capture the clients shared), as a
	// check's line does, for the summary of a merge or a resume.
	var addrs []fleet.RecordAddress
	if r.Err == nil && r.Clients != nil {
		addrs = fleet.RecordOf(r, m.id, "", mode).Addresses
	}
	extra, _ := json.Marshal(struct {
		ID         string                `json:"id"`
		Source     string                `json:"source"`
		Mode       string                `json:"mode"`
		Gateway    string                `json:"gateway,omitempty"`
		Where      string                `json:"where,omitempty"`
		Settings   []string              `json:"settings,omitempty"`
		FastPath   *bool                 `json:"fast_path,omitempty"` // --mode cert only
		DurationMS float64               `json:"duration_ms"`
		Addresses  []fleet.RecordAddress `json:"addresses,omitempty"`
	}{m.id, m.t.Source.String(), string(mode), m.t.Gateway, m.t.Where, m.settings, fastPath(r, mode), float64(r.Duration.Microseconds()) / 1000, addrs})
	line := append(doc[:len(doc)-1], ',')
	line = append(line, extra[1:]...)
	return append(line, '\n')
}

// fastPath says, in --mode cert, whether one handshake decided the target
// (false: it was checked in full); other modes have no such field.
func fastPath(r *fleet.Result, mode fleet.Mode) *bool {
	if mode != fleet.ModeCert {
		return nil
	}
	return &r.FastPath
}

// openResume reads the --resume file: the targets it holds are skipped and
// counted in the summary; new lines are appended to it. A line cut short by
// a killed scan is dropped.
func (s *scanRun) openResume() int {
	s.done = map[uint64]int64{}
	fh, err := os.OpenFile(s.f.resume, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return s.e.fail(ExitUsage, "", "--resume %s: %v", s.f.resume, errors.Unwrap(err))
	}
	var keep int64
	otherMode, otherLine, n := "", 0, 0
	err = readNDJSON(fh, s.f.resume, func(rec *fleet.Record, line []byte, end int64) {
		n++
		if rec.Mode != "" && rec.Mode != string(s.mode) && otherMode == "" {
			otherMode, otherLine = rec.Mode, n
		}
		keep = end
		id, err := strconv.ParseUint(rec.ID, 16, 64)
		if err != nil {
			return
		}
		if _, dup := s.done[id]; !dup {
			s.done[id] = end - int64(len(line)) // where its line begins
		}
	})
	if err != nil {
		fh.Close()
		return s.e.fail(ExitUsage, "the file is the NDJSON output of an earlier scan (--json)", "--resume %s: %v", s.f.resume, err)
	}
	if otherMode != "" {
		fh.Close()
		return s.e.fail(ExitUsage, fmt.Sprintf("resume with --mode %s, or give this scan a file of its own", otherMode),
			"--resume %s holds --mode %s results (line %d); this scan is --mode %s", s.f.resume, otherMode, otherLine, s.mode)
	}
	if err := fh.Truncate(keep); err != nil {
		fh.Close()
		return s.e.fail(ExitUsage, "", "--resume %s: %v", s.f.resume, err)
	}
	fh.Seek(keep, io.SeekStart)
	s.resumeFile = fh
	return 0
}

// resumedRecord counts in the summary a target of this scan whose verdict
// is in the --resume file, at offset off: only the targets of this scan
// are counted, whatever else the file holds.
// It reports false when the line cannot be read back: the target is then
// checked again.
func (s *scanRun) resumedRecord(off int64) bool {
	line, err := readLineAt(s.resumeFile, off)
	if err != nil {
		return false
	}
	var rec fleet.Record
	if json.Unmarshal(line, &rec) != nil {
		return false
	}
	s.out.mu.Lock()
	s.out.summary.Add(&rec)
	s.out.mu.Unlock()
	return true
}

// readLineAt reads the line that begins at off (at most maxLineNDJSON).
func readLineAt(r io.ReaderAt, off int64) ([]byte, error) {
	var line []byte
	buf := make([]byte, 4096)
	for len(line) <= maxLineNDJSON {
		n, err := r.ReadAt(buf, off+int64(len(line)))
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return append(line, buf[:i]...), nil
		}
		line = append(line, buf[:n]...)
		if err != nil {
			return line, err
		}
	}
	return nil, fmt.Errorf("line longer than %d MiB", maxLineNDJSON>>20)
}

// maxLineNDJSON bounds one line of a scan's output.
const maxLineNDJSON = 16 << 20

// readNDJSON reads a scan's NDJSON output and calls fn with each record and
// the offset just past its line. A last line without its newline (cut
// short) is ignored; any other line that is not a scan record is an error.
func readNDJSON(r io.Reader, name string, fn func(rec *fleet.Record, line []byte, end int64)) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var off int64
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			if len(line) > maxLineNDJSON {
				return fmt.Errorf("%s:%d: line longer than %d MiB", name, n, maxLineNDJSON>>20)
			}
			var more []byte
			more, err = br.ReadSlice('\n')
			line = append(append([]byte{}, line...), more...)
		}
		if err == io.EOF {
			return nil // a last line with no newline was cut short: drop it
		}
		if err != nil {
			return err
		}
		off += int64(len(line))
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var rec fleet.Record
		if err := json.Unmarshal(line, &rec); err != nil || rec.ID == "" || rec.Target == "" {
			return fmt.Errorf("%s:%d: not a line of 'tlsdoctor scan --json' output", name, n)
		}
		fn(&rec, line, off)
	}
}

// printed summary helpers

func (s *scanRun) counts() []string {
	var out []string
	if s.bad > 0 {
		out = append(out, fmt.Sprintf("%d bad lines skipped", s.bad))
	}
	if s.dups > 0 {
		out = append(out, fmt.Sprintf("%d duplicates merged", s.dups))
	}
	if s.otherShard > 0 {
		out = append(out, plural(s.otherShard, "target", "targets")+" left to other shards")
	}
	if s.resumed > 0 {
		out = append(out, fmt.Sprintf("%d already in %s", s.resumed, s.f.resume))
	}
	if s.suppressed > 0 {
		out = append(out, fmt.Sprintf("%d more warnings not shown", s.suppressed))
	}
	if s.interrupted {
		how := "with --resume FILE (the --json output of this run, if it was saved) to go on where it stopped"
		if s.f.resume != "" {
			how = "with the same --resume " + s.f.resume + " to go on"
		}
		out = append(out, fmt.Sprintf("interrupted: the other targets were not checked; run it again %s", how))
	}
	return out
}

// scanMerge sums the NDJSON outputs of several scans (shards).
func (e *env) scanMerge(args []string) int {
	const help = `Usage: tlsdoctor scan merge FILE.ndjson... [--json | --format ndjson|csv|sarif]

Reads the NDJSON outputs of scans (the shards of one fleet, or runs resumed
after a stop), counts each target once, and prints one grouped summary.
--json prints the summary as JSON; --format ndjson writes the union of the
lines, csv and sarif convert them.

Examples:
  tlsdoctor scan merge shard-*.ndjson
  tlsdoctor scan merge shard-*.ndjson --format sarif > tlsdoctor.sarif

Exit status: 0 every target OK; 1 at least one failure; 2 usage or input error.
`
	fs := newFlags("scan merge")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	format := fs.String("format", "text", "text, ndjson, csv or sarif")
	pos, code, ok := e.parse(fs, help, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return e.fail(ExitUsage, "tlsdoctor scan merge shard-*.ndjson", "scan merge takes the NDJSON files to merge")
	}
	switch *format {
	case "text", "ndjson", "csv", "sarif":
	default:
		return e.fail(ExitUsage, "--format is text, ndjson, csv or sarif", "--format %q", *format)
	}
	if *asJSON && *format != "text" {
		return e.fail(ExitUsage, "--json prints the summary as JSON; --format converts the lines: give one of them", "--json and --format %s contradict each other", *format)
	}
	out := newScanOutput(e, *format, "", false)
	out.bar = nil
	if *asJSON {
		out.format = "summary-json" // the summary alone, at the end
	}
	seen := map[string]struct{}{}
	for _, file := range pos {
		fh, err := os.Open(file)
		if err != nil {
			return e.fail(ExitUsage, "", "%s: %v", file, errors.Unwrap(err))
		}
		var end int64
		err = readNDJSON(fh, file, func(rec *fleet.Record, line []byte, off int64) {
			end = off
			if _, dup := seen[rec.ID]; dup {
				return
			}
			seen[rec.ID] = struct{}{}
			out.record(rec, line)
		})
		if st, serr := fh.Stat(); err == nil && serr == nil && st.Size() > end {
			if rest, _ := readLineAt(fh, end); len(bytes.TrimSpace(rest)) > 0 {
				fmt.Fprintf(e.stderr, "warning: %s: the last line is cut short (a scan stopped while writing it): not counted\n", file)
			}
		}
		fh.Close()
		if err != nil {
			return e.fail(ExitUsage, "scan merge reads the output of 'tlsdoctor scan --json'", "%v", err)
		}
	}
	if out.summary.Targets == 0 {
		return e.fail(ExitUsage, "scan merge reads the output of 'tlsdoctor scan --json'", "no scan results in %s", strings.Join(pos, ", "))
	}
	if *asJSON {
		json.NewEncoder(e.stdout).Encode(out.summary)
	} else {
		out.finish(nil, 0)
	}
	if out.summary.Failed > 0 {
		return ExitFailure
	}
	return ExitOK
}

// scanOutput writes the results in the chosen format, with the progress
// bar and warnings on stderr; it keeps only the summary's counters.
type scanOutput struct {
	e       *env
	format  string
	mode    fleet.Mode
	showOK  bool
	summary *fleet.Summary
	bar     *progressBar
	mu      sync.Mutex
	csv     *csvWriter
	sarif   *sarifWriter
	color   bool
	started time.Time
}

func newScanOutput(e *env, format string, mode fleet.Mode, showOK bool) *scanOutput {
	o := &scanOutput{e: e, format: format, mode: mode, showOK: showOK, summary: fleet.NewSummary(time.Now()), color: colorOK(e.stdout)}
	if isTerminal(e.stderr) {
		o.bar = &progressBar{w: e.stderr}
	}
	switch format {
	case "csv":
		o.csv = newCSVWriter(e.stdout)
	case "sarif":
		o.sarif = newSARIFWriter(e.stdout)
	}
	return o
}

func (o *scanOutput) start(t time.Time) {
	o.started = t
	if o.bar != nil {
		o.bar.start = t
		o.bar.draw(0, false)
	}
}

func (o *scanOutput) warn(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clearBarLocked()
	fmt.Fprintf(o.e.stderr, "warning: %s\n", msg)
	o.redrawLocked()
}

func (o *scanOutput) clearBar() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clearBarLocked()
}

func (o *scanOutput) clearBarLocked() {
	if o.bar != nil {
		o.bar.clear()
	}
}

func (o *scanOutput) redrawLocked() {
	if o.bar != nil {
		o.bar.draw(o.summary.Targets, true)
	}
}

func (o *scanOutput) result(r *fleet.Result, rec *fleet.Record, line []byte, m *scanMeta) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.summary.Add(rec)
	o.emit(rec, line)
	if o.bar != nil {
		o.bar.draw(o.summary.Targets, false)
	}
}

// record adds a record read back from NDJSON (scan merge).
func (o *scanOutput) record(rec *fleet.Record, line []byte) {
	o.summary.Add(rec)
	o.emit(rec, line)
}

func (o *scanOutput) emit(rec *fleet.Record, line []byte) {
	switch o.format {
	case "ndjson":
		o.e.stdout.Write(line)
	case "csv":
		o.csv.write(rec)
	case "sarif":
		o.sarif.write(rec)
	case "text":
		if !rec.Failed() && !o.showOK {
			return
		}
		o.clearBarLocked()
		fmt.Fprintln(o.e.stdout, textLine(rec, o.color))
	}
}

func textLine(rec *fleet.Record, color bool) string {
	code := string(rec.Cause)
	summary := rec.Summary
	if rec.Error != "" {
		summary = rec.Error
	}
	if len(rec.Clients) > 0 {
		var failing []string
		for _, v := range rec.Clients {
			if v.Cause != cause.OK {
				failing = append(failing, v.Profile)
			}
		}
		summary = fmt.Sprintf("%d of %d clients fail: %s", len(failing), len(rec.Clients), strings.Join(failing, ", "))
		if len(failing) == 0 {
			summary = fmt.Sprintf("all %d clients work", len(rec.Clients))
		}
	}
	if color {
		c := "1;31"
		if !rec.Failed() {
			c = "1;32"
		}
		code = "\x1b[" + c + "m" + code + "\x1b[0m"
	}
	src := ""
	if rec.Source != "" {
		src = "  (" + rec.Source
		if rec.Where != "" {
			src += ": " + rec.Where
		}
		src += ")"
	}
	if rec.Confidence == "inferred" {
		summary += " (inferred: 'tlsdoctor check' says what would decide)"
	}
	return fmt.Sprintf("%-24s %s%s\n  %s", code, rec.Target, src, summary)
}

// finish writes the end of the output: the summary for text, the closing
// of SARIF. s is nil for scan merge.
func (o *scanOutput) finish(s *scanRun, took time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clearBarLocked()
	o.bar = nil
	var notes []string
	if s != nil {
		notes = s.counts()
	}
	switch o.format {
	case "csv":
		o.csv.flush()
	case "sarif":
		o.sarif.close()
	case "text":
		checked := o.summary.Targets
		if s != nil {
			checked = max(checked-s.resumed, 0)
		}
		writeSummary(o.e.stdout, o.summary, o.mode, took, checked, notes, o.color)
		return
	}
	if len(notes) > 0 {
		fmt.Fprintf(o.e.stderr, "%s\n", strings.Join(notes, "; "))
	}
}

// progressBar draws done/total, the rate and the time left on one line of
// a terminal.
type progressBar struct {
	w     io.Writer
	total int
	start time.Time
	last  time.Time
	shown bool
}

func (b *progressBar) draw(done int, force bool) {
	now := time.Now()
	if !force && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	el := now.Sub(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el
	}
	line := fmt.Sprintf("%d targets  %.0f/s", done, rate)
	if b.total > 0 {
		const width = 30
		frac := min(float64(done)/float64(b.total), 1)
		fill := int(frac * width)
		eta := "?"
		if rate > 0 {
			eta = time.Duration(float64(max(b.total-done, 0)) / rate * float64(time.Second)).Round(time.Second).String()
		}
		line = fmt.Sprintf("[%s%s] %d/%d  %.0f/s  ETA %s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, b.total, rate, eta)
	}
	fmt.Fprintf(b.w, "\r\x1b[K%s", line)
	b.shown = true
}

func (b *progressBar) clear() {
	if b.shown {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.shown = false
	}
}
