package probe

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

func TestParseProxy(t *testing.T) {
	for in, want := range map[string]string{
		"proxy.corp:3128":             "http://proxy.corp:3128",
		"http://u:p@proxy.corp:3128/": "http://proxy.corp:3128",
		"HTTPS://proxy.corp":          "https://proxy.corp:443",
		"http://[::1]:8080":           "http://[::1]:8080",
		"  http://10.0.0.1  ":         "http://10.0.0.1:80",
	} {
		u, err := ParseProxy(in)
		if err != nil || redacted(u) != want {
			t.Errorf("ParseProxy(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, in := range []string{"", "socks5://p:1080", "ftp://p", "http://", "http://p:99999", "http://p:3128/path", "http://p/?q=1", "http://[::1"} {
		if _, err := ParseProxy(in); err == nil {
			t.Errorf("ParseProxy(%q) accepted", in)
		}
	}
}

func TestNoProxyMatch(t *testing.T) {
	tests := []struct {
		list, host string
		port       int
		cidr, want bool
	}{
		{"*", "any.example", 443, false, true},
		{"example.com", "example.com", 443, false, true},
		{"example.com", "api.example.com", 443, false, true},
		{".example.com", "api.example.com", 443, false, true},
		{"*.example.com", "api.example.com", 443, false, true},
		{"example.com", "badexample.com", 443, false, false},
		{"10.0.0.0/8", "10.1.2.3", 443, true, true},
		{"10.0.0.0/8", "10.1.2.3", 443, false, false}, // a client without CIDR support
		{"10.1.2.3", "10.1.2.3", 443, false, true},
		{"::1", "::1", 443, false, true},
		{"example.com:8443", "example.com", 443, false, false},
		{"example.com:8443", "example.com", 8443, false, true},
		{" , other.test ,EXAMPLE.COM", "api.example.com", 443, false, true},
	}
	for _, tt := range tests {
		if _, got := noProxyMatch(tt.list, tt.host, tt.port, tt.cidr); got != tt.want {
			t.Errorf("noProxyMatch(%q, %q:%d, cidr=%v) = %v", tt.list, tt.host, tt.port, tt.cidr, got)
		}
	}
}

// Each client finds its proxy its own way (profile.ProxyPolicy).
func TestSelectProxy(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	target := func(h string) evidence.Target { return evidence.Target{Host: h, Port: 443, ServerName: h} }
	explicit, _ := ParseProxy("http://u:pw@explicit:3128")
	tests := []struct {
		name, profile, host string
		explicit            *url.URL
		env                 func(string) string
		used                bool
		source, reason      string
	}{
		{"curl reads the lower case first", "curl", "api.example", nil, env("https_proxy", "http://low:1", "HTTPS_PROXY", "http://up:2"), true, "https_proxy", ""},
		{"Go reads the upper case first", "go", "api.example", nil, env("https_proxy", "http://low:1", "HTTPS_PROXY", "http://up:2"), true, "HTTPS_PROXY", ""},
		{"curl falls back to ALL_PROXY", "curl", "api.example", nil, env("ALL_PROXY", "http://all:1"), true, "ALL_PROXY", ""},
		{"Java reads none", "java-17", "api.example", nil, env("HTTPS_PROXY", "http://p:1"), false, "HTTPS_PROXY", "does not read HTTPS_PROXY"},
		{"Go never proxies loopback from the environment", "go", "127.0.0.1", nil, env("HTTPS_PROXY", "http://p:1"), false, "HTTPS_PROXY", "never sends requests"},
		{"curl does", "curl", "127.0.0.1", nil, env("HTTPS_PROXY", "http://p:1"), true, "HTTPS_PROXY", ""},
		{"NO_PROXY", "python-requests", "db.corp.example", nil, env("https_proxy", "http://p:1", "no_proxy", "corp.example"), false, "https_proxy", "exempts"},
		{"NO_PROXY CIDR for curl", "curl", "10.2.3.4", nil, env("https_proxy", "http://p:1", "NO_PROXY", "10.0.0.0/8"), false, "https_proxy", "exempts"},
		{"an unusable variable", "curl", "api.example", nil, env("https_proxy", "socks5://p:1"), false, "https_proxy", "cannot be used"},
		{"--proxy wins over the environment", "curl", "api.example", explicit, env("https_proxy", "http://p:1"), true, "--proxy", ""},
		{"--proxy for nginx, which cannot", "nginx-proxy", "api.example", explicit, nil, true, "--proxy", "cannot tunnel"},
		{"--proxy, Java exempts loopback always", "java-17", "localhost", explicit, nil, false, "--proxy", "never proxies"},
		{"nothing set", "curl", "api.example", nil, env(), false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := profile.Get(tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			u, rec := SelectProxy(p, target(tt.host), tt.explicit, tt.env)
			if (u != nil) != tt.used {
				t.Fatalf("proxy %v, want used=%v (%+v)", u, tt.used, rec)
			}
			if tt.source == "" {
				if rec != nil {
					t.Fatalf("record %+v", rec)
				}
				return
			}
			if rec == nil || rec.Source != tt.source || rec.Used != tt.used || !strings.Contains(rec.Reason, tt.reason) {
				t.Fatalf("record %+v", rec)
			}
			if strings.Contains(rec.URL, "pw") {
				t.Fatalf("credentials recorded: %s", rec.URL)
			}
		})
	}
}

// fakeProxy answers each connection with handle.
func fakeProxy(t *testing.T, handle func(c net.Conn, req string)) *url.URL {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				var req strings.Builder
				for {
					line, err := br.ReadString('\n')
					req.WriteString(line)
					if err != nil || line == "\r\n" {
						break
					}
				}
				handle(c, req.String())
			}()
		}
	}()
	u, _ := ParseProxy("http://u:p%40ss@" + ln.Addr().String())
	return u
}

