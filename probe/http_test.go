package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// httpServer completes a crypto/tls handshake on every connection, reads
// one request and calls reply with the connection, the raw socket beneath
// it, and the request.
func httpServer(t *testing.T, cfg *tls.Config, reply func(tc *tls.Conn, raw *peer, req *http.Request)) *testServer {
	if cfg == nil {
		cfg = &tls.Config{Certificates: []tls.Certificate{testCert()}}
	}
	return startServer(t, func(p *peer) {
		tc := p.serveTLS(cfg)
		if tc == nil {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(tc))
		if err != nil {
			return
		}
		reply(tc, p, req)
	})
}

// respond writes s, then holds the connection until the client is done.
func respond(s string) func(tc *tls.Conn, raw *peer, req *http.Request) {
	return func(tc *tls.Conn, raw *peer, req *http.Request) {
		tc.Write([]byte(s))
		raw.hold()
	}
}

func TestExchangeHTTP(t *testing.T) {
	header := "HTTP/1.1 200 OK\r\nServer: loop/1\r\nContent-Length: 2\r\n\r\n"
	interim := strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", evidence.MaxInterim)
	big := bytes.Repeat([]byte("0123456789abcdef"), 640) // 10 KiB
	// A header block of exactly evidence.MaxHeaderBytes: status line, one
	// long header, the blank line.
	atLimit := func(extra int) string {
		head := "HTTP/1.1 200 OK\r\nX-Pad: "
		return head + strings.Repeat("a", evidence.MaxHeaderBytes-len(head)-4+extra) + "\r\n\r\n"
	}
	tests := []struct {
		name    string
		cfg     *tls.Config
		timeout time.Duration
		reply   func(tc *tls.Conn, raw *peer, req *http.Request)
		check   func(t *testing.T, h *evidence.HTTP)
	}{
		{name: "response", reply: respond(header + "ok"), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 200)
			if h.StatusLine != "HTTP/1.1 200 OK" || h.Server != "loop/1" || h.Interim != 0 || h.Body != nil || h.HeaderBytes != len(header) || !bytes.HasPrefix([]byte(header+"ok"), h.First) || len(h.First) == 0 {
				t.Fatalf("%+v", h)
			}
		}},
		{name: "interim-then-final", reply: respond("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 204 No Content\r\nServer: late\r\n\r\n"), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 204)
			if h.Interim != 2 || h.Server != "late" || !strings.HasPrefix(string(h.First), "HTTP/1.1 100") {
				t.Fatalf("%+v", h)
			}
		}},
		{name: "most-interim-allowed", reply: respond(interim + header), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 200)
			if h.Interim != evidence.MaxInterim {
				t.Fatalf("interim %d", h.Interim)
			}
		}},
		{name: "only-interim", reply: respond(interim + "HTTP/1.1 102 Processing\r\n\r\n" + header), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "interim_only", 0)
			if h.Interim != evidence.MaxInterim+1 || h.StatusLine != "HTTP/1.1 102 Processing" {
				t.Fatalf("%+v", h)
			}
		}},
		{name: "switching-protocols-is-final", reply: respond("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 101)
			if h.Interim != 0 {
				t.Fatalf("%+v", h)
			}
		}},
		{name: "headers-at-limit", reply: respond(atLimit(0)), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 200)
			if h.HeaderBytes != evidence.MaxHeaderBytes {
				t.Fatalf("%d header bytes", h.HeaderBytes)
			}
		}},
		{name: "headers-one-byte-over", reply: respond(atLimit(1)), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "headers_too_large", 0)
			if h.HeaderBytes > evidence.MaxHeaderBytes || h.Err != nil {
				t.Fatalf("%d header bytes, %+v", h.HeaderBytes, h.Err)
			}
		}},
		{name: "headers-endless", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			tc.Write([]byte("HTTP/1.1 200 OK\r\n"))
			line := []byte("X-More: " + strings.Repeat("b", 4000) + "\r\n")
			for {
				if _, err := tc.Write(line); err != nil {
					return
				}
			}
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "headers_too_large", 0)
		}},
		{name: "closed-inside-headers", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			tc.Write([]byte("HTTP/1.1 200 OK\r\nServer: x\r\nX-Par"))
			tc.Close()
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "truncated", 0)
			if h.Err == nil || h.Err.Kind != KindEOF || h.HeaderBytes != len("HTTP/1.1 200 OK\r\nServer: x\r\nX-Par") {
				t.Fatalf("%+v %+v", h, h.Err)
			}
		}},
		{name: "closed-inside-status-line", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			tc.Write([]byte("HTTP/1.1 2"))
			raw.close() // no close_notify
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "truncated", 0)
			if h.Err == nil || h.Err.Kind != KindEOF {
				t.Fatalf("%+v", h.Err)
			}
		}},
		{name: "reset-inside-headers", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			tc.Write([]byte("HTTP/1.1 200 OK\r\nServer: x\r\n"))
			raw.reset()
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "truncated", 0)
			if h.Err == nil || h.Err.Kind != KindReset {
				t.Fatalf("%+v", h.Err)
			}
		}},
		{name: "closed-before-reply", reply: func(tc *tls.Conn, raw *peer, req *http.Request) { tc.Close() }, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "eof", 0)
			if h.Err == nil || h.Err.Kind != KindEOF || len(h.First) != 0 {
				t.Fatalf("%+v", h)
			}
		}},
		{name: "silent", timeout: 200 * time.Millisecond, reply: func(tc *tls.Conn, raw *peer, req *http.Request) { raw.hold() }, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "timeout", 0)
		}},
		{name: "ssh-banner", reply: respond("SSH-2.0-OpenSSH_9.2\r\n"), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "not_http", 0)
			if string(h.First) != "SSH-2.0-OpenSSH_9.2\r\n" {
				t.Fatalf("first %q", h.First)
			}
		}},
		{name: "short-garbage-then-close", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			tc.Write([]byte("OK\n"))
			tc.Close()
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "not_http", 0)
		}},
		{name: "short-garbage-left-open", timeout: time.Minute, reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			// Judged on the three bytes, not at the (minute-long) time-out:
			// the exchange would otherwise not return before the test's.
			tc.Write([]byte("OK\n"))
			raw.hold()
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "not_http", 0)
			if string(h.First) != "OK\n" {
				t.Fatalf("first %q", h.First)
			}
		}},
		{name: "bad-status-line", reply: respond("HTTP/1.1 OK\r\n\r\n"), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "not_http", 0)
			if h.StatusLine != "HTTP/1.1 OK" {
				t.Fatalf("%+v", h)
			}
		}},
		{name: "status-below-100", reply: respond("HTTP/1.1 099 Odd\r\n\r\n"), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "not_http", 0)
		}},
		{name: "tls-record-inside-tls", reply: respond("\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03"), check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "tls_record", 0)
			if !bytes.HasPrefix(h.First, []byte{0x16, 3, 1}) {
				t.Fatalf("first %x", h.First)
			}
		}},
		{name: "error-body-kept", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			body := "<html>400 No required SSL certificate was sent</html>"
			tc.Write([]byte("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body))
			tc.Close()
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 400)
			if string(h.Body) != "<html>400 No required SSL certificate was sent</html>" || h.Server != "nginx" {
				t.Fatalf("%+v", h)
			}
		}},
		{name: "error-body-bounded", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			tc.Write(append([]byte("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 10240\r\n\r\n"), big...))
			raw.hold()
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 503)
			if len(h.Body) != maxBody || !bytes.Equal(h.Body, big[:maxBody]) {
				t.Fatalf("%d body bytes", len(h.Body))
			}
		}},
		{name: "error-body-after-largest-headers", reply: func(tc *tls.Conn, raw *peer, req *http.Request) {
			head := strings.Replace(atLimit(0), "200 OK", "431 No", 1) // the same length
			tc.Write([]byte(head + "why"))
			tc.Close()
		}, check: func(t *testing.T, h *evidence.HTTP) {
			want(t, h, "response", 431)
			if string(h.Body) != "why" || h.HeaderBytes != evidence.MaxHeaderBytes {
				t.Fatalf("body %q after %d header bytes", h.Body, h.HeaderBytes)
			}
		}},
		{name: "success-body-not-kept", reply: respond(header + "ok"), check: func(t *testing.T, h *evidence.HTTP) {
			if h.Body != nil {
				t.Fatalf("body %q", h.Body)
			}
		}},
		{name: "alert-instead-of-reply", cfg: &tls.Config{Certificates: []tls.Certificate{testCert()}, ClientAuth: tls.RequireAnyClientCert},
			reply: respond(header + "ok"), check: func(t *testing.T, h *evidence.HTTP) {
				want(t, h, "alert", 0)
				if h.Alert == nil || h.Alert.Description != wire.AlertCertificateRequired || h.Err == nil || h.Err.Kind != KindAlert {
					t.Fatalf("%+v %+v", h.Alert, h.Err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httpServer(t, tt.cfg, tt.reply)
			opts := testOptions(testProfile(true), srv.addr())
			opts.defaults()
			tg := testTarget(t, srv.port(), "/")
			hs, tc := fullHandshake(context.Background(), srv.addr(), testName, wire.VersionTLS13, true, &opts)
			if tc == nil {
				t.Fatalf("handshake %+v %+v", hs, hs.Err)
			}
			defer tc.Close()
			if tt.timeout > 0 {
				opts.Timeout = tt.timeout // for the exchange only
			}
			h := exchangeHTTP(context.Background(), tc, tg, &opts)
			if h.Request != "GET / HTTP/1.1" {
				t.Fatalf("request %q", h.Request)
			}
			tt.check(t, h)
		})
	}
}

