package realclient

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The proxies are run once for all targets: one listener (a server block,
// a frontend) per target, each passing to the target's address with the
// lab name for SNI and the certificate check. A plain HTTP request to each
// listener shows whether the proxy reached the back end; the proxy's own
// log says why not. The listeners are Unix sockets in the run's directory,
// so no other program on the machine can take one first.

// startDaemon starts a proxy in the foreground and waits until every socket
// accepts connections. The process ends with ctx or stop.
func startDaemon(ctx context.Context, socks []string, bin string, args ...string) (stop func(), output func() string, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var mu sync.Mutex
	var out strings.Builder
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return out.Write(p)
	})
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		cmd.Process.Kill()
		<-done
	}
	output = func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	deadline := time.Now().Add(15 * time.Second)
	for _, p := range socks {
		for {
			c, err := net.DialTimeout("unix", p, 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-done:
				return nil, nil, fmt.Errorf("%s exited: %s", filepath.Base(bin), lastLines(output(), 5))
			default:
			}
			if time.Now().After(deadline) {
				stop()
				return nil, nil, fmt.Errorf("%s: %s never listened: %s", filepath.Base(bin), p, lastLines(output(), 5))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return stop, output, nil
}

// daemonDir finds a proxy's program and makes its directory for one run.
func (e *Env) daemonDir(program, id string) (bin, dir string, err error) {
	if bin, err = lookPath(program); err != nil {
		return "", "", err
	}
	dir, err = e.tempDir(id)
	return bin, dir, err
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// get asks a proxy listener for / and reports whether the lab's 200 came
// back, with the status line the proxy's client saw.
func get(ctx context.Context, sock string, timeout time.Duration) (works bool, status string) {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: timeout}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://proxy/", nil)
	resp, err := c.Do(req)
	if err != nil {
		return false, "no valid HTTP response"
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode == http.StatusOK && strings.Contains(string(body), okBody), resp.Status
}

// nginxClient is nginx as a reverse proxy: proxy_pass https://address with
// proxy_ssl_name set to the lab name (the name it checks, and sends as SNI
// when proxy_ssl_server_name is on), verification on or off.
func nginxClient(verify, sni bool) *Client {
	id, prof := "nginx-proxy", "nginx-proxy"
	if verify {
		id, prof = "nginx-proxy-verify", "nginx-proxy-verify"
	}
	name := "nginx proxy_pass https://"
	if verify {
		name += ", proxy_ssl_verify on"
	}
	c := &Client{ID: id, Name: name, Profile: prof, Stack: "nginx", Needs: []string{"nginx"}}
	if sni {
		on := true
		c.ID, c.Name, c.SNI = id+"-sni", name+", proxy_ssl_server_name on", &on
	}
	c.Version = func(ctx context.Context) (string, error) {
		return versionOf(ctx, "nginx version", `nginx/\S+`, "nginx", "-v")
	}
	c.Run = func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
		bin, dir, err := env.daemonDir("nginx", c.ID)
		if err != nil {
			return nil, err
		}
		socks := make([]string, len(ts))
		var b strings.Builder
		fmt.Fprintf(&b, "daemon off;\nmaster_process off;\nworker_processes 1;\npid %[1]s/nginx.pid;\nerror_log %[1]s/error.log;\n"+
			"events { worker_connections 1024; }\nhttp {\n  access_log off;\n"+
			"  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fcgi;\n"+
			"  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;\n", dir)
		for i, tg := range ts {
			socks[i] = filepath.Join(dir, fmt.Sprintf("s%d.sock", i))
			fmt.Fprintf(&b, "  server {\n    listen unix:%s;\n    error_log %s/error-%d.log error;\n    location / {\n"+
				"      proxy_pass https://%s;\n      proxy_set_header Host %s;\n      proxy_ssl_name %s;\n"+
				"      proxy_connect_timeout %[7]ds; proxy_read_timeout %[7]ds; proxy_send_timeout %[7]ds;\n",
				socks[i], dir, i, tg.Addr(), net.JoinHostPort(tg.Host, tg.Port), tg.Host, int(env.For(tg).Timeout.Seconds()))
			if sni {
				b.WriteString("      proxy_ssl_server_name on;\n")
			}
			if verify {
				fmt.Fprintf(&b, "      proxy_ssl_verify on;\n      proxy_ssl_trusted_certificate %s;\n", env.RootFile)
			}
			b.WriteString("    }\n  }\n")
		}
		b.WriteString("}\n")
		conf := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		stop, _, err := startDaemon(ctx, socks, bin, "-p", dir, "-c", conf)
		if err != nil {
			return nil, err
		}
		defer stop()
		return each(ts, 4, func(tg Target) Result {
			i := indexOf(ts, tg)
			works, status := get(ctx, socks[i], env.For(tg).kill()+15*time.Second)
			if works {
				return Result{Works: true}
			}
			// nginx writes the line as the exchange ends, before its
			// client reads the answer.
			if l := nginxError(filepath.Join(dir, fmt.Sprintf("error-%d.log", i))); l != "" {
				return Result{Message: l, Own: true}
			}
			return Result{Message: "(nginx logged nothing; its client saw " + status + ")"}
		}), nil
	}
	return c
}

func indexOf(ts []Target, t Target) int {
	for i := range ts {
		if ts[i] == t {
			return i
		}
	}
	return -1
}

// nginxLine is an error-log line: date, time, [level], pid#tid: *conn
// message, then the request's context.
var nginxLine = regexp.MustCompile(`^\S+ \S+ \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*?)(?:, client: .*)?$`)

// nginxError is the first error line of a log, without its time stamp and
// process numbers, and without the request context that follows it.
func nginxError(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := nginxLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		switch m[1] {
		case "error", "crit", "alert", "emerg":
			return m[2]
		}
	}
	return ""
}

// haproxyClient is HAProxy as a reverse proxy: server address ssl verify
// required ca-file with the lab name as SNI (which HAProxy then checks
// the certificate against). The message is what its request log says of
// the back-end connection: %[bc_err_str] and %[ssl_bc_err_str].
func haproxyClient() *Client {
	c := &Client{ID: "haproxy", Name: "HAProxy server ... ssl verify required ca-file ... sni str(name)", Profile: "haproxy", Stack: "haproxy", Needs: []string{"haproxy"}}
	c.Version = func(ctx context.Context) (string, error) {
		return versionOf(ctx, "HAProxy version", `HAProxy version \S+`, "haproxy", "-v")
	}
	c.Run = func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
		bin, dir, err := env.daemonDir("haproxy", c.ID)
		if err != nil {
			return nil, err
		}
		socks := make([]string, len(ts))
		var b strings.Builder
		b.WriteString("global\n  log stdout format raw local0 info\n" +
			"defaults\n  mode http\n  log global\n  timeout client 60s\n" +
			"  log-format \"%ft %ST %tsc %[bc_err_str]: %[ssl_bc_err_str]\"\n")
		for i, tg := range ts {
			socks[i] = filepath.Join(dir, fmt.Sprintf("f%d.sock", i))
			fmt.Fprintf(&b, "frontend f%[1]d\n  bind unix@%[2]s\n  default_backend b%[1]d\n"+
				"backend b%[1]d\n  timeout connect %[7]ds\n  timeout server %[7]ds\n  http-request set-header Host %[3]s\n"+
				"  server s %[4]s ssl verify required ca-file %[5]s sni str(%[6]s)\n",
				i, socks[i], net.JoinHostPort(tg.Host, tg.Port), tg.Addr(), env.RootFile, tg.Host, int(env.For(tg).Timeout.Seconds()))
		}
		conf := filepath.Join(dir, "haproxy.cfg")
		if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		stop, output, err := startDaemon(ctx, socks, bin, "-db", "-f", conf)
		if err != nil {
			return nil, err
		}
		defer stop()
		res := each(ts, 4, func(tg Target) Result {
			// Longer than HAProxy's own time-outs, so that its log says why.
			works, status := get(ctx, socks[indexOf(ts, tg)], env.For(tg).kill()+15*time.Second)
			if works {
				return Result{Works: true}
			}
			return Result{Message: "(" + status + ")"}
		})
		// The log line is written when the request ends.
		time.Sleep(200 * time.Millisecond)
		logged := map[string]string{}
		for _, line := range strings.Split(output(), "\n") {
			// The last line of a frontend is the request's; the readiness
			// check's connections come first.
			if f, rest, ok := strings.Cut(line, " "); ok && strings.HasPrefix(f, "f") && !strings.Contains(rest, " CR-- ") {
				logged[f] = strings.TrimSpace(rest) // "-" is what HAProxy logs for an empty fetch
			}
		}
		for i := range res {
			if l, ok := logged[fmt.Sprintf("f%d", i)]; ok && !res[i].Works {
				res[i] = Result{Message: l, Own: true}
			}
		}
		return res, nil
	}
	return c
}
