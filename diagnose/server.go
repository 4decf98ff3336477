package diagnose

import (
	"fmt"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// ServerReport is a scan (check --server) in names.
type ServerReport struct {
	Versions    []VersionReport `json:"versions"`
	Groups13    []string        `json:"groups_tls13,omitempty"`
	Groups12    []string        `json:"groups_tls12,omitempty"`
	SigAlgs     []string        `json:"sig_algs,omitempty"`
	NoSNI       string          `json:"no_sni"`
	UnknownSNI  string          `json:"unknown_sni"`
	Connections int             `json:"connections"`
	DurationMS  float64         `json:"duration_ms"`
}

// VersionReport is one version's suites.
type VersionReport struct {
	Version     string   `json:"version"`
	Accepted    bool     `json:"accepted"`
	Suites      []string `json:"suites,omitempty"`
	ServerOrder bool     `json:"server_order,omitempty"`
}

func serverReport(s *evidence.Scan) *ServerReport {
	r := &ServerReport{Connections: s.Connections, DurationMS: float64(s.Duration.Microseconds()) / 1000}
	for _, v := range s.Versions {
		vr := VersionReport{Version: wire.VersionName(v.Version), Accepted: v.Accepted, ServerOrder: v.ServerOrder}
		for _, id := range v.Suites {
			vr.Suites = append(vr.Suites, wire.SuiteName(id))
		}
		r.Versions = append(r.Versions, vr)
	}
	for _, g := range s.Groups13 {
		r.Groups13 = append(r.Groups13, wire.GroupName(g))
	}
	for _, g := range s.Groups12 {
		r.Groups12 = append(r.Groups12, wire.GroupName(g))
	}
	for _, a := range s.SigAlgs {
		r.SigAlgs = append(r.SigAlgs, wire.SignatureName(a))
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
