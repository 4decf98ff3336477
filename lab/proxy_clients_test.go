package lab_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// With HTTPS_PROXY naming an inspecting proxy, --clients judges each client
// by the way it goes: the clients that read the variable are intercepted,
// those that do not (Java, browsers, Node) reach the server directly and
// are fine. The shared capture of the first client must not leak into the
// others' verdicts.
func TestClientsFollowTheirOwnProxyRoute(t *testing.T) {
	if testing.Short() {
		t.Skip("every client against an endpoint")
	}
	l := startLab(t)
	e := l.Endpoint("intercepted")
	target, _ := probe.ParseTarget(e.URL())
	env := map[string]string{"HTTPS_PROXY": e.Proxy}
	p, _ := profile.Get("default")
	m := fleet.Clients(context.Background(), target, probe.Options{Profile: p, Timeout: 3 * time.Second, Resolver: l.Resolver(),
		ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true, Getenv: func(k string) string { return env[k] }}, fleet.Trust{})
	want := map[string]cause.Code{
		"python-requests": cause.Intercepted, // reads HTTPS_PROXY (and the lab name is not loopback)
		"go":              cause.Intercepted,
		"java-17":         cause.OK, // reads no proxy variable
		"node":            cause.OK,
	}
	seen := 0
	for _, v := range m.Clients {
		if w, ok := want[v.Profile]; ok {
			seen++
			if v.Cause != w {
				t.Errorf("%s: %s (%s), want %s", v.Profile, v.Cause, v.Summary, w)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("saw %d of the %d profiles", seen, len(want))
	}
}
