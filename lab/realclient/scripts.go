package realclient

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The Python, Node.js and Java clients are small programs of the language
// itself, each run once for many targets.
//
//go:embed scripts
var scripts embed.FS

// script writes an embedded script into the run's directory.
func script(env *Env, name string) (string, error) {
	data, err := scripts.ReadFile("scripts/" + name)
	if err != nil {
		return "", err
	}
	dir, err := env.tempDir("scripts")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, data, 0o644)
}

type jsonJob struct {
	Host    string  `json:"host"`
	IP      string  `json:"ip"`
	Port    string  `json:"port"`
	Timeout float64 `json:"timeout"` // seconds
}

type jsonResult struct {
	Works   bool   `json:"works"`
	Message string `json:"message"`
	Own     bool   `json:"own"`
}

// runJSON runs a script that reads the targets as JSON and writes one
// result per target as a JSON list.
func runJSON(ctx context.Context, env *Env, ts []Target, program string, args ...string) ([]Result, error) {
	var req struct {
		Root    string    `json:"root"`
		Targets []jsonJob `json:"targets"`
	}
	req.Root = env.RootFile
	for _, t := range ts {
		req.Targets = append(req.Targets, jsonJob{t.Host, t.IP, t.Port, env.For(t).Timeout.Seconds()})
	}
	in, _ := json.Marshal(req)
	batch := *env
	batch.Timeout = batchLimit
	out, errOut, exit, timedOut, err := batch.command(ctx, in, program, args...)
	if err != nil || timedOut || exit != 0 {
		return nil, fmt.Errorf("%s %s: exit %d, stopped %v, %v: %s", program, strings.Join(args, " "), exit, timedOut, err, lastLines(errOut, 5))
	}
	var res []jsonResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return nil, fmt.Errorf("%s: %v: %s", program, err, lastLines(errOut, 5))
	}
	var rs []Result
	for _, r := range res {
		rs = append(rs, Result{Works: r.Works, Message: r.Message, Own: r.Own})
	}
	return rs, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Debian's python3 (with python3-requests); not a python3 of another
// installation that happens to come first on PATH.
const python = "/usr/bin/python3"

func pythonVersion(ctx context.Context, withRequests bool) (string, error) {
	code := "import sys, ssl; print('Python', sys.version.split()[0], '/', ' '.join(ssl.OPENSSL_VERSION.split()[:2]))"
	if withRequests {
		code = "import sys, ssl, requests, urllib3; print('Python', sys.version.split()[0], '/', ' '.join(ssl.OPENSSL_VERSION.split()[:2]), " +
			"'/ requests', requests.__version__, '/ urllib3', urllib3.__version__)"
	}
	return versionOf(ctx, "Python", "", python, "-c", code)
}

func pythonSSLClient() *Client {
	return &Client{ID: "python-ssl", Stack: "python", Name: "Python ssl (create_default_context)", Profile: "python", Needs: []string{python},
		Version: func(ctx context.Context) (string, error) { return pythonVersion(ctx, false) },
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			p, err := script(env, "client.py")
			if err != nil {
				return nil, err
			}
			return runJSON(ctx, env, ts, python, p, "ssl")
		}}
}

func pythonRequestsClient() *Client {
	return &Client{ID: "python-requests", Stack: "python", Name: "Python requests (urllib3)", Profile: "python-requests", Needs: []string{python},
		Version: func(ctx context.Context) (string, error) { return pythonVersion(ctx, true) },
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			p, err := script(env, "client.py")
			if err != nil {
				return nil, err
			}
			return runJSON(ctx, env, ts, python, p, "requests")
		}}
}

func nodeClient() *Client {
	return &Client{ID: "node", Stack: "node", Name: "Node.js https", Profile: "node", Needs: []string{"node"},
		Version: func(ctx context.Context) (string, error) {
			return versionOf(ctx, "Node", "", "node", "-p", "'Node.js ' + process.version + ' / OpenSSL ' + process.versions.openssl")
		},
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			p, err := script(env, "client.js")
			if err != nil {
				return nil, err
			}
			return runJSON(ctx, env, ts, "node", p)
		}}
}

// javaClients are the JDKs installed as Debian installs them
// (/usr/lib/jvm/java-N-openjdk-ARCH), each compared with the profile of its
// major version.
func javaClients() []*Client {
	homes, _ := filepath.Glob("/usr/lib/jvm/java-*-openjdk-*")
	var out []*Client
	for _, home := range homes {
		var major int
		if _, err := fmt.Sscanf(filepath.Base(home), "java-%d-openjdk", &major); err != nil {
			continue
		}
		if fi, err := os.Lstat(home); err != nil || fi.Mode()&os.ModeSymlink != 0 {
			continue
		}
		out = append(out, javaClient(home, major))
	}
	return out
}

func javaClient(home string, major int) *Client {
	bin := filepath.Join(home, "bin", "java")
	return &Client{ID: fmt.Sprintf("java-%d", major), Name: fmt.Sprintf("Java %d HttpsURLConnection", major), Profile: fmt.Sprintf("java-%d", major), Stack: "java",
		Needs: []string{bin},
		Version: func(ctx context.Context) (string, error) {
			return versionOf(ctx, "Runtime Environment", `OpenJDK Runtime Environment \(build \S+`, bin, "-version")
		},
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			p, err := script(env, "Client.java")
			if err != nil {
				return nil, err
			}
			res := make([]Result, len(ts))
			// Java resolves through one hosts file per process: a name
			// with two addresses takes two rounds.
			for round, idx := range rounds(ts) {
				hosts := filepath.Join(filepath.Dir(p), fmt.Sprintf("hosts-%d", round))
				var hb, in strings.Builder
				for _, i := range idx {
					fmt.Fprintf(&hb, "%s %s\n", ts[i].IP, ts[i].Host)
					fmt.Fprintf(&in, "%s %s %d\n", ts[i].Host, ts[i].Port, int(env.For(ts[i]).Timeout.Seconds()))
				}
				if err := os.WriteFile(hosts, []byte(hb.String()), 0o644); err != nil {
					return nil, err
				}
				batch := *env
				batch.Timeout = batchLimit
				out, errOut, exit, timedOut, err := batch.command(ctx, []byte(in.String()), bin,
					"-Djdk.net.hosts.file="+hosts, p, env.RootFile)
				if err != nil || timedOut || exit != 0 {
					return nil, fmt.Errorf("java: exit %d, stopped %v, %v: %s", exit, timedOut, err, lastLines(errOut, 5))
				}
				lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
				if len(lines) != len(idx) {
					return nil, fmt.Errorf("java: %d lines for %d targets: %s", len(lines), len(idx), lastLines(errOut, 5))
				}
				for k, i := range idx {
					f := strings.SplitN(lines[k], "\t", 3)
					if f[0] == "OK" {
						res[i] = Result{Works: true}
						continue
					}
					if len(f) != 3 {
						return nil, fmt.Errorf("java: bad line %q", lines[k])
					}
					res[i] = Result{Message: strings.NewReplacer("\\n", "\n", "\\\\", "\\").Replace(f[2]), Own: f[1] == "1"}
				}
			}
			return res, nil
		}}
}

// rounds splits the targets so that no name occurs twice in one round.
func rounds(ts []Target) [][]int {
	var out [][]int
	seen := []map[string]bool{}
	for i, t := range ts {
		r := 0
		for r < len(out) && seen[r][t.Host] {
			r++
		}
		if r == len(out) {
			out = append(out, nil)
			seen = append(seen, map[string]bool{})
		}
		out[r] = append(out[r], i)
		seen[r][t.Host] = true
	}
	return out
}