// want checks an exchange's outcome and status code.
func want(t *testing.T, h *evidence.HTTP, outcome string, code int) {
	t.Helper()
	if h.Outcome != outcome || h.StatusCode != code {
		t.Fatalf("outcome %s %d, want %s %d (%+v, error %+v)", h.Outcome, h.StatusCode, outcome, code, h, h.Err)
	}
}

// The request names the server as an HTTP client would: Host with the port
// unless it is 443, IPv6 literals bracketed, "/" for an empty path.
func TestExchangeHTTPRequest(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httpServer(t, nil, func(tc *tls.Conn, raw *peer, req *http.Request) {
		mu.Lock()
		got = append(got, req.Method+" "+req.RequestURI+" "+req.Host+" "+req.Header.Get("Connection")+" "+req.UserAgent())
		mu.Unlock()
		tc.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
		tc.Close()
	})
	tests := []struct {
		name       string
		serverName string
		port       int
		path       string
		want       string
	}{
		{"default-port", testName, 443, "/", "GET / " + testName + " close tlsdoctor"},
		{"other-port", testName, 8443, "/health?x=1", "GET /health?x=1 " + testName + ":8443 close tlsdoctor"},
		{"empty-path", testName, 443, "", "GET / " + testName + " close tlsdoctor"},
		{"ipv6", "::1", 8443, "/", "GET / [::1]:8443 close tlsdoctor"},
		{"ipv4", "127.0.0.1", 443, "/x", "GET /x 127.0.0.1 close tlsdoctor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			opts := testOptions(testProfile(true), srv.addr())
			opts.defaults()
			_, tc := fullHandshake(context.Background(), srv.addr(), "", wire.VersionTLS13, true, &opts)
			if tc == nil {
				t.Fatal("no handshake")
			}
			defer tc.Close()
			h := exchangeHTTP(context.Background(), tc, evidence.Target{ServerName: tt.serverName, Port: tt.port, Path: tt.path}, &opts)
			want(t, h, "response", 204)
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("server got %q, want %q", got, tt.want)
			}
		})
	}
}

