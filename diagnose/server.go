package diagnose

import (
	"fmt"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// ServerReport is a scan (check --server) in names.
type ServerReport struct {
	Versions []VersionReport `json:"versions"`
	Groups13 []string        `json:"groups_tls13,omitempty"`
	Groups12 []string        `json:"groups_tls12,omitempty"`
	SigAlgs  []string        `json:"sig_algs,omitempty"`
	// SigAlgsVersion is the version the signature schemes were asked at.
	SigAlgsVersion string `json:"sig_algs_version,omitempty"`
	NoSNI          string `json:"no_sni"`
	UnknownSNI     string `json:"unknown_sni"`
	// Weak lists what the server accepts that it should not: versions,
	// suites and signature schemes, each with why.
	Weak        []Weakness `json:"weak,omitempty"`
	Connections int        `json:"connections"`
	DurationMS  float64    `json:"duration_ms"`
	Stopped     string     `json:"stopped,omitempty"`
}

// Weakness is one thing the server accepts and should not.
type Weakness struct {
	What string `json:"what"` // a version, suite or signature scheme name
	Why  string `json:"why"`
}

// VersionReport is one version's suites.
type VersionReport struct {
	Version     string   `json:"version"`
	Accepted    bool     `json:"accepted"`
	Suites      []string `json:"suites,omitempty"`
	ServerOrder bool     `json:"server_order,omitempty"`
}

func serverReport(s *evidence.Scan) *ServerReport {
	r := &ServerReport{Connections: s.Connections, DurationMS: float64(s.Duration.Microseconds()) / 1000, Stopped: s.Stopped}
	weak := map[string]bool{}
	addWeak := func(what, why string) {
		if why != "" && !weak[what] {
			weak[what] = true
			r.Weak = append(r.Weak, Weakness{What: what, Why: why})
		}
	}
	for _, v := range s.Versions {
		vr := VersionReport{Version: wire.VersionName(v.Version), Accepted: v.Accepted, ServerOrder: v.ServerOrder}
		if v.Accepted && v.Version < wire.VersionTLS12 {
			addWeak(vr.Version, "deprecated (RFC 8996); current clients refuse it")
		}
		for _, id := range v.Suites {
			vr.Suites = append(vr.Suites, wire.SuiteName(id))
			addWeak(wire.SuiteName(id), weakSuite(id))
		}
		r.Versions = append(r.Versions, vr)
	}
	for _, g := range s.Groups13 {
		r.Groups13 = append(r.Groups13, wire.GroupName(g))
	}
	for _, g := range s.Groups12 {
		r.Groups12 = append(r.Groups12, wire.GroupName(g))
	}
	if s.SigAlgsVersion != 0 {
		r.SigAlgsVersion = wire.VersionName(s.SigAlgsVersion)
	}
	for _, a := range s.SigAlgs {
		r.SigAlgs = append(r.SigAlgs, wire.SignatureName(a))
		if a == wire.SigRSAPKCS1SHA1 || a == wire.SigECDSASHA1 {
			addWeak(wire.SignatureName(a), "SHA-1 signatures (RFC 9155 deprecates them in TLS 1.2)")
		}
	}
	r.NoSNI = sniAnswer(s.NoSNI)
	r.UnknownSNI = sniAnswer(s.UnknownSNI)
	return r
}

func sniAnswer(h *evidence.Hello) string {
	if h == nil {
		return ""
	}
	if h.Accepted() {
		return "accepted (" + describeAccept(h) + ")"
	}
	return fmt.Sprintf("refused: %s", describeRefusal(h))
}

// weakSuite says why a suite is weak, or "".
func weakSuite(id uint16) string {
	if why := forbiddenSuite(id); why != "" {
		return why
	}
	su, ok := wire.LookupSuite(id)
	if !ok {
		return ""
	}
	switch {
	case strings.Contains(su.Name, "3DES"):
		return "3DES: a 64-bit block cipher (Sweet32)"
	case su.Kex == "RSA":
		return "RSA key exchange: no forward secrecy, and removed from current clients"
	case strings.Contains(su.Name, "_CBC_"):
		return "CBC mode: padding-oracle attacks (Lucky13); prefer an AEAD suite"
	}
	return ""
}
