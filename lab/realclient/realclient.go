// Package realclient runs real TLS clients against the lab's endpoints and
// records what each did: whether it worked, and the exact line it printed
// or logged when it did not. The clients are the programs people run:
// openssl s_client, curl, wget, gnutls-cli, Python (ssl and requests),
// Node.js, Java, Go's crypto/tls, nginx and HAProxy as proxies, and
// Chromium. Each is compared, in the tests, with the client profile that
// claims to simulate it (docs/conformance.md).
//
// Lab names resolve only through the lab's resolver, so every client is
// given the address explicitly, in its own way (curl --resolve, openssl
// -connect with -servername, a hosts file for Java, a resolver hook for
// Python and Node, proxy upstreams by address with the name for SNI and
// verification, Chromium's host resolver rules, a private /etc/hosts for
// wget), and every client trusts the lab root and nothing else.
package realclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab"
)

// Target is one address of one lab endpoint, as a client is pointed at it.
type Target struct {
	Endpoint string // the lab endpoint's name
	Host     string // the lab name: SNI, Host header and the name checked
	IP, Port string // the address dialled
	Slow     bool   // the endpoint needs a client's time-out to run out
	Several  bool   // the endpoint has several addresses; this is one
}

// Addr is ip:port.
func (t Target) Addr() string { return net.JoinHostPort(t.IP, t.Port) }

// URL is the https URL of the endpoint.
func (t Target) URL() string { return "https://" + net.JoinHostPort(t.Host, t.Port) + "/" }

// Row names the target in tables: the endpoint, and the address when the
// endpoint has several.
func (t Target) Row() string {
	if t.Several {
		return t.Endpoint + "@" + t.IP
	}
	return t.Endpoint
}

// Targets lists every address of every lab endpoint that a real client can
// be pointed at. Left out: dns-failure, whose failure is a name that does
// not resolve (a real client would ask the system's resolver, which is off
// loopback), and the stateful endpoints, whose answer depends on how many
// connections came before (many clients run at once here).
func Targets(l *lab.Lab) []Target {
	var out []Target
	for _, e := range l.Endpoints {
		if e.Want == cause.DNSFailure || e.Stateful {
			continue
		}
		for _, a := range e.Addrs {
			ip, port, err := net.SplitHostPort(a)
			if err != nil {
				continue
			}
			out = append(out, Target{Endpoint: e.Name, Host: e.Host, IP: ip, Port: port, Slow: e.Slow, Several: len(e.Addrs) > 1})
		}
	}
	return out
}

// Result is what one client did against one target.
type Result struct {
	Works bool
	// Message is the line the client printed or logged about the failure,
	// as it printed it, but for the values that change from run to run
	// (see Normalize). Empty when the client worked.
	Message string
	// Own reports that Message is the client's own text. When false,
	// Message is the harness's account of what happened (a reply that is
	// not HTTP, a client stopped at its time-out) and is not a log line.
	Own bool
}

// Env is what every client run shares.
type Env struct {
	Dir      string        // a scratch directory of the run
	RootFile string        // the lab root, PEM: the only CA each client trusts
	Timeout  time.Duration // the time-out each client is given against the slow endpoints
	// Patience is the time-out against the other endpoints, long enough
	// that a loaded machine never makes a working client time out
	// (default 30s).
	Patience time.Duration
	// Ports are the lab's ports, replaced by <port> in messages.
	Ports []string

	slow  bool          // set by For for a slow target
	slots chan struct{} // bounds the client processes running at once
}

// NewEnv is the environment of a run in dir, trusting the root in
// rootFile, with at most procs client processes at once (0: four per core).
func NewEnv(dir, rootFile string, timeout time.Duration, procs int) *Env {
	if procs <= 0 {
		procs = 4 * runtime.NumCPU()
	}
	return &Env{Dir: dir, RootFile: rootFile, Timeout: timeout, slots: make(chan struct{}, procs)}
}

// kill is how long a client may run before the harness stops it: its own
// time-out and some (a little against the slow endpoints, where waiting is
// the point and some clients have no time-out of their own).
func (e *Env) kill() time.Duration {
	if e.slow {
		return e.Timeout + 3*time.Second
	}
	return e.Timeout + 10*time.Second
}

// For is the environment of one target: the client's time-out is short
// against the slow endpoints, whose failure is a time-out, and patient
// against the rest.
func (e *Env) For(t Target) *Env {
	c := *e
	c.slow = t.Slow
	if !t.Slow {
		c.Timeout = e.Patience
		if c.Timeout <= 0 {
			c.Timeout = 30 * time.Second
		}
	}
	return &c
}

// batchLimit bounds a program that runs a whole batch of targets.
const batchLimit = 5 * time.Minute

