// Package inventory reads what a scan checks: target files (one target a
// line, with per-target options) and gateway configurations (OCI API
// Gateway deployments, AWS API Gateway exports, nginx, Kubernetes Ingress and
// Gateway API BackendTLSPolicy, Envoy, HAProxy). Each reader turns its input
// into Targets that carry the gateway's client profile and the TLS settings
// it is configured with (trust, SNI, verification, versions, ciphers), each
// with the file, line and column it came from.
//
// Readers stream or bound what they hold: a target file is read line by
// line; a configuration is limited to MaxConfigSize. Bad input is reported
// with its position and skipped; unknown fields are ignored with a warning.
package inventory

import (
	"fmt"
	"slices"
	"strings"
)

// Source is where a target came from.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col,omitempty"`
}

// String is file:line (file:line:col when the column is known).
func (s Source) String() string {
	if s.Col > 0 {
		return fmt.Sprintf("%s:%d:%d", s.File, s.Line, s.Col)
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// Target is one endpoint to check and the client settings to check it with.
// Zero values mean "the scan's default" (its flags).
type Target struct {
	Input      string   // https://host[:port][/path] or host[:port]
	Profile    string   // client profile ID
	Connect    []string // addresses to dial instead of resolving (IP or IP:port)
	ServerName string   // the name sent as SNI and checked on the certificate
	// CAFiles are PEM files the client trusts; CARefs are CAs the
	// configuration names without a file (an OCI CA bundle, a Kubernetes
	// Secret), mapped to files with --ca-bundle NAME=FILE; CAPEM is a CA
	// found inline in the input (a Secret or ConfigMap in the same file).
	CAFiles []string
	CARefs  []string
	CAPEM   []byte
	// Scope is what a scan adds to every target (its flags: the default
	// profile, --connect, --ca-bundle, ...), as text; part of the key, so
	// that a verdict reached with other flags is not taken for this one's.
	Scope string
	// SNI, when set, says whether the client sends SNI.
	SNI *bool
	// Verify, when set, says whether the client verifies the certificate.
	Verify *bool
	// OnlyCAs: the client trusts only the configured CAs, not a system
	// store (Envoy trusted_ca, BackendTLSPolicy caCertificateRefs).
	OnlyCAs bool
	// CheckName, when set, says whether the client checks the name on the
	// certificate (Envoy checks it only when SAN matchers are configured).
	CheckName *bool
	// Versions, when set, are the only versions the client offers.
	Versions []uint16
	// Ciphers is an OpenSSL cipher string the client is configured with.
	Ciphers string
	// VerifyDepth is the configured verify depth: how many intermediate CAs
	// may stand between the leaf and the trust anchor (0: not set).
	VerifyDepth int
	// Gateway names the configuration kind ("nginx", "oci-apigw", ...);
	// Where says which part of it (a route, an upstream), for people.
	Gateway string
	Where   string
	// Settings lists the configuration settings applied, for people
	// ("proxy_ssl_verify on").
	Settings []string
	Source   Source
}

// Key is the canonical form of the target and its settings: two targets
// with the same key are the same check. It is stable across versions, as
// sharding and --resume depend on it.
func (t *Target) Key() string {
	var b strings.Builder
	b.WriteString(t.Input)
	field := func(k, v string) {
		if v != "" {
			b.WriteString("|" + k + "=" + v)
		}
	}
	field("profile", t.Profile)
	field("scope", t.Scope)
	field("connect", strings.Join(t.Connect, ","))
	field("servername", t.ServerName)
	cas := append(append([]string{}, t.CAFiles...), t.CARefs...)
	slices.Sort(cas)
	field("ca", strings.Join(cas, ","))
	if len(t.CAPEM) > 0 {
		field("capem", fmt.Sprintf("%x", fnv64(t.CAPEM)))
	}
	if t.SNI != nil {
		field("sni", fmt.Sprint(*t.SNI))
	}
	if t.Verify != nil {
		field("verify", fmt.Sprint(*t.Verify))
	}
	if t.OnlyCAs {
		field("onlycas", "true")
	}
	if t.CheckName != nil {
		field("checkname", fmt.Sprint(*t.CheckName))
	}
	if len(t.Versions) > 0 {
		field("versions", fmt.Sprint(t.Versions))
	}
	field("ciphers", t.Ciphers)
	if t.VerifyDepth > 0 {
		field("depth", fmt.Sprint(t.VerifyDepth))
	}
	return b.String()
}

// ID is a stable 64-bit hash of Key, as 16 hex digits.
func (t *Target) ID() string { return fmt.Sprintf("%016x", fnv64([]byte(t.Key()))) }

// Hash is the numeric form of ID, for sharding.
func (t *Target) Hash() uint64 { return fnv64([]byte(t.Key())) }

func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// Warning is a problem with the input that did not stop the reading: a bad
// line (skipped), an unknown field (ignored), a setting not modelled.
type Warning struct {
	Source  Source
	Message string
}

func (w Warning) String() string { return w.Source.String() + ": " + w.Message }

// ParseError is input that cannot be read at all, with its position.
type ParseError struct {
	Source Source
	Reason string
}

func (e *ParseError) Error() string { return e.Source.String() + ": " + e.Reason }

func boolPtr(b bool) *bool { return &b }
