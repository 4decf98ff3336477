// Package diagnose judges a recorded run (package evidence) for one client
// profile and names one primary cause from package cause, the evidence that
// proves it, the fix, and secondary findings. It is a pure function: no
// network, no files, no clock; a saved run diagnoses the same way offline.
//
// Rules run in the order a connection fails: network (DNS_FAILURE, TCP_*),
// transport (HANDSHAKE_TIMEOUT, NOT_TLS, RESET_/CLOSED_DURING_HANDSHAKE),
// negotiation (the one-change follow-up hellos decide between
// PROTOCOL_VERSION_MISMATCH, CIPHER_MISMATCH, GROUP_MISMATCH and
// SNI_REQUIRED; CLIENT_CERT_REQUIRED, KEY_MISMATCH, SERVER_ALERT),
// certificate (package chain, with the profile's trust store and rules),
// then application (HTTP_INVALID_RESPONSE, DOUBLE_TLS, HTTP_NO_RESPONSE).
// Addresses of one name that disagree give INCONSISTENT_BACKENDS.
package diagnose

import (
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// SchemaVersion is the version of the Diagnosis JSON document. Version 2
// added rule, decides, alternatives, fix_side, tool, checked_at and
// judged_at.
const SchemaVersion = 2

// Diagnosis is the verdict for one target and one client profile.
type Diagnosis struct {
	SchemaVersion int        `json:"schema_version"`
	Tool          string     `json:"tool,omitempty"` // the tlsdoctor that observed the run
	CheckedAt     time.Time  `json:"checked_at"`     // when the run was observed
	JudgedAt      time.Time  `json:"judged_at"`      // the time certificates were judged at (--at)
	Target        string     `json:"target"`
	ServerName    string     `json:"server_name"`
	Profile       string     `json:"profile"`
	ProfileName   string     `json:"profile_name"`
	Cause         cause.Code `json:"cause"`
	Layer         string     `json:"layer"`
	Summary       string     `json:"summary"`
	Verdict
	ClientLog string          `json:"client_log,omitempty"` // what this client logs for the cause
	Findings  []Finding       `json:"findings"`
	Addresses []AddressResult `json:"addresses"`
	// Artifacts are files that fix the problem (--write-fix).
	Artifacts []Artifact `json:"artifacts,omitempty"`
	// Reproducers show the verdict with openssl and curl (Reproduce).
	Reproducers []Reproducer `json:"reproducers,omitempty"`
}

// Verdict is how a cause was reached: the rule, its confidence, what it
// rests on, and the fix.
type Verdict struct {
	// Rule is the ID of the rule that decided (see Rules).
	Rule string `json:"rule"`
	// Confidence is proved when an observation decides the cause, inferred
	// when it only points there; then Decides says what would decide and
	// Alternatives what else it could be.
	Confidence   Confidence    `json:"confidence"`
	Decides      string        `json:"decides,omitempty"`
	Alternatives []Alternative `json:"alternatives,omitempty"`
	Evidence     []string      `json:"evidence"`
	Fix          []string      `json:"fix"`
	// FixSide is who has to change something: server, client or network.
	FixSide Side `json:"fix_side,omitempty"`
}

// Alternative is another cause an inferred verdict leaves open.
type Alternative struct {
	Cause cause.Code `json:"cause"`
	When  string     `json:"when"` // the observation under which it is this cause instead
}

// Finding is a secondary observation.
type Finding struct {
	Code    cause.Code `json:"code,omitempty"` // the cause it would be, if any
	Message string     `json:"message"`
}

// AddressResult is the verdict for one address.
type AddressResult struct {
	Addr    string     `json:"addr"`
	Cause   cause.Code `json:"cause"`
	Summary string     `json:"summary"`
	Verdict
	Findings     []Finding     `json:"findings"`
	Negotiated   *Negotiated   `json:"negotiated,omitempty"`
	Certificates []Certificate `json:"certificates,omitempty"`
	HTTPStatus   string        `json:"http_status,omitempty"`
	Server       *ServerReport `json:"server,omitempty"` // check --server
	Artifacts    []Artifact    `json:"-"`
}

// Negotiated is what the handshake agreed on.
type Negotiated struct {
	Version     string `json:"version"`
	CipherSuite string `json:"cipher_suite"`
	ALPN        string `json:"alpn,omitempty"`
}

// Certificate summarises one certificate of the chain as built.
type Certificate struct {
	Role      string   `json:"role"` // leaf, intermediate, root
	Subject   string   `json:"subject"`
	Issuer    string   `json:"issuer"`
	NotBefore string   `json:"not_before"`
	NotAfter  string   `json:"not_after"`
	Names     []string `json:"names,omitempty"`
	Key       string   `json:"key"`
	Signature string   `json:"signature"`
	Serial    string   `json:"serial,omitempty"` // hexadecimal
	SHA256    string   `json:"sha256"`
	Source    string   `json:"source"` // "served", "aia", "trust store", "known"
}

// Artifact is a file that fixes the problem, e.g. the full chain to serve.
type Artifact struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Data        []byte `json:"-"`
}
