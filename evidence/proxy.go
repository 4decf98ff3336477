package evidence

import "time"

// Proxy is the HTTP proxy a check was to go through: given with --proxy, or
// read from the environment the way the profile's client reads it.
type Proxy struct {
	// URL is scheme://host:port of the proxy, without credentials.
	URL string `json:"url"`
	// Source says where it came from: "--proxy", or the environment
	// variable read (HTTPS_PROXY, https_proxy, ALL_PROXY, ...).
	Source string `json:"source"`
	// Auth records that basic proxy credentials were sent.
	Auth bool `json:"auth,omitempty"`
	// Used is false when the client would connect directly after all;
	// Reason says why (a NO_PROXY entry, a client that ignores the
	// environment, a loopback target the client never proxies).
	Used   bool   `json:"used"`
	Reason string `json:"reason,omitempty"`
}

// ProxyConnect is the CONNECT exchange that opened a tunnel to an address.
type ProxyConnect struct {
	Proxy   string `json:"proxy"`   // host:port of the proxy
	Request string `json:"request"` // "CONNECT host:port HTTP/1.1"
	// Stage is where it ended: "dial" (reaching the proxy), "tls" (the
	// TLS connection to an https:// proxy), "connect" (its answer to
	// CONNECT), or "tunnel" (the tunnel is open).
	Stage      string   `json:"stage"`
	StatusLine string   `json:"status_line,omitempty"`
	StatusCode int      `json:"status_code,omitempty"`
	Headers    []string `json:"headers,omitempty"` // Proxy-Authenticate, Server, Via, ... as sent
	Body       []byte   `json:"body,omitempty"`    // the start of an error page
	Err        *Failure `json:"error,omitempty"`
	// ProxyCertificates is the chain an https:// proxy presented.
	ProxyCertificates [][]byte      `json:"proxy_certificates,omitempty"`
	Duration          time.Duration `json:"duration_ns"`
}

// Direct is a handshake made without the proxy, to compare the chain
// served directly with the one served through the proxy.
type Direct struct {
	Addr      string     `json:"addr,omitempty"`
	DNS       *DNS       `json:"dns,omitempty"`
	Handshake *Handshake `json:"handshake,omitempty"`
}

// ClientCert is the client certificate a check presented (--cert). The
// private key is never recorded.
type ClientCert struct {
	Certificates [][]byte `json:"certificates"` // the chain as presented, leaf first
	// KeyMatches records whether the private key belongs to the leaf, as
	// checked when it was loaded; a mismatched pair is still presented, so
	// that the server's own verdict is on the wire.
	KeyMatches bool   `json:"key_matches"`
	Source     string `json:"source,omitempty"` // the file(s) it came from
}
