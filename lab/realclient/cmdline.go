package realclient

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// versionOf runs a program's version command and returns the first line
// that contains want (the first line when want is empty), cut to the part
// that keep matches when keep is given.
func versionOf(ctx context.Context, want, keep string, name string, args ...string) (string, error) {
	e := &Env{Timeout: time.Minute}
	out, errOut, _, timedOut, err := e.command(ctx, nil, name, args...)
	if err != nil {
		return "", err
	}
	if timedOut {
		return "", fmt.Errorf("%s did not print its version within %s", name, e.kill())
	}
	all := out + "\n" + errOut
	v := firstLine(all, want)
	if v == "" {
		return "", fmt.Errorf("%s printed no version", name)
	}
	if keep != "" {
		if m := regexp.MustCompile("(?m)"+keep).FindAllString(all, -1); len(m) > 0 {
			v = strings.Join(m, " ")
		}
	}
	return v, nil
}

func opensslClient() *Client {
	return &Client{ID: "openssl", Name: "openssl s_client", Stack: "openssl", Profile: "openssl", Needs: []string{"openssl"},
		Version: func(ctx context.Context) (string, error) {
			return versionOf(ctx, "OpenSSL", `^OpenSSL \S+`, "openssl", "version")
		},
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			return each(ts, 4, func(t Target) Result {
				env := env.For(t)
				out, errOut, exit, timedOut, err := env.command(ctx, httpRequest(t), "openssl", "s_client",
					"-connect", t.Addr(), "-servername", t.Host, "-verify_hostname", t.Host,
					"-CAfile", env.RootFile, "-verify_return_error", "-ign_eof")
				if r, done := env.rawDone(out, exit, timedOut, err); done {
					return r
				}
				// A verify error names the reason; the handshake error line
				// that follows only says "certificate verify failed".
				if l := firstLine(out+"\n"+errOut, "verify error:"); l != "" {
					return Result{Message: l, Own: true}
				}
				if l := firstLine(errOut, ":error:", "error:", "errno="); l != "" {
					return Result{Message: l, Own: true}
				}
				return Result{Message: firstLine(errOut + "\n" + out), Own: true}
			}), nil
		}}
}

func curlClient() *Client {
	return &Client{ID: "curl", Stack: "curl", Name: "curl", Profile: "curl", Needs: []string{"curl"},
		Version: func(ctx context.Context) (string, error) {
			return versionOf(ctx, "curl", `^curl \S+|OpenSSL/\S+`, "curl", "--version")
		},
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			return each(ts, 4, func(t Target) Result {
				env := env.For(t)
				out, errOut, exit, timedOut, err := env.command(ctx, nil, "curl", "-sS", "--max-time", seconds(env),
					"--cacert", env.RootFile, "--resolve", t.Host+":"+t.Port+":"+t.IP, t.URL())
				switch {
				case err != nil:
					return Result{Message: "(" + err.Error() + ")"}
				case timedOut:
					return env.stopped()
				case exit == 0 && strings.Contains(out, okBody):
					return Result{Works: true}
				case exit == 0:
					return Result{Message: "(exit 0; the reply is not the lab's 200: " + firstLine(out) + ")"}
				}
				return Result{Message: firstLine(errOut, "curl:"), Own: true}
			}), nil
		}}
}