// Client is one real client.
type Client struct {
	ID   string // stable, as in docs/conformance.md
	Name string
	// Profile is the tlsdoctor profile that simulates this client.
	Profile string
	// Stack is the explain catalog's name for the stack whose messages
	// this client prints.
	Stack string
	// SNI, when set, overrides the profile's SendsSNI: the client is the
	// profile's with one documented setting changed (nginx with
	// proxy_ssl_server_name on).
	SNI *bool
	// Needs lists the programs that must be installed.
	Needs []string
	// Usable, when set, says why the client cannot run here though its
	// programs are installed (wget needs a private mount namespace).
	Usable func(ctx context.Context) error
	// Version reports the client's version, as it reports it.
	Version func(ctx context.Context) (string, error)
	// Run runs the client against every target; the results are in the
	// targets' order.
	Run func(ctx context.Context, env *Env, targets []Target) ([]Result, error)
}

// Missing lists what the client needs and does not have here: programs
// that are not installed, or the reason it cannot run.
func (c *Client) Missing(ctx context.Context) []string {
	var m []string
	for _, n := range c.Needs {
		if _, err := lookPath(n); err != nil {
			m = append(m, n)
		}
	}
	if len(m) == 0 && c.Usable != nil {
		if err := c.Usable(ctx); err != nil {
			m = append(m, err.Error())
		}
	}
	return m
}

// lookPath finds a program on PATH or in the sbin directories, where
// Debian installs nginx and haproxy.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := d + "/" + name
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not installed", name)
}

// Observation is one client's result against one target, with the
// client's version.
type Observation struct {
	Client   string `json:"client"`
	Version  string `json:"client_version"`
	Endpoint string `json:"endpoint"`
	Row      string `json:"row"`
	Addr     string `json:"addr"`
	Works    bool   `json:"works"`
	Message  string `json:"message,omitempty"`
	Own      bool   `json:"own,omitempty"`
}

// Run runs every client against every target, the clients concurrently,
// and returns the observations in client order, then target order. A
// client that cannot run at all (its scripts fail to start) is an error.
func Run(ctx context.Context, env *Env, clients []*Client, targets []Target) ([]Observation, error) {
	type out struct {
		version string
		res     []Result
		err     error
	}
	outs := make([]out, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Version(ctx)
			if err != nil {
				outs[i].err = fmt.Errorf("%s: version: %w", c.ID, err)
				return
			}
			res, err := c.Run(ctx, env, targets)
			if err == nil && len(res) != len(targets) {
				err = fmt.Errorf("%d results for %d targets", len(res), len(targets))
			}
			if err != nil {
				err = fmt.Errorf("%s: %w", c.ID, err)
			}
			outs[i] = out{v, res, err}
		}()
	}
	wg.Wait()
	var obs []Observation
	var errs []error
	for i, c := range clients {
		if outs[i].err != nil {
			errs = append(errs, outs[i].err)
			continue
		}
		for j, t := range targets {
			r := outs[i].res[j]
			msg := ""
			if !r.Works {
				msg = env.Normalize(r.Message)
			}
			obs = append(obs, Observation{Client: c.ID, Version: outs[i].version, Endpoint: t.Endpoint, Row: t.Row(),
				Addr: t.Addr(), Works: r.Works, Message: msg, Own: r.Own && !r.Works})
		}
	}
	return obs, errors.Join(errs...)
}

var (
	reTime      = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	reMillis    = regexp.MustCompile(`\b\d+ (ms|milliseconds)\b`)
	reThreadID  = regexp.MustCompile(`\b[0-9A-F]{12,16}:error:`)
	reEphemeral = regexp.MustCompile(`(\d+\.\d+\.\d+\.\d+):\d+->`)
	reSpaces    = regexp.MustCompile(`[ \t]+`)
	rePointer   = regexp.MustCompile(`\b0x[0-9a-f]{6,16}\b`)
)

// Normalize replaces what changes from run to run in a message (the lab's
// ports, times, durations, OpenSSL's thread identifier, Python's object
// addresses, the client's own port) with stand-ins, so
// that the table and the corpus stay the same from one run to the next.
func (e *Env) Normalize(msg string) string {
	msg = printable(strings.TrimSpace(msg))
	msg = reThreadID.ReplaceAllString(msg, "error:")
	msg = reEphemeral.ReplaceAllString(msg, "$1:<port>->")
	msg = reTime.ReplaceAllString(msg, "<time>")
	msg = reMillis.ReplaceAllString(msg, "N $1")
	msg = rePointer.ReplaceAllString(msg, "0x...")
	for _, p := range e.Ports {
		msg = replacePort(msg, p)
	}
	msg = reSpaces.ReplaceAllString(msg, " ")
	return msg
}

