package probe

import (
	"errors"
	"strings"
	"testing"
)

// --connect addresses: an IP takes the target's port; host:port is passed
// on as given, for the dialer to resolve (internal/service's policy dialer
// resolves it through its pinned resolver).
func TestConnectAddr(t *testing.T) {
	tests := []struct {
		in, want, reason string
	}{
		{"127.0.0.1", "127.0.0.1:443", ""},
		{"127.0.0.1:8443", "127.0.0.1:8443", ""},
		{"::1", "[::1]:443", ""},
		{"[::1]:8443", "[::1]:8443", ""},
		{"[fe80::1%eth0]:8443", "[fe80::1%eth0]:8443", ""},
		{"api.tlsdoctor.test:8443", "api.tlsdoctor.test:8443", ""},
		{"api.tlsdoctor.test", "api.tlsdoctor.test:443", ""},
		{"API.tlsdoctor.test", "api.tlsdoctor.test:443", ""},
		{"bad_name$", "", "IP, IP:port, host or host:port"},
		{"[::1]", "", "IP, IP:port, host or host:port"},
		{"127.0.0.1:0", "", "1-65535"},
		{"127.0.0.1:65536", "", "1-65535"},
		{"127.0.0.1:https", "", "1-65535"},
		{"127.0.0.1:", "", "1-65535"},
		{"", "", "IP, IP:port, host or host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := connectAddr(tt.in, 443)
			if tt.reason == "" {
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var te *TargetError
			if !errors.As(err, &te) || !strings.Contains(te.Reason, tt.reason) || got != "" {
				t.Fatalf("got %q, %v; want an error saying %q", got, err, tt.reason)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, in           string
		host, scheme, path string
		port               int
		ip, http           bool
	}{
		{"https-name", "https://api.example.com", "api.example.com", "https", "/", 443, false, true},
		{"https-case-dot-port-path-query", "https://API.Example.com.:8443/health?x=1", "api.example.com", "https", "/health?x=1", 8443, false, true},
		{"https-query-without-path", "https://api.example.com?x=1", "api.example.com", "https", "/?x=1", 443, false, true},
		{"https-empty-query", "https://api.example.com/?", "api.example.com", "https", "/", 443, false, true},
		{"https-fragment-dropped", "https://api.example.com/a#top", "api.example.com", "https", "/a", 443, false, true},
		{"https-escaped-path", "https://api.example.com/a%20b/", "api.example.com", "https", "/a%20b/", 443, false, true},
		{"https-upper-scheme", "HTTPS://api.example.com", "api.example.com", "https", "/", 443, false, true},
		{"name", "api.example.com", "api.example.com", "tls", "", 443, false, false},
		{"name-port", "api.example.com:8443", "api.example.com", "tls", "", 8443, false, false},
		{"name-trailing-dot", "api.example.com.", "api.example.com", "tls", "", 443, false, false},
		{"surrounding-space", "  api.example.com\n", "api.example.com", "tls", "", 443, false, false},
		{"single-label", "gateway", "gateway", "tls", "", 443, false, false},
		{"underscore", "_srv.example.com", "_srv.example.com", "tls", "", 443, false, false},
		{"punycode", "https://xn--bcher-kva.example/", "xn--bcher-kva.example", "https", "/", 443, false, true},
		{"ipv4-port", "10.0.0.5:8443", "10.0.0.5", "tls", "", 8443, true, false},
		{"ipv4", "10.0.0.5", "10.0.0.5", "tls", "", 443, true, false},
		{"https-ipv6", "https://[::1]:8443/", "::1", "https", "/", 8443, true, true},
		{"https-ipv6-zone-dropped", "https://[fe80::1%25eth0]:8443/", "fe80::1", "https", "/", 8443, true, true},
		{"ipv6-bracket-port", "[::1]:9443", "::1", "tls", "", 9443, true, false},
		{"ipv6-bare", "::1", "::1", "tls", "", 443, true, false},
		{"ipv6-bare-long", "2001:db8::10", "2001:db8::10", "tls", "", 443, true, false},
		{"tls-scheme", "tls://db.internal:5433", "db.internal", "tls", "", 5433, false, false},
		{"tls-scheme-slash", "tls://db.internal:5433/", "db.internal", "tls", "", 5433, false, false},
		{"tcp-scheme", "tcp://db.internal:5433", "db.internal", "tls", "", 5433, false, false},
		{"port-max", "api.example.com:65535", "api.example.com", "tls", "", 65535, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Input != tt.in || got.Host != tt.host || got.Port != tt.port || got.Scheme != tt.scheme || got.Path != tt.path ||
				got.IsIP != tt.ip || got.HTTP != tt.http || got.ServerName != tt.host || got.SNI != "" {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestParseTargetRejects(t *testing.T) {
	tests := []struct {
		name, in, reason string
	}{
		{"empty", "", "empty"},
		{"blank", " \t", "empty"},
		{"inner-space", "bad host", "white space"},
		{"space-in-url", "https://exa mple.com", "white space"},
		{"plain-http", "http://plain.example", "plain HTTP"},
		{"ftp", "ftp://x", "unsupported scheme"},
		{"no-host", "https://", "no host"},
		{"port-only", "https://:443/", "no host"},
		{"port-zero", "https://host:0", "1-65535"},
		{"port-too-big", "https://host:99999", "1-65535"},
		{"port-negative", "https://host:-1", "not a URL"},
		{"port-twice", "https://host:443:443", "not a URL"},
		{"bad-escape", "https://h/%zz", "not a URL"},
		{"empty-url-port", "https://host:/", "empty port"},
		{"port-letters", "host:abc", "1-65535"},
		{"empty-port", "host:", "empty port"},
		{"ipv6-empty-port", "[::1]:", "empty port"},
		{"ipv6-bracket-no-port", "[::1]", "cannot split"},
		{"ipv6-unclosed", "[::1", "cannot split"},
		{"two-colons-name", "a:b:c", "invalid character"},
		{"credentials", "https://user:pw@host", "credentials"},
		{"path-without-scheme", "api.example.com/path", "https://api.example.com/path"},
		{"at-without-scheme", "user@host", "without a scheme"},
		{"tls-path", "tls://host/db", "no path"},
		{"tls-query", "tls://host?x", "no path"},
		{"empty-label", "a..b", "empty label"},
		{"empty-label-url", "https://a..b/", "empty label"},
		{"bad-character", "under_score$.com", "invalid character"},
		{"ipv4-octet-too-large", "256.1.1.1", "not a valid IP address"},
		{"ipv4-five-parts", "https://1.2.3.4.5/", "not a valid IP address"},
		{"label-too-long", strings.Repeat("a", 64) + ".example", "label longer than 63"},
		{"name-too-long", strings.Repeat("abcdefghi.", 26) + "com", "longer than 253"},
		{"nul-bytes", string(make([]byte, 300)), "longer than 253"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			var te *TargetError
			if !errors.As(err, &te) {
				t.Fatalf("accepted as %+v (error %v)", got, err)
			}
			if te.Input != tt.in || !strings.Contains(te.Reason, tt.reason) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("reason %q, want one saying %q", te.Reason, tt.reason)
			}
		})
	}
}
