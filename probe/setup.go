package probe

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"

	"github.com/tlsdoctor/tlsdoctor/evidence"
)

// prepare applies the options that shape every connection of a check: the
// proxy the client would go through, the client certificate it presents,
// and whether revocation is to be checked whatever the client's policy.
func (o *Options) prepare(t evidence.Target, run *evidence.Run) {
	o.direct = o.Dialer
	if !o.NoProxy {
		u, rec := SelectProxy(o.Profile, run.Target, o.Proxy, o.Getenv)
		run.Proxy = rec
		if u != nil {
			o.via = u
			o.Dialer = &proxyDialer{proxy: u, forward: o.direct, timeout: o.timeout()}
		}
	}
	run.RevocationForced = o.Revocation
	if o.ClientCert != nil {
		run.ClientCert = o.ClientCert.record()
	}
}

// observe makes the observations that follow the per-address probes: the
// signs of interception (the chain seen directly, the answer for an
// invented name) and the revocation status of the chain.
func observe(ctx context.Context, run *evidence.Run, opts *Options) {
	observeInterception(ctx, run, opts)
	fetchRevocation(ctx, run, opts)
}

// httpClient fetches AIA issuers, OCSP responses and CRLs: plain HTTP,
// through the check's proxy as an absolute-URI request when there is one
// (a CONNECT to port 80 is refused by most proxies), bounded redirects.
func (o *Options) httpClient() *http.Client {
	d := o.direct
	if d == nil {
		d = o.Dialer
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		ResponseHeaderTimeout: o.timeout(),
		DisableKeepAlives:     true,
	}
	if o.via != nil {
		via := o.via
		tr.Proxy = func(*http.Request) (*url.URL, error) { return via, nil }
	}
	return &http.Client{
		Timeout:   o.timeout(),
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
}

// CompleteShared finishes a HelloOnly run that fleet.Share completed with
// another client's capture: the revocation fetches this client's policy
// calls for that the capture did not make (Firefox asks OCSP responders,
// Schannel CRLs too; most clients nothing).
func CompleteShared(ctx context.Context, run *evidence.Run, opts Options) {
	if ctx.Err() != nil {
		return
	}
	opts.HelloOnly = false
	opts.defaults()
	opts.prepare(run.Target, &evidence.Run{Target: run.Target})
	fetchRevocation(ctx, run, &opts)
}

// SameProxy reports whether two runs went (or did not go) through the same
// proxy, so that what one observed is what the other's client would see.
func SameProxy(a, b *evidence.Run) bool {
	used := func(r *evidence.Run) string {
		if r.Proxy == nil || !r.Proxy.Used {
			return ""
		}
		return r.Proxy.URL
	}
	return used(a) == used(b)
}
