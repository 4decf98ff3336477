package wire

import "fmt"

// Suite describes one cipher suite.
type Suite struct {
	ID   uint16
	Name string // IANA name
	Kex  string // key exchange: "TLS13", "ECDHE", "DHE", "RSA", "ECDH", "DH", "PSK", "ECDHE_PSK", ..., "SCSV"
	Auth string // "RSA", "ECDSA", "DSS", "anon", "PSK", ...; "" for TLS 1.3 and SCSVs
}

// suites is every suite of the IANA registry (iana.go).
var suites = parseIANA()

var suiteByID = func() map[uint16]Suite {
	m := make(map[uint16]Suite, len(suites))
	for _, s := range suites {
		m[s.ID] = s
	}
	return m
}()

// LookupSuite returns the suite with the given ID, if tlsdoctor knows it.
func LookupSuite(id uint16) (Suite, bool) { s, ok := suiteByID[id]; return s, ok }

// SuiteName names a cipher suite, or gives its hex value.
func SuiteName(id uint16) string {
	if s, ok := suiteByID[id]; ok {
		return s.Name
	}
	return fmt.Sprintf("0x%04x", id)
}

// Suites returns every known suite (a copy), in code-point order.
func Suites() []Suite { out := make([]Suite, len(suites)); copy(out, suites); return out }

// LegacySuites returns the IDs of every known TLS 1.0-1.2 suite (no SCSVs).
func LegacySuites() []uint16 {
	var out []uint16
	for _, s := range suites {
		if s.Kex != "TLS13" && s.Kex != "SCSV" {
			out = append(out, s.ID)
		}
	}
	return out
}

// TLS13Suites returns the IDs of the TLS 1.3 suites.
func TLS13Suites() []uint16 {
	var out []uint16
	for _, s := range suites {
		if s.Kex == "TLS13" {
			out = append(out, s.ID)
		}
	}
	return out
}
