// Package lab runs deliberately broken TLS endpoints on loopback, one per
// cause that a Go server can produce, plus healthy ones, with the PKI they
// need minted at start. The tests diagnose every endpoint over real sockets;
// `tlsdoctor demo` prints each endpoint's diagnosis; `tlsdoctor lab` keeps
// them running so that a gateway or client can be pointed at each failure
// to see how it reports it.
//
// Lab names end in .tlsdoctor.test (RFC 6761 reserves .test); Resolver maps
// them to the loopback addresses the endpoints listen on.
package lab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

// Domain is the suffix of every lab name.
const Domain = "tlsdoctor.test"

// Endpoint is one lab server and what a check of it should find.
type Endpoint struct {
	Name        string     `json:"name"`
	Want        cause.Code `json:"want"`
	Description string     `json:"description"`
	Host        string     `json:"host"`  // the lab name, for SNI, Host and the certificate check
	Addrs       []string   `json:"addrs"` // ip:port it listens on (two for the fleet endpoint)
	Profile     string     `json:"profile"`
	NoSNI       bool       `json:"no_sni,omitempty"`
	// Slow endpoints need the probe's time-out to run out; checks use a
	// short --timeout for them.
	Slow bool `json:"slow,omitempty"`
	// Proxy is the lab proxy a check goes through (--proxy URL).
	Proxy string `json:"proxy,omitempty"`
	// ClientCert names the lab client credential a check presents
	// (Lab.Credential; --cert and --key).
	ClientCert string `json:"client_cert,omitempty"`
	// Revocation: the check forces revocation checks (--revocation).
	Revocation bool `json:"revocation,omitempty"`
	// Stateful endpoints answer according to the connections before (every
	// other one, say): check them one at a time, never beside other checks.
	Stateful bool `json:"stateful,omitempty"`
}

// Port is the endpoint's port.
func (e *Endpoint) Port() string {
	if len(e.Addrs) == 0 {
		return "443"
	}
	_, p, _ := net.SplitHostPort(e.Addrs[0])
	return p
}

// URL is the https URL to check.
func (e *Endpoint) URL() string { return fmt.Sprintf("https://%s:%s/", e.Host, e.Port()) }

// Lab is a running set of endpoints.
type Lab struct {
	Endpoints []*Endpoint
	Root      *x509.Certificate // the trusted lab root: give it as --ca-bundle
	creds     map[string]*Credential
	proxyAuth string
	mu        sync.Mutex
	names     map[string][]netip.Addr
	closers   []func()
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// Endpoint returns the endpoint with the given name, or nil.
func (l *Lab) Endpoint(name string) *Endpoint {
	for _, e := range l.Endpoints {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// RootPEM is the lab root as PEM.
func (l *Lab) RootPEM() []byte { return pki.PEM(l.Root) }

// Close stops every endpoint.
func (l *Lab) Close() {
	l.cancel()
	l.mu.Lock()
	closers := l.closers
	l.closers = nil
	l.mu.Unlock()
	for _, c := range closers {
		c()
	}
	l.wg.Wait()
}

// Resolver resolves lab names to their loopback addresses; any other name
// is not found. It never sends a query anywhere.
type Resolver struct{ l *Lab }

// Resolver returns the lab's resolver.
func (l *Lab) Resolver() *Resolver { return &Resolver{l} }

// LookupNetIP implements probe.Resolver.
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	if a, ok := r.l.names[strings.ToLower(strings.TrimSuffix(host, "."))]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (l *Lab) addName(host string, addrs ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range addrs {
		ap, err := netip.ParseAddrPort(a)
		if err == nil {
			l.names[host] = append(l.names[host], ap.Addr())
		}
	}
}

func (l *Lab) onClose(f func()) {
	l.mu.Lock()
	l.closers = append(l.closers, f)
	l.mu.Unlock()
}

func (l *Lab) add(e *Endpoint) {
	if e.Host == "" {
		e.Host = e.Name + "." + Domain
	}
	if e.Profile == "" {
		e.Profile = "default"
	}
	l.Endpoints = append(l.Endpoints, e)
	if len(e.Addrs) > 0 && e.Want != cause.DNSFailure {
		l.addName(e.Host, e.Addrs...)
	}
}

// listen opens a loopback listener and serves each connection with handle.
func (l *Lab) listen(ip string, port int, handle func(net.Conn)) (string, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, fmt.Sprint(port)))
	if err != nil {
		return "", err
	}
	l.onClose(func() { ln.Close() })
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				defer c.Close()
				stop := context.AfterFunc(l.ctx, func() { c.Close() })
				defer stop()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				handle(c)
			}()
		}
	}()
	return ln.Addr().String(), nil
}

// Names lists the endpoint names, sorted.
func (l *Lab) Names() []string {
	var n []string
	for _, e := range l.Endpoints {
		n = append(n, e.Name)
	}
	sort.Strings(n)
	return n
}

// tlsConfig is the base configuration of the lab's TLS servers.
func tlsConfig(certs ...tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: certs}
}
