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
		{"api.tlsdoctor.test", "", "IP or IP:port"},
		{"[::1]", "", "IP or IP:port"},
		{"127.0.0.1:0", "", "1-65535"},
		{"127.0.0.1:65536", "", "1-65535"},
		{"127.0.0.1:https", "", "1-65535"},
		{"127.0.0.1:", "", "1-65535"},
		{"", "", "IP or IP:port"},
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