func TestProxyDialer(t *testing.T) {
	tests := []struct {
		name   string
		handle func(c net.Conn, req string)
		stage  string
		code   int
		kind   string
		tunnel string // what the tunnel reads first, when it opens
	}{
		{"tunnel, with early bytes", func(c net.Conn, req string) {
			if !strings.Contains(req, "CONNECT origin.test:443 HTTP/1.1\r\n") || !strings.Contains(req, "Proxy-Authorization: Basic dTpwQHNz\r\n") {
				io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n")
				return
			}
			io.WriteString(c, "HTTP/1.1 200 Connection established\r\nVia: 1.1 squid\r\n\r\nEARLY")
			time.Sleep(100 * time.Millisecond)
		}, "tunnel", 200, "", "EARLY"},
		{"407", func(c net.Conn, _ string) {
			io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 6\r\n\r\ndenied")
		}, "connect", 407, KindProxy, ""},
		{"silent", func(c net.Conn, _ string) { time.Sleep(2 * time.Second) }, "connect", 0, KindTimeout, ""},
		{"closes", func(c net.Conn, _ string) {}, "connect", 0, KindEOF, ""},
		{"not HTTP", func(c net.Conn, _ string) { io.WriteString(c, "SSH-2.0-OpenSSH\r\n\r\n") }, "connect", 0, KindOther, ""},
		{"endless header", func(c net.Conn, _ string) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\n")
			for i := 0; i < 2000; i++ {
				if _, err := io.WriteString(c, "X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"); err != nil {
					return
				}
			}
		}, "connect", 0, KindOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := fakeProxy(t, tt.handle)
			d := &proxyDialer{proxy: u, forward: &net.Dialer{}, timeout: 500 * time.Millisecond}
			c, err := d.DialContext(context.Background(), "tcp", "origin.test:443")
			rec := proxyRecord(c, err)
			if rec == nil || rec.Stage != tt.stage || rec.StatusCode != tt.code {
				t.Fatalf("record %+v, err %v", rec, err)
			}
			if tt.stage == "tunnel" {
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				b := make([]byte, 5)
				if _, err := io.ReadFull(c, b); err != nil || string(b) != tt.tunnel {
					t.Fatalf("tunnel read %q, %v", b, err)
				}
				return
			}
			var pe *ProxyError
			if !errors.As(err, &pe) || Classify(err).Kind != tt.kind {
				t.Fatalf("error %v (kind %s), want kind %s", err, Classify(err).Kind, tt.kind)
			}
			if rec.Duration > 2*time.Second {
				t.Fatalf("took %s", rec.Duration)
			}
		})
	}
	// A proxy nobody listens on is a dial failure of its own.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	u, _ := ParseProxy("http://" + addr)
	_, err := (&proxyDialer{proxy: u, forward: &net.Dialer{}, timeout: time.Second}).DialContext(context.Background(), "tcp", "x:443")
	if rec := proxyRecord(nil, err); rec == nil || rec.Stage != "dial" || Classify(err).Kind != KindRefused {
		t.Fatalf("dead proxy: %+v %v", rec, err)
	}
}