// printable writes control characters and bytes that are not UTF-8 as
// \xNN, as a reply that is not text arrives in some messages.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			fmt.Fprintf(&b, "\\x%02x", s[i])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// replacePort replaces p where it stands as a whole number.
func replacePort(s, p string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, p)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		before := i > 0 && isDigit(s[i-1])
		after := i+len(p) < len(s) && isDigit(s[i+len(p)])
		b.WriteString(s[:i])
		if before || after {
			b.WriteString(p)
		} else {
			b.WriteString("<port>")
		}
		s = s[i+len(p):]
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// command runs a program with a deadline and returns its standard output
// and error. A program stopped at the deadline returns timedOut.
func (e *Env) command(ctx context.Context, stdin []byte, name string, args ...string) (stdout, stderr string, exit int, timedOut bool, err error) {
	return e.run(ctx, proc{stdin: stdin}, name, args...)
}

// commandIn is command; with keepOpen the standard input stays open after
// stdin is written, until the program exits (gnutls-cli ends its session
// at the end of its input, before the reply).
func (e *Env) commandIn(ctx context.Context, stdin []byte, keepOpen bool, name string, args ...string) (stdout, stderr string, exit int, timedOut bool, err error) {
	return e.run(ctx, proc{stdin: stdin, keepOpen: keepOpen}, name, args...)
}

// commandEnv is command with variables added to the environment.
func (e *Env) commandEnv(ctx context.Context, vars []string, name string, args ...string) (stdout, stderr string, exit int, timedOut bool, err error) {
	return e.run(ctx, proc{env: vars}, name, args...)
}

type proc struct {
	stdin    []byte
	keepOpen bool
	env      []string
}

func (e *Env) run(ctx context.Context, pr proc, name string, args ...string) (stdout, stderr string, exit int, timedOut bool, err error) {
	stdin, keepOpen := pr.stdin, pr.keepOpen
	path, err := lookPath(name)
	if err != nil {
		return "", "", -1, false, err
	}
	if e.slots != nil {
		select {
		case e.slots <- struct{}{}:
			defer func() { <-e.slots }()
		case <-ctx.Done():
			return "", "", -1, false, ctx.Err()
		}
	}
	ctx, cancel := context.WithTimeout(ctx, e.kill())
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = 2 * time.Second
	if pr.env != nil {
		cmd.Env = append(os.Environ(), pr.env...)
	}
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	var in io.WriteCloser
	switch {
	case keepOpen:
		if in, err = cmd.StdinPipe(); err != nil {
			return "", "", -1, false, err
		}
	case stdin != nil:
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Start(); err != nil {
		return "", "", -1, false, err
	}
	if in != nil {
		go in.Write(stdin) // Wait closes the pipe when the program exits
	}
	runErr := cmd.Wait()
	exit = cmd.ProcessState.ExitCode()
	if ctx.Err() != nil {
		return o.String(), er.String(), exit, true, nil
	}
	var ee *exec.ExitError
	// A program that exited while a child it left holds its output open
	// (certutil's p11-kit) has still exited with its status.
	if runErr != nil && !errors.As(runErr, &ee) && !errors.Is(runErr, exec.ErrWaitDelay) {
		return o.String(), er.String(), exit, false, runErr
	}
	return o.String(), er.String(), exit, false, nil
}

// tempDir makes a directory of its own inside the run's directory: two
// runs of one client (the table and the ClientHello capture) go on at once.
func (e *Env) tempDir(prefix string) (string, error) { return os.MkdirTemp(e.Dir, prefix+"-") }

// each runs fn for every target, n at a time.
func each(targets []Target, n int, fn func(t Target) Result) []Result {
	res := make([]Result, len(targets))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			res[i] = fn(t)
		}()
	}
	wg.Wait()
	return res
}

// okBody is what every healthy lab endpoint answers.
const okBody = "tlsdoctor lab: ok"

// httpRequest is the request the raw TLS clients send.
func httpRequest(t Target) []byte {
	return []byte("GET / HTTP/1.1\r\nHost: " + net.JoinHostPort(t.Host, t.Port) + "\r\nConnection: close\r\n\r\n")
}

// replyResult judges what a raw TLS client read after a handshake it
// completed: the lab's 200, or something else, which is a failure the
// client itself does not report.
func replyResult(out string) Result {
	if strings.Contains(out, "HTTP/1.1 200 OK") && strings.Contains(out, okBody) {
		return Result{Works: true}
	}
	return Result{Message: "(handshake done; no HTTP 200 reply)"}
}

// stopped is the account of a client that the harness stopped.
func (e *Env) stopped() Result {
	return Result{Message: fmt.Sprintf("(no result within %s: stopped by the harness)", e.kill())}
}

// firstLine returns the first line of s that contains any of keys (all
// lines when keys is empty), trimmed.
func firstLine(s string, keys ...string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(keys) == 0 {
			return line
		}
		for _, k := range keys {
			if strings.Contains(line, k) {
				return line
			}
		}
	}
	return ""
}
