package wire

import "fmt"

// Suite describes one cipher suite.
type Suite struct {
	ID   uint16
	Name string // IANA name
	Kex  string // key exchange: "TLS13", "ECDHE", "DHE", "RSA", "ECDH", "SCSV"
	Auth string // "RSA", "ECDSA", "" (TLS 1.3 and SCSV)
}

// suites lists the cipher suites tlsdoctor can name: every TLS 1.3 suite and
// the TLS 1.0-1.2 suites that real servers and clients deploy.
var suites = []Suite{
	{0x1301, "TLS_AES_128_GCM_SHA256", "TLS13", ""},
	{0x1302, "TLS_AES_256_GCM_SHA384", "TLS13", ""},
	{0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS13", ""},
	{0x1304, "TLS_AES_128_CCM_SHA256", "TLS13", ""},
	{0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS13", ""},
	{0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE", "ECDSA"},
	{0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE", "ECDSA"},
	{0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE", "RSA"},
	{0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE", "RSA"},
	{0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", "ECDSA"},
	{0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", "RSA"},
	{0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE", "RSA"},
	{0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE", "ECDSA"},
	{0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE", "ECDSA"},
	{0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE", "RSA"},
	{0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE", "RSA"},
	{0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE", "ECDSA"},
	{0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE", "ECDSA"},
	{0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE", "RSA"},
	{0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE", "RSA"},
	{0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE", "ECDSA"},
	{0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE", "RSA"},
	{0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE", "ECDSA"},
	{0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE", "RSA"},
	{0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE", "RSA"},
	{0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE", "RSA"},
	{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE", "RSA"},
	{0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE", "RSA"},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE", "RSA"},
	{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE", "RSA"},
	{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE", "RSA"},
	{0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE", "RSA"},
	{0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE", "RSA"},
	{0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "RSA", "RSA"},
	{0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "RSA", "RSA"},
	{0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "RSA", "RSA"},
	{0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "RSA", "RSA"},
	{0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", "RSA"},
	{0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "RSA", "RSA"},
	{0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", "RSA"},
	{0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "RSA", "RSA"},
	{0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "RSA", "RSA"},
	{0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RSA", "RSA"},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RSA", "RSA"},
	{0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "SCSV", ""},
	{0x5600, "TLS_FALLBACK_SCSV", "SCSV", ""},
}

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

// Suites returns the known suites (a copy), TLS 1.3 first.
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
