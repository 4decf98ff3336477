package profile

import (
	"github.com/tlsdoctor/tlsdoctor/cause"
	w "github.com/tlsdoctor/tlsdoctor/wire"
)

// windowsProfiles are clients whose certificate checks are Windows'
// (Schannel and the CryptoAPI chain engine, docs/client-profiles.md §19).
var windowsProfiles = []Profile{
	{ID: "curl-windows", Name: "curl.exe on Windows 11 (Schannel backend)",
		Description: "The curl that ships with Windows (and git for Windows with http.sslBackend schannel): Schannel's TLS 1.3 and 1.2, " +
			"the Windows root store, AIA fetching by the chain engine, and revocation checked for the whole chain with an unknown " +
			"status treated as fatal (CRYPT_E_REVOCATION_OFFLINE 0x80092013) unless --ssl-revoke-best-effort.",
		Versions: v13and12,
		CipherSuites: []uint16{0x1302, 0x1301, 0xc02c, 0xc02b, 0xc030, 0xc02f, 0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027,
			0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f},
		Groups: []uint16{w.GroupX25519, w.GroupP256, w.GroupP384}, KeyShares: []uint16{w.GroupX25519},
		SignatureAlgorithms: []uint16{w.SigRSAPSSSHA256, w.SigRSAPSSSHA384, w.SigRSAPSSSHA512, w.SigECDSAP256, w.SigECDSAP384,
			w.SigECDSAP521, w.SigRSAPKCS1SHA256, w.SigRSAPKCS1SHA384, w.SigRSAPKCS1SHA512},
		SendsSNI: true, Trust: TrustSystem, ChecksHostname: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, FetchesAIA: true,
		Logs: map[cause.Code]string{
			cause.RevocationUnavailable: "curl: (35) schannel: next InitializeSecurityContext failed: CRYPT_E_REVOCATION_OFFLINE (0x80092013) - The revocation function was unable to check revocation because the revocation server was offline. (or, for a certificate without CRL or OCSP URLs: Unknown error (0x80092012) - The revocation function was unable to check revocation for the certificate.)",
			cause.CertRevoked:           "curl: (35) schannel: next InitializeSecurityContext failed: CRYPT_E_REVOKED (0x80092010) - The certificate is revoked.",
			cause.UntrustedRoot:         "curl: (60) schannel: SEC_E_UNTRUSTED_ROOT (0x80090325) - The certificate chain was issued by an authority that is not trusted.",
			cause.Intercepted:           "curl: (35) schannel: next InitializeSecurityContext failed: Unknown error (0x80092012) - The revocation function was unable to check revocation for the certificate. (an inspection CA that is trusted but names no CRL), or SEC_E_UNTRUSTED_ROOT when it is not trusted",
		},
		Sources: []string{"§19 Windows Schannel", "§25 revocation by client"},
		Unconfirmed: []string{"the suite order is Windows 11's documented default, not a captured hello",
			"AIA fetching by the chain engine (§19: inference)", "the texts of CRYPT_E_REVOKED and SEC_E_UNTRUSTED_ROOT in curl's messages"}},
}