// readHTTP on its own, from bytes: the parts that need no socket.
func TestReadHTTPFromBytes(t *testing.T) {
	tests := []struct {
		name, in string
		outcome  string
		code     int
	}{
		{"lf-only-lines", "HTTP/1.0 302 Found\nLocation: /x\n\n", "response", 302},
		{"no-reason-phrase", "HTTP/1.1 200\r\n\r\n", "response", 200},
		{"code-too-long", "HTTP/1.1 2000 OK\r\n\r\n", "not_http", 0},
		{"code-not-a-number", "HTTP/1.1 2x0 OK\r\n\r\n", "not_http", 0},
		{"status-line-only", "HTTP/1.1 200 OK\r\n", "truncated", 0},
		{"html", "<html><body>hello</body></html>", "not_http", 0},
		{"empty", "", "eof", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := &limitedReader{r: strings.NewReader(tt.in), n: evidence.MaxHeaderBytes}
			h := &evidence.HTTP{}
			readHTTP(bufio.NewReader(lr), lr, h)
			want(t, h, tt.outcome, tt.code)
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdef", 3, "abc..."},
		{"inside-a-character", "aé", 2, "a..."},
		{"all-continuation", "é", 1, "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in, tt.n); got != tt.want {
				t.Fatalf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

// A server that asks for a client certificate and refuses the missing one
// after a TLS 1.3 handshake: the alert is recorded on the handshake too.
func TestRunPostHandshakeAlert(t *testing.T) {
	tests := []struct {
		name   string
		noHTTP bool
	}{
		{"with-http", false},
		{"without-http", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httpServer(t, &tls.Config{Certificates: []tls.Certificate{testCert()}, ClientAuth: tls.RequireAnyClientCert}, respond("HTTP/1.1 200 OK\r\n\r\n"))
			opts := testOptions(testProfile(true), srv.addr())
			opts.NoHTTP = tt.noHTTP
			run := mustRun(t, srv.port(), opts)
			a := run.Addresses[0]
			hs := a.Handshake
			if !hs.OK || !hs.CertificateRequested || hs.PostHandshakeAlert == nil || hs.PostHandshakeAlert.Description != wire.AlertCertificateRequired {
				t.Fatalf("handshake %+v", hs)
			}
			if tt.noHTTP != (a.HTTP == nil) {
				t.Fatalf("http %+v", a.HTTP)
			}
		})
	}
}

// A request that cannot be written is recorded as the write's failure.
func TestExchangeHTTPWriteFails(t *testing.T) {
	srv := httpServer(t, nil, respond(""))
	opts := testOptions(testProfile(true), srv.addr())
	opts.defaults()
	_, tc := fullHandshake(context.Background(), srv.addr(), "", wire.VersionTLS13, true, &opts)
	if tc == nil {
		t.Fatal("no handshake")
	}
	tc.NetConn().(*rawConn).Conn.Close() // the socket under the TLS connection is gone
	h := exchangeHTTP(context.Background(), tc, evidence.Target{ServerName: testName, Port: 443}, &opts)
	if h.Err == nil || h.Outcome != h.Err.Kind || h.StatusCode != 0 {
		t.Fatalf("%+v %+v", h, h.Err)
	}
}

// A server that asks for a client certificate and takes none: the wait
// for its verdict ends at its session ticket, which it sends only once it
// has accepted; one that sends no ticket is waited for to the end.
func TestPostHandshakeWaitEndsAtTicket(t *testing.T) {
	for _, tc := range []struct {
		name      string
		noTickets bool
		how       string
	}{
		{"ticket", false, "record"},
		{"no-ticket", true, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &tls.Config{Certificates: []tls.Certificate{testCert()}, ClientAuth: tls.RequestClientCert, SessionTicketsDisabled: tc.noTickets}
			srv := startServer(t, func(p *peer) {
				if c := p.serveTLS(cfg); c != nil {
					p.hold()
				}
			})
			opts := testOptions(testProfile(true), srv.addr())
			opts.Timeout = 500 * time.Millisecond
			opts.defaults()
			hs, conn := fullHandshake(context.Background(), srv.addr(), testName, wire.VersionTLS13, false, &opts)
			if conn == nil || !hs.CertificateRequested {
				t.Fatalf("handshake %+v", hs)
			}
			defer conn.Close()
			if a, how := waitAlert(conn, hs, &opts); a != nil || how != tc.how {
				t.Errorf("alert %v, ended by %q; want none, %q", a, how, tc.how)
			}
		})
	}
}
