// Package cli is the tlsdoctor command line: check, diagnose, diff, demo, lab,
// causes, profiles. Run is the whole program, testable: it takes its
// arguments and streams and returns the exit status. Library packages never
// print or exit; this package adds the hints.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/probe"
)

// Version is the tlsdoctor version.
const Version = "0.1.0"

// Exit statuses.
const (
	ExitOK      = 0 // the cause is OK (demo: every endpoint diagnosed as expected)
	ExitFailure = 1 // a failure was diagnosed
	ExitUsage   = 2 // bad usage or input: a malformed target, an unreadable file, an unknown flag
)

const usage = `tlsdoctor tells you why a TLS handshake fails, for the client you care about,
and exactly what fixes it.

Examples:
  tlsdoctor check https://api.internal.example:8443/health
  tlsdoctor check api.internal.example:8443 --ca-bundle corp-ca.pem --json
  tlsdoctor check https://shop.example.com --connect 10.0.3.7:443,10.0.3.8:443
  tlsdoctor check https://backend:8443 --profile nginx-proxy
  tlsdoctor check https://backend:8443 --save run.json && tlsdoctor diagnose run.json
  tlsdoctor check https://backend:8443 --watch 10s --expect OK   # wait for the fix
  tlsdoctor diff before.json after.json                           # what the fix changed
  tlsdoctor scan --config nginx.conf       # every back end of a gateway, as the gateway checks it
  tlsdoctor explain 'x509: certificate signed by unknown authority'
  kubectl logs deploy/api | tlsdoctor explain -
  tlsdoctor demo          # every failure, reproduced on loopback and diagnosed
  tlsdoctor lab           # keep the broken endpoints running to test a gateway

Commands:
  check TARGET     connect as a client, record what happens, name the cause and the fix
  scan             check many targets: a gateway configuration or a list (--config, --targets)
  diagnose FILE    diagnose a run saved with check --save, offline
  diff A B         what changed between two checks (saved runs, --json, scans)
  explain MESSAGE  say what an error message or a log (- or FILE) means and what decides it
  demo             start the built-in lab and diagnose every endpoint
  lab              run the built-in lab until interrupted
  serve            web page, JSON API and Prometheus exporter (http://127.0.0.1:9219)
  causes           list the cause codes
  rules            list the rules that decide them, and on what observation
  profiles         list the client profiles
  version          print the version

Run 'tlsdoctor COMMAND --help' for a command's flags.

Exit status:
  0  the handshake (and HTTP exchange) works for this client
  1  a failure was diagnosed; the cause is printed (check --expect: the cause
     is not one expected; diff: something changed)
  2  usage or input error
  3  explain: nothing recognised
`

// Run runs tlsdoctor with args (without the program name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	env.cmd = cmd
	switch cmd {
	case "check":
		return env.check(ctx, rest)
	case "diagnose":
		return env.diagnoseCmd(ctx, rest)
	case "diff":
		return env.diffCmd(ctx, rest)
	case "scan":
		return env.scan(ctx, rest)
	case "explain":
		return env.explain(ctx, rest)
	case "demo":
		return env.demo(ctx, rest)
	case "lab":
		return env.labCmd(ctx, rest)
	case "serve":
		return env.serve(ctx, rest)
	case "causes":
		return env.causes(rest)
	case "profiles":
		return env.profiles(rest)
	case "rules":
		return env.rules(rest)
	case "version", "--version", "-version":
		return env.version(rest)
	case "help", "-h", "--help", "-help":
		if len(rest) > 0 {
			return Run(ctx, []string{rest[0], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	if strings.Contains(cmd, ".") || strings.Contains(cmd, "://") {
		return env.fail(ExitUsage, "did you mean: tlsdoctor check "+cmd, "unknown command %q", cmd)
	}
	return env.fail(ExitUsage, "run 'tlsdoctor help' for the commands", "unknown command %q", cmd)
}

type env struct {
	cmd            string // the command being run, for hints
	stdin          io.Reader
	stdout, stderr io.Writer
	resolver       probe.Resolver // tests only: resolves lab names without DNS
}

// fail prints "error: ..." and a hint line (the command's --help when no
// better hint is given), and returns code.
func (e *env) fail(code int, hint, format string, args ...any) int {
	fmt.Fprintln(e.stderr, "error: "+fmt.Sprintf(format, args...))
	if hint == "" && e.cmd != "" {
		hint = fmt.Sprintf("'tlsdoctor %s --help' lists what each flag takes", e.cmd)
	}
	if hint != "" {
		fmt.Fprintf(e.stderr, "hint: %s\n", hint)
	}
	return code
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func colorOK(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return isTerminal(w) && os.Getenv("TERM") != "dumb"
}

// newFlags makes a flag set whose errors are reported by parse, not printed twice.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses flags anywhere among the arguments and returns the
// positional ones. It handles --help itself.
func (e *env) parse(fs *flag.FlagSet, help string, args []string) ([]string, int, bool) {
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, help)
			fmt.Fprintln(e.stdout, "\nFlags:")
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			return nil, ExitOK, false
		}
		if err != nil {
			return nil, e.fail(ExitUsage, "run 'tlsdoctor "+fs.Name()+" --help' for the flags", "%v", err), false
		}
		if fs.NArg() == 0 {
			return pos, 0, true
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
