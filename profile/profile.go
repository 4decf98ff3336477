// Package profile describes TLS clients as data: what each offers in its
// ClientHello (versions, cipher suites, groups, signature algorithms, SNI)
// and how it judges certificates (trust store, hostname rules, weak
// algorithms, AIA fetching). A diagnosis is always for one profile.
//
// Facts come from docs/client-profiles.md, whose sources are cited there;
// each profile names the sections it rests on and says what is unconfirmed.
package profile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// Trust says which trust anchors a client uses.
type Trust string

const (
	// TrustSystem is the system store as Go loads it (SSL_CERT_FILE and
	// SSL_CERT_DIR honoured), falling back to the embedded Mozilla roots,
	// plus any --ca-bundle.
	TrustSystem Trust = "system"
	// TrustBundleOnly is only the CAs configured on the client (--ca-bundle),
	// as with nginx's proxy_ssl_trusted_certificate.
	TrustBundleOnly Trust = "bundle-only"
	// TrustNone means the client does not verify certificates at all.
	TrustNone Trust = "none"
	// TrustPublic is a fixed list of public CAs that cannot be extended
	// (AWS API Gateway REST APIs): --ca-bundle is ignored. The system store
	// stands in for the list.
	TrustPublic Trust = "public"
	// TrustAnyRoot accepts a chain that ends at any root CA the server sends
	// (or a public one), but still checks expiry and the name (AWS
	// insecureSkipVerification).
	TrustAnyRoot Trust = "any-root"
)

