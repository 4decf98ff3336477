package realclient

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// chromiumFlags are the flags this machine's Chromium needs headless, with
// no background traffic off loopback.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync"}

var reNetError = regexp.MustCompile(`net::ERR_[A-Z0-9_]+`)

// Chromium loads each endpoint with --dump-dom in a fresh profile. On Linux
// it trusts the roots of the NSS database in $HOME/.pki/nssdb, so HOME is
// a directory of the run whose database holds the lab root alone. Its
// message is the net error code it reports for the page load.
func chromiumClient() *Client {
	var setup sync.Once
	var home string
	var setupErr error
	return &Client{ID: "chromium", Stack: "chrome", Name: "Chromium headless", Profile: "chrome", Needs: []string{"chromium", "certutil"},
		Version: func(ctx context.Context) (string, error) {
			return versionOf(ctx, "Chromium", `Chromium [0-9.]+`, "chromium", "--version")
		},
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			setup.Do(func() { home, setupErr = nssHome(ctx, env) })
			if setupErr != nil {
				return nil, setupErr
			}
			return each(ts, 2, func(t Target) Result {
				env := env.For(t)
				profileDir, err := os.MkdirTemp(env.Dir, "chromium-")
				if err != nil {
					return Result{Message: "(" + err.Error() + ")"}
				}
				defer os.RemoveAll(profileDir)
				args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+profileDir,
					"--host-resolver-rules=MAP "+t.Host+" "+t.IP, fmt.Sprintf("--timeout=%d", env.Timeout.Milliseconds()),
					"--dump-dom", t.URL())
				out, errOut, _, timedOut, err := env.commandEnv(ctx, []string{"HOME=" + home}, "chromium", args...)
				switch {
				case err != nil:
					return Result{Message: "(" + err.Error() + ")"}
				case timedOut:
					return env.stopped()
				case strings.Contains(out, okBody):
					return Result{Works: true}
				}
				if m := reNetError.FindString(firstLine(errOut, "Page load failed")); m != "" {
					return Result{Message: m, Own: true}
				}
				if strings.Contains(errOut, "Page load timed out") {
					return Result{Message: "(page load timed out at --timeout)"}
				}
				return Result{Message: "(no error and no page: " + firstLine(out) + ")"}
			}), nil
		}}
}

// nssHome makes a HOME whose NSS database trusts the lab root alone.
func nssHome(ctx context.Context, env *Env) (string, error) {
	home := filepath.Join(env.Dir, "chromium-home")
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{"-d", "sql:" + db, "-N", "--empty-password"},
		{"-d", "sql:" + db, "-A", "-n", "tlsdoctor lab root", "-t", "C,,", "-i", env.RootFile},
	} {
		if _, errOut, exit, _, err := env.command(ctx, nil, "certutil", args...); err != nil || exit != 0 {
			return "", fmt.Errorf("certutil %s: %v %s", strings.Join(args, " "), err, errOut)
		}
	}
	return home, nil
}