// wget has no option to name the address; it runs in a private mount
// namespace whose /etc/hosts maps the lab name to the target's address,
// so that its own resolver finds it with no query leaving the machine.
func wgetClient() *Client {
	return &Client{ID: "wget", Stack: "wget", Name: "wget", Profile: "wget", Needs: []string{"wget", "unshare"},
		Version: func(ctx context.Context) (string, error) {
			return versionOf(ctx, "Wget", `^GNU Wget \S+|\+ssl/\w+`, "wget", "--version")
		},
		Usable: canUnshare,
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			return each(ts, 4, func(t Target) Result {
				env := env.For(t)
				dir, err := env.tempDir("wget")
				if err != nil {
					return Result{Message: "(" + err.Error() + ")"}
				}
				hosts := filepath.Join(dir, "hosts")
				if err := os.WriteFile(hosts, []byte(t.IP+" "+t.Host+"\n"), 0o644); err != nil {
					return Result{Message: "(" + err.Error() + ")"}
				}
				script := `mount --bind "$1" /etc/hosts && shift && exec wget "$@"`
				out, errOut, exit, timedOut, err := env.command(ctx, nil, "unshare", "-m", "sh", "-c", script, "sh", hosts,
					"-O", "-", "--ca-certificate="+env.RootFile, "--timeout="+seconds(env), "--tries=1", t.URL())
				switch {
				case err != nil:
					return Result{Message: "(" + err.Error() + ")"}
				case timedOut:
					return env.stopped()
				case exit == 0 && strings.Contains(out, okBody):
					return Result{Works: true}
				case exit == 0:
					// wget takes a reply that is not HTTP as an HTTP/0.9 body
					// and saves it without a word.
					return Result{Message: "(exit 0: the reply was saved as the document: " + firstLine(out) + ")"}
				}
				return Result{Message: wgetError(errOut), Own: true}
			}), nil
		}}
}

// canUnshare checks that a private mount namespace can be made here.
func canUnshare(ctx context.Context) error {
	env := &Env{Timeout: 10 * time.Second}
	_, errOut, exit, _, err := env.command(ctx, nil, "unshare", "-m", "sh", "-c", "mount --bind /etc/hostname /etc/hosts")
	if err != nil || exit != 0 {
		return fmt.Errorf("cannot make a private /etc/hosts (unshare -m as root): %v %s", err, strings.TrimSpace(errOut))
	}
	return nil
}

// wgetError is wget's account of the failure: its ERROR lines (a
// certificate problem takes two), else the line that says what failed.
func wgetError(errOut string) string {
	var errs []string
	var last string
	for _, line := range strings.Split(errOut, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "ERROR") || strings.HasPrefix(line, "Unable to establish") || strings.HasPrefix(line, "GnuTLS:"):
			errs = append(errs, line)
		case strings.HasPrefix(line, "Connecting to") && strings.Contains(line, "failed:"):
			last = line
		case strings.HasPrefix(line, "--") || strings.HasPrefix(line, "Resolving") || strings.HasPrefix(line, "Connecting to") ||
			strings.HasPrefix(line, "Loaded CA") || line == "Giving up." || line == "Retrying.":
		default:
			last = line
		}
	}
	if len(errs) > 0 {
		return strings.Join(errs, " ")
	}
	return last
}

func gnutlsClient() *Client {
	return &Client{ID: "gnutls-cli", Stack: "gnutls", Name: "gnutls-cli", Profile: "gnutls", Needs: []string{"gnutls-cli"},
		Version: func(ctx context.Context) (string, error) {
			return versionOf(ctx, "gnutls-cli", "", "gnutls-cli", "--version")
		},
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			return each(ts, 4, func(t Target) Result {
				env := env.For(t)
				out, errOut, exit, timedOut, err := env.commandIn(ctx, httpRequest(t), true, "gnutls-cli",
					"--x509cafile", env.RootFile, "--sni-hostname", t.Host, "--verify-hostname", t.Host, "-p", t.Port, t.IP)
				if r, done := env.rawDone(out, exit, timedOut, err); done {
					return r
				}
				all := out + "\n" + errOut
				if l := firstLine(all, "- Status: The certificate is NOT trusted"); l != "" {
					return Result{Message: l, Own: true}
				}
				if l := firstLine(all, "*** Fatal error", "*** Handshake has failed", "*** "); l != "" {
					return Result{Message: l, Own: true}
				}
				return Result{Message: firstLine(errOut), Own: true}
			}), nil
		}}
}

// rawDone judges what a raw TLS client's run shows by itself: an error
// starting it, the harness stopping it, or a clean exit, after which the
// reply decides. When done is false the client failed and its own output
// says why.
func (e *Env) rawDone(out string, exit int, timedOut bool, err error) (r Result, done bool) {
	switch {
	case err != nil:
		return Result{Message: "(" + err.Error() + ")"}, true
	case timedOut:
		return e.stopped(), true
	case exit == 0:
		return replyResult(out), true
	}
	return Result{}, false
}

func seconds(env *Env) string { return fmt.Sprint(int(env.Timeout.Seconds())) }