// Profile is one client.
type Profile struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`

	Versions            []uint16 `json:"versions"` // offered, highest first
	CipherSuites        []uint16 `json:"cipher_suites"`
	Groups              []uint16 `json:"groups"`
	KeyShares           []uint16 `json:"key_shares"` // groups sent a TLS 1.3 key share
	SignatureAlgorithms []uint16 `json:"signature_algorithms"`
	SendsSNI            bool     `json:"sends_sni"` // for names; no client sends an IP literal as SNI

	Trust          Trust `json:"trust"`
	ChecksHostname bool  `json:"checks_hostname"`
	CNFallback     bool  `json:"cn_fallback"` // matches the subject CN when the certificate has no DNS SAN
	RejectSHA1     bool  `json:"reject_sha1"` // refuses SHA-1 and MD5 certificate signatures
	MinRSABits     int   `json:"min_rsa_bits"`
	MinECBits      int   `json:"min_ec_bits"`
	FetchesAIA     bool  `json:"fetches_aia"`                 // completes a missing intermediate from the AIA URL
	MinDHBits      int   `json:"min_dh_bits,omitempty"`       // smallest DHE group accepted
	MaxValidity    int   `json:"max_validity_days,omitempty"` // longest leaf validity accepted (Apple: 825)
	RejectMD5      bool  `json:"reject_md5,omitempty"`        // refuses MD5 certificate signatures (implied by RejectSHA1)
	RejectCALeaf   bool  `json:"reject_ca_leaf,omitempty"`    // refuses a CA certificate as the server's (Firefox)
	SkipsEKU       bool  `json:"skips_eku_check,omitempty"`   // does not check the leaf's extended key usage (wget)
	// AcceptsDuplicateExtensions: the client goes on past a ServerHello that
	// carries an extension twice (Java 17 and GnuTLS 3.7.9 did here).
	AcceptsDuplicateExtensions bool `json:"accepts_duplicate_extensions,omitempty"`
	// MaxCertMessage is the largest Certificate handshake message accepted,
	// in bytes (OpenSSL's max_cert_list: 100 KiB; Java's
	// jdk.tls.maxHandshakeMessageSize: 32 KiB; Go: 256 KiB). 0: no limit known.
	MaxCertMessage int `json:"max_cert_message,omitempty"`
	// MaxIntermediates is the verify depth: how many intermediate CAs may
	// stand between the leaf and the trust anchor (nginx
	// proxy_ssl_verify_depth defaults to 1). 0: no limit below 100.
	MaxIntermediates int `json:"max_intermediates,omitempty"`
	// RequireSecureRenegotiation: the client refuses a TLS 1.2 or older
	// server that does not support RFC 5746 (OpenSSL 3 by default).
	RequireSecureRenegotiation bool `json:"require_secure_renegotiation,omitempty"`

	// Revocation is how this client checks revocation (revocation.go);
	// Proxy is how it finds an HTTP proxy (proxy.go).
	Revocation Revocation  `json:"revocation"`
	Proxy      ProxyPolicy `json:"proxy"`

	// Logs holds what this client logs for a cause, when known. Several
	// lines it may log are separated by " | "; "..." and placeholders such
	// as <host> stand for text that varies.
	Logs map[cause.Code]string `json:"logs,omitempty"`
	// Sources names the sections of docs/client-profiles.md this rests on.
	Sources []string `json:"sources"`
	// Unconfirmed lists facts of this profile not confirmed by a source.
	Unconfirmed []string `json:"unconfirmed,omitempty"`

	// Checked records what the real client this profile describes did when
	// it was run here against the lab (lab/realclient; the table is
	// docs/conformance.md). Nil when no such client can run here.
	Checked *Check `json:"checked,omitempty"`
	// DocumentedOnly lists the rules that rest on documentation alone, each
	// with its source, because no real client here can confirm them.
	DocumentedOnly []Rule `json:"documented_only,omitempty"`
}

// Check is what a profile's real client confirmed when run here.
type Check struct {
	// Clients names each real client and version that was run.
	Clients []string `json:"clients"`
	// Confirmed lists the rules the clients behaved as the profile says,
	// each with the lab endpoints that show it (Basis: "lab: a, b").
	Confirmed []Rule `json:"confirmed"`
	// Differs says how the version checked differs from the one the profile
	// names, or from the profile, and why the profile keeps its rule.
	Differs []string `json:"differs,omitempty"`
}

// Rule is one rule of a profile and what it rests on.
type Rule struct {
	// Rule is a field of the profile by its JSON name (versions, cn_fallback,
	// min_rsa_bits, ...) or one of the checks every verifying client makes
	// (dates, key_usage, basic_constraints, signature), or logs.
	Rule string `json:"rule"`
	// Basis is the lab endpoints that confirmed it ("lab: cn-only"), or the
	// source it rests on.
	Basis string `json:"basis"`
}

// RuleNames are the names a Rule may have.
var RuleNames = []string{"versions", "cipher_suites", "groups", "signature_algorithms", "sends_sni", "trust",
	"checks_hostname", "cn_fallback", "reject_sha1", "min_rsa_bits", "min_ec_bits", "fetches_aia", "min_dh_bits",
	"max_validity_days", "reject_md5", "max_cert_message", "max_intermediates", "require_secure_renegotiation",
	"dates", "key_usage", "basic_constraints", "critical_extensions", "signature", "logs"}

// Verifies reports whether the client verifies certificates at all.
func (p *Profile) Verifies() bool { return p.Trust != TrustNone }

// MaxVersion is the highest version offered.
func (p *Profile) MaxVersion() uint16 {
	var m uint16
	for _, v := range p.Versions {
		m = max(m, v)
	}
	return m
}

// MinVersion is the lowest version offered.
func (p *Profile) MinVersion() uint16 {
	m := uint16(0xffff)
	for _, v := range p.Versions {
		m = min(m, v)
	}
	return m
}

// Offers reports whether the profile offers version v.
func (p *Profile) Offers(v uint16) bool {
	for _, x := range p.Versions {
		if x == v {
			return true
		}
	}
	return false
}

// VersionNames lists the offered versions for people ("TLS 1.3, TLS 1.2").
func (p *Profile) VersionNames() string {
	var s []string
	for _, v := range p.Versions {
		s = append(s, wire.VersionName(v))
	}
	return strings.Join(s, ", ")
}

// Get returns the profile with the given ID.
func Get(id string) (*Profile, error) {
	for i := range builtin {
		if builtin[i].ID == id {
			p := builtin[i]
			return &p, nil
		}
	}
	return nil, fmt.Errorf("profile: unknown profile %q (known: %s)", id, strings.Join(IDs(), ", "))
}

// IDs lists the profile IDs, sorted.
func IDs() []string {
	var ids []string
	for _, p := range builtin {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	return ids
}

// All returns every profile (copies).
func All() []*Profile {
	var out []*Profile
	for i := range builtin {
		p := builtin[i]
		out = append(out, &p)
	}
	return out
}
