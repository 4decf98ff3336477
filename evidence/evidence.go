// Package evidence holds what a probe observed on the wire, as plain data
// with no logic and no I/O. A Run round-trips through JSON, so a saved run
// (tlsdoctor check --save run.json) can be diagnosed again offline
// (tlsdoctor diagnose run.json), attached to a bug report, or used as a test.
//
// Failures are recorded by kind (Failure.Kind), which the probe decides from
// the error's type, never from its message.
package evidence

import (
	"crypto/x509"
	"time"

	"github.com/tlsdoctor/tlsdoctor/wire"
)

// SchemaVersion is the version of the Run JSON document.
const SchemaVersion = 1

// Run is everything observed while checking one target for one client profile.
type Run struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          string    `json:"tool"`
	Target        Target    `json:"target"`
	Profile       string    `json:"profile"`
	Started       time.Time `json:"started"`
	// At is the time certificates are judged at (--at); zero means Started.
	At time.Time `json:"at,omitzero"`
	// ExtraRoots holds the DER of the CAs added with --ca-bundle, so that an
	// offline diagnosis trusts what the live one trusted.
	ExtraRoots [][]byte `json:"extra_roots,omitempty"`
	// CAFiles names the --ca-bundle files as given, so that a reproducer
	// can name them too.
	CAFiles []string `json:"ca_files,omitempty"`
	// ClientKeyFile names the --key file as given, for the same reason.
	ClientKeyFile string `json:"client_key_file,omitempty"`
	// NoSystemRoots records that the system trust store was not used.
	NoSystemRoots bool      `json:"no_system_roots,omitempty"`
	DNS           *DNS      `json:"dns,omitempty"`
	Addresses     []Address `json:"addresses"`
	AIA           []AIA     `json:"aia,omitempty"`
	// Proxy is the HTTP proxy the check went through (or was told of).
	Proxy *Proxy `json:"proxy,omitempty"`
	// Direct is the same handshake made without the proxy.
	Direct *Direct `json:"direct,omitempty"`
	// Revocation holds the OCSP and CRL fetches; RevocationForced records
	// --revocation (judge revocation whatever the client's own policy).
	Revocation       []RevocationFetch `json:"revocation,omitempty"`
	RevocationForced bool              `json:"revocation_forced,omitempty"`
	// ClientCert is the client certificate presented (--cert).
	ClientCert *ClientCert `json:"client_cert,omitempty"`
	// Deadline is the overall time bound of the check (0: none);
	// DeadlineExceeded records that it ran out, so later phases are missing.
	Deadline         time.Duration `json:"deadline_ns,omitempty"`
	DeadlineExceeded bool          `json:"deadline_exceeded,omitempty"`
}

// JudgeTime is the time certificates are judged at.
func (r *Run) JudgeTime() time.Time {
	if !r.At.IsZero() {
		return r.At
	}
	return r.Started
}

// Target is what was asked for.
type Target struct {
	Input      string   `json:"input"`
	Scheme     string   `json:"scheme"` // "https" or "tls"
	Host       string   `json:"host"`   // name or IP literal, without brackets
	Port       int      `json:"port"`
	Path       string   `json:"path,omitempty"`
	ServerName string   `json:"server_name"` // the name checked against the certificate
	SNI        string   `json:"sni"`         // what the profile sends as SNI ("" = none)
	IsIP       bool     `json:"is_ip,omitempty"`
	Connect    []string `json:"connect,omitempty"` // --connect addresses
	HTTP       bool     `json:"http"`              // an HTTP request was to be sent
}

// Failure is an error, recorded by kind.
type Failure struct {
	// Kind is one of: dns_not_found, dns_error, refused, timeout,
	// unreachable, reset, eof, not_tls, alert, too_large, malformed,
	// local (the client itself refused), other.
	Kind    string `json:"kind"`
	Message string `json:"message"`
	// For too_large and malformed: the message concerned ("Certificate",
	// "ServerHello", "record header"), the byte offset in it, and for
	// too_large its announced size and the limit it broke.
	Subject string `json:"subject,omitempty"`
	Offset  int    `json:"offset,omitempty"`
	// Code names a malformation ("duplicate-extension", "record-overflow").
	Code  string `json:"code,omitempty"`
	Size  int    `json:"size,omitempty"`
	Limit int    `json:"limit,omitempty"`
}

// DNS is the name resolution.
type DNS struct {
	Name      string        `json:"name"`
	Addresses []string      `json:"addresses,omitempty"`
	Err       *Failure      `json:"error,omitempty"`
	Duration  time.Duration `json:"duration_ns"`
}

// Address is everything observed at one address.
type Address struct {
	Addr string `json:"addr"` // ip:port
	Dial Step   `json:"dial"`
	// Hello is the profile's own ClientHello, answered.
	Hello *Hello `json:"hello,omitempty"`
	// Repeats are the profile's own hello sent again after a refusal, to
	// tell a steady refusal from a server that answers the same hello
	// differently.
	Repeats []Hello `json:"repeats,omitempty"`
	// Variants are follow-up hellos, each changing one feature of Hello
	// (a version follow-up that was refused is sent again with every suite,
	// group and signature scheme; its Change says so).
	Variants []Hello `json:"variants,omitempty"`
	// Handshake is a full handshake (crypto/tls) that captures the chain,
	// sending the profile's SNI.
	Handshake *Handshake `json:"handshake,omitempty"`
	// AltHandshake is the same with the other SNI choice: without SNI when
	// the profile sends it, with SNI when it does not.
	AltHandshake *Handshake `json:"alt_handshake,omitempty"`
	// HandshakeRepeat is the full handshake made once more after it failed
	// by a reset, a close or a time-out.
	HandshakeRepeat *Handshake `json:"handshake_repeat,omitempty"`
	HTTP            *HTTP      `json:"http,omitempty"`
	// Scan is the server enumeration (check --server).
	Scan *Scan `json:"scan,omitempty"`
	// Proxy is the CONNECT that opened the tunnel to this address.
	Proxy *ProxyConnect `json:"proxy,omitempty"`
	// Invented is a handshake whose SNI names a host made up for this check
	// under .invalid (RFC 6761): only a CA that signs for any name can
	// return a certificate that covers it.
	Invented *Handshake `json:"invented_name_handshake,omitempty"`
}

// Scan is what the server accepts, learnt from hand-built hellos alone.
type Scan struct {
	Versions []VersionScan `json:"versions"`
	// Groups13 are the TLS 1.3 groups the server chose (named in a
	// HelloRetryRequest or a ServerHello), Groups12 the curves it chose in
	// TLS 1.2 ServerKeyExchanges, each in the order it chose them while
	// the others were still offered: its preference, unless it follows
	// the client's.
	Groups13 []uint16 `json:"groups_tls13,omitempty"`
	Groups12 []uint16 `json:"groups_tls12,omitempty"`
	// SigAlgs are the signature schemes the server signs with when offered
	// alone, at SigAlgsVersion: the highest of TLS 1.3 and 1.2 it speaks
	// (a server that speaks both may sign otherwise in TLS 1.2).
	SigAlgs        []uint16      `json:"sig_algs,omitempty"`
	SigAlgsVersion uint16        `json:"sig_algs_version,omitempty"`
	NoSNI          *Hello        `json:"no_sni,omitempty"`      // the answer to a hello without SNI
	UnknownSNI     *Hello        `json:"unknown_sni,omitempty"` // the answer to a hello for a name the server cannot know
	Connections    int           `json:"connections"`
	Duration       time.Duration `json:"duration_ns"`
	// Stopped says why the scan stopped early (a server that answers
	// nothing, the check's deadline); empty when it ran to the end.
	Stopped string `json:"stopped,omitempty"`
}

// VersionScan is one protocol version's result.
type VersionScan struct {
	Version  uint16   `json:"version"`
	Accepted bool     `json:"accepted"`
	Suites   []uint16 `json:"suites,omitempty"` // in the server's order when ServerOrder
	// ServerOrder: the server picks by its own preference, not the client's.
	ServerOrder bool `json:"server_order,omitempty"`
}

// Step is a phase that either worked or failed.
type Step struct {
	Err      *Failure      `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Offer is what a ClientHello offered.
type Offer struct {
	Versions []uint16 `json:"versions"`
	Suites   []uint16 `json:"suites"`
	Groups   []uint16 `json:"groups"`
	// KeyShares are the groups a TLS 1.3 key share was sent for.
	KeyShares []uint16 `json:"key_shares,omitempty"`
	SigAlgs   []uint16 `json:"sig_algs,omitempty"`
	SNI       string   `json:"sni,omitempty"`
}

// Hello is one hand-built ClientHello and the server's answer.
type Hello struct {
	Name   string `json:"name"`             // "profile", "no-sni", "tls1.0", ...
	Change string `json:"change,omitempty"` // the one change from the profile's hello, for people
	Offer  Offer  `json:"offer"`
	// Outcome: server_hello, hello_retry (a HelloRetryRequest for a group
	// the probe cannot make a share for), alert, not_tls, eof, reset,
	// timeout, too_large, malformed, dial_failed, skipped.
	Outcome      string   `json:"outcome"`
	Err          *Failure `json:"error,omitempty"`
	ClientRandom []byte   `json:"client_random,omitempty"`
	// RetryRequest is the server's HelloRetryRequest, when it asked for
	// another key share; the ServerHello is then its answer to the second
	// ClientHello (or the HelloRetryRequest again, when no share for the
	// group could be made).
	RetryRequest       *wire.ServerHello        `json:"retry_request,omitempty"`
	ServerHello        *wire.ServerHello        `json:"server_hello,omitempty"`
	Alert              *wire.Alert              `json:"alert,omitempty"`
	First              []byte                   `json:"first_bytes,omitempty"`
	Certificates       [][]byte                 `json:"certificates,omitempty"` // TLS 1.2 and older: plaintext
	ServerKeyExchange  *wire.ServerKeyExchange  `json:"server_key_exchange,omitempty"`
	CertificateRequest *wire.CertificateRequest `json:"certificate_request,omitempty"`
	OCSPResponse       []byte                   `json:"ocsp_response,omitempty"` // stapled (TLS 1.2 CertificateStatus)
	Duration           time.Duration            `json:"duration_ns"`
}

// Accepted reports whether the server went on with the handshake on terms
// the offer allows: a ServerHello at a version the hello did not offer (a
// TLS 1.0 answer to a TLS 1.2 hello) is refused by the client, so it is no
// acceptance.
func (h *Hello) Accepted() bool {
	if h == nil || (h.Outcome != "server_hello" && h.Outcome != "hello_retry") {
		return false
	}
	return !h.Downgraded()
}

// Downgraded reports whether the server answered at a version the hello did
// not offer.
func (h *Hello) Downgraded() bool {
	if h == nil || h.ServerHello == nil || len(h.Offer.Versions) == 0 {
		return false
	}
	v := h.ServerHello.NegotiatedVersion()
	for _, o := range h.Offer.Versions {
		if o == v {
			return false
		}
	}
	return true
}

// Handshake is a full TLS handshake made with crypto/tls.
type Handshake struct {
	SNI          string      `json:"sni,omitempty"`
	OK           bool        `json:"ok"`
	Err          *Failure    `json:"error,omitempty"`
	Alert        *wire.Alert `json:"alert,omitempty"` // the server's alert, when one ended it
	Version      uint16      `json:"version,omitempty"`
	CipherSuite  uint16      `json:"cipher_suite,omitempty"`
	ALPN         string      `json:"alpn,omitempty"`
	Certificates [][]byte    `json:"certificates,omitempty"` // DER, as sent
	// Parsed holds Certificates as the probe's TLS client parsed them, when
	// it did, so that the judge need not parse them again. It is not
	// recorded: a Run read from a file has Certificates alone.
	Parsed []*x509.Certificate `json:"-"`
	// CertificateRequested records that the server asked for a client
	// certificate; AcceptableCAs are the CA names it listed (DER).
	CertificateRequested bool     `json:"certificate_requested,omitempty"`
	AcceptableCAs        [][]byte `json:"acceptable_cas,omitempty"`
	// ClientCertSent records that the client presented a certificate.
	ClientCertSent bool `json:"client_cert_sent,omitempty"`
	// OCSPResponse is the stapled OCSP response (TLS 1.2 CertificateStatus,
	// or the leaf's CertificateEntry in TLS 1.3).
	OCSPResponse []byte `json:"ocsp_response,omitempty"`
	// PostHandshake is what happened on the first read after the handshake
	// when the server asked for a certificate (TLS 1.3 reports rejection then).
	PostHandshakeAlert *wire.Alert   `json:"post_handshake_alert,omitempty"`
	Duration           time.Duration `json:"duration_ns"`
}

// Bounds of the HTTP exchange, as an HTTP client has them.
const (
	// MaxHeaderBytes bounds the header block of the reply (1xx responses
	// included); a larger one is recorded as headers_too_large.
	MaxHeaderBytes = 1 << 20
	// MaxInterim is how many 1xx responses are read before the reply is
	// judged to have no final response (Go's net/http allows 5).
	MaxInterim = 5
)

// HTTP is the HTTP/1.1 exchange after the handshake, read as an HTTP client
// reads it: interim (1xx) responses skipped, the header block bounded.
type HTTP struct {
	Request string `json:"request"` // the request line
	// Outcome: response (a final response's status line and headers),
	// not_http, tls_record, interim_only (1xx responses and never a final
	// one), headers_too_large, truncated (the connection ended inside the
	// header block), eof, reset, timeout, alert (before any byte).
	Outcome    string `json:"outcome"`
	StatusLine string `json:"status_line,omitempty"`
	StatusCode int    `json:"status_code,omitempty"`
	Server     string `json:"server,omitempty"`
	// Interim counts the 1xx responses before the final one.
	Interim int `json:"interim,omitempty"`
	// HeaderBytes is how many bytes of headers were read.
	HeaderBytes int `json:"header_bytes,omitempty"`
	// Body is the start of the body of an error response (status >= 400).
	Body     []byte        `json:"body,omitempty"`
	First    []byte        `json:"first_bytes,omitempty"`
	Alert    *wire.Alert   `json:"alert,omitempty"`
	Err      *Failure      `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// AIA is one fetch of a caIssuers URL.
type AIA struct {
	URL         string   `json:"url"`
	For         string   `json:"for"` // subject of the certificate whose issuer was fetched
	Certificate []byte   `json:"certificate,omitempty"`
	Err         *Failure `json:"error,omitempty"`
}
