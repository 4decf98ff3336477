package profile

import (
	"fmt"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// Revocation is how a client learns whether a certificate is revoked. When
// Default is false the client checks only once configured to (Enable says
// how), and the other fields describe it so configured; a client that can
// never check has Default false and no Enable.
type Revocation struct {
	// Default is true when the client checks as shipped.
	Default bool `json:"default"`
	// Staple: a stapled OCSP response is read, and "revoked" fails.
	Staple bool `json:"staple,omitempty"`
	// OCSP: the responder named in the certificate's AIA extension is asked.
	OCSP bool `json:"ocsp,omitempty"`
	// CRL: the CRLs at the certificate's CRL distribution points are read.
	CRL bool `json:"crl,omitempty"`
	// CRLSet: only a revocation list pushed by the vendor is consulted
	// (Chrome's CRLSets); it holds a curated subset of revocations.
	CRLSet bool `json:"crlset,omitempty"`
	// Chain: intermediates are checked too, not only the leaf.
	Chain bool `json:"chain,omitempty"`
	// HardFail: a certificate whose status cannot be learnt (responder
	// offline, no revocation information) fails: REVOCATION_UNAVAILABLE.
	HardFail bool `json:"hard_fail,omitempty"`
	// RequireStaple: without a stapled response the connection fails
	// (curl --cert-status).
	RequireStaple bool `json:"require_staple,omitempty"`
	// MustStaple: the TLS feature extension status_request (RFC 7633,
	// "must-staple") in a certificate is enforced.
	MustStaple bool `json:"must_staple,omitempty"`
	// Enable says how to switch checking on; Relax how to make a
	// hard-failing client accept an unknown status.
	Enable string `json:"enable,omitempty"`
	Relax  string `json:"relax,omitempty"`
	// Note is what a user should know about this client's checks.
	Note string `json:"note,omitempty"`
	// Sources name the sections of docs/client-profiles.md (§25) and the
	// pages the facts come from; Unconfirmed lists what no source confirmed.
	Sources     []string `json:"sources"`
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

// Online reports whether the policy fetches status itself (OCSP or CRL).
func (r Revocation) Online() bool { return r.OCSP || r.CRL }

// Effective is the policy a check applies: the client's own when it checks
// as shipped; with forced (--revocation), the client as configured to check,
// or, for a client that cannot check, every source, leaf and chain,
// soft-fail. The bool is false when nothing is checked. For a CRLSet client
// (Chrome) OCSP and CRL are what its Enable policy switches on.
func (r Revocation) Effective(forced bool) (Revocation, bool) {
	switch {
	case r.CRLSet && !forced:
		r.OCSP, r.CRL = false, false
		return r, true
	case r.Default:
		return r, true
	case !forced:
		return r, false
	case r.Online() || r.Staple || r.RequireStaple:
		return r, true
	}
	g := r
	g.Staple, g.OCSP, g.CRL, g.Chain, g.HardFail = true, true, true, true, false
	return g, true
}

const (
	srcRevocation = "§25 revocation by client"
	// Pages read for §25.
	srcFirefoxMustStaple = "https://blog.mozilla.org/security/2015/11/23/improving-revocation-ocsp-must-staple-and-short-lived-certificates/"
	srcFirefoxWiki       = "https://wiki.mozilla.org/CA/Revocation_Checking_in_Firefox"
	srcFirefoxCRLite     = "Mozilla Hacks, CRLite: fast, private, and comprehensive certificate revocation checking in Firefox (August 2025), as reposted at https://blog.laravelcompany.com/2025/08/19/crlite-fast-private-and-comprehensive-certificate-revocation-checking-in-firefox"
	srcChromeCRLSets     = "https://scotthelme.co.uk/certificate-revocation-google-chrome/"
	srcJSSERevocation    = "https://www.playframework.com/documentation/2.7.x/CertificateRevocation"
	srcCurlNoRevoke      = "curl docs/cmdline-opts/ssl-no-revoke.d (https://android.googlesource.com/platform/external/curl/+/24c495a52/docs/cmdline-opts/ssl-no-revoke.d)"
	srcCurlBestEffort    = "curl docs/cmdline-opts/ssl-revoke-best-effort.d (curl 7.70.0)"
	srcCurlOffline       = "https://github.com/curl/curl/issues/12239"
	srcCurlNoCheck       = "https://github.com/curl/curl/pull/4981"
	srcCurlCertStatus    = "checked against curl --cert-status and openssl s_server -status_file here (lab/interop_revocation_test.go)"
)

var (
	javaRevocation = Revocation{
		OCSP: true, CRL: true, Chain: true, HardFail: true,
		Enable:      "-Dcom.sun.net.ssl.checkRevocation=true -Dcom.sun.security.enableCRLDP=true, and ocsp.enable=true in java.security",
		Note:        "JSSE checks no revocation by default; switched on, PKIX checks OCSP and CRLs for the whole chain and fails when the status cannot be determined",
		Sources:     []string{srcRevocation, "§10.2 (com.sun.net.ssl.checkRevocation=false)", srcJSSERevocation},
		Unconfirmed: []string{"JSSE's client-side use of stapled responses (jdk.tls.client.enableStatusRequestExtension) is not modelled"},
	}
	openSSLRevocation = Revocation{
		CRL: true, HardFail: true,
		Enable:  "a CRL file the application loads and keeps current (X509_V_FLAG_CRL_CHECK; openssl s_client -crl_check -CRLfile FILE); OCSP only as a stapled response the application asks for",
		Note:    "OpenSSL's verifier fetches nothing: no OCSP, no CRL download",
		Sources: []string{srcRevocation, "§12 OpenSSL 3.x (AIA / revocation)"},
	}
	noRevocation = Revocation{
		Note:    "this client never checks revocation",
		Sources: []string{srcRevocation},
	}
	unconfirmedOff = func(what string) Revocation {
		return Revocation{
			Note:        what + " publishes nothing on revocation checking; modelled as off",
			Sources:     []string{srcRevocation},
			Unconfirmed: []string{"whether " + what + " checks revocation at all"},
		}
	}
)

// revocationPolicies holds each profile's policy, by profile ID.
var revocationPolicies = map[string]Revocation{
	"default": {
		Note:    "like curl, Python, Node, Java and Go as shipped: no revocation check (browsers differ: see chrome and firefox)",
		Sources: []string{srcRevocation},
	},
	"go": {
		Note:    "crypto/x509 has no revocation checking; an application must check a stapled or fetched OCSP response itself (tls.Config.VerifyConnection with golang.org/x/crypto/ocsp)",
		Sources: []string{srcRevocation, "§11 Go (AIA / revocation)"},
	},
	"openssl": openSSLRevocation,
	"curl": {
		Staple: true, RequireStaple: true,
		Enable:  "--cert-status (OCSP stapling: the server must staple a good response)",
		Note:    "curl with OpenSSL checks no revocation unless --cert-status, which requires a stapled response and fails without one",
		Sources: []string{srcRevocation, srcCurlCertStatus},
	},
	"python": {
		CRL: true, HardFail: true,
		Enable:  "context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF and a CRL loaded with load_verify_locations",
		Note:    "Python's ssl module fetches nothing",
		Sources: []string{srcRevocation, "§14 Python (AIA / revocation)"},
	},
	"gnutls": {
		Default: true, Staple: true, MustStaple: true,
		Note:        "a stapled OCSP response is judged (revoked fails) and a must-staple certificate without a staple fails: seen with gnutls-cli 3.7.9 and wget 1.21.3; no responder is asked",
		Sources:     []string{srcRevocation, "§27 what the clients here do"},
		Unconfirmed: []string{"gnutls-cli --ocsp (asking the responder) is not modelled"},
	},
	"wget": {
		Default: true, Staple: true, MustStaple: true,
		Note:        "a stapled OCSP response is judged (revoked fails) and a must-staple certificate without a staple fails: seen with gnutls-cli 3.7.9 and wget 1.21.3; no responder is asked",
		Sources:     []string{srcRevocation, "§27 what the clients here do"},
		Unconfirmed: []string{"gnutls-cli --ocsp (asking the responder) is not modelled"},
	},
	"python-requests": {
		CRL: true, HardFail: true,
		Enable:  "none in requests; with ssl directly: context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF and a CRL loaded with load_verify_locations",
		Note:    "Python's ssl module fetches nothing; requests checks no revocation",
		Sources: []string{srcRevocation, "§14 Python (AIA / revocation)"},
	},
	"node": {
		CRL: true, HardFail: true,
		Enable:  "tls.connect({crl}) with a CRL the application downloads; a staple arrives in the 'OCSPResponse' event when requestOCSP is set, and is not judged",
		Note:    "Node's TLS fetches nothing",
		Sources: []string{srcRevocation, "§15 Node.js (AIA / revocation)"},
	},
	"dotnet": {
		OCSP: true, CRL: true, Chain: true, HardFail: true,
		Enable:      "HttpClientHandler.CheckCertificateRevocationList = true (SslClientAuthenticationOptions.CertificateRevocationCheckMode = Online)",
		Note:        "off by default for HttpClient; switched on, an unknown status fails with RevocationStatusUnknown",
		Sources:     []string{srcRevocation, "§16 .NET (revocation)"},
		Unconfirmed: []string{"the default (§16 marks it unconfirmed)", "hard failure on an unknown status when switched on"},
	},
	"java-6": javaRevocation, "java-7": javaRevocation, "java-8": javaRevocation,
	"java-11": javaRevocation, "java-17": javaRevocation, "java-21": javaRevocation,
	"android-4.4": unconfirmedOff("Android"), "android-7": unconfirmedOff("Android"),
	"chrome": {
		Default: true, CRLSet: true, Staple: true, OCSP: true, CRL: true,
		Enable: "the EnableOnlineRevocationChecks policy (soft-fail OCSP/CRL); RequireOnlineRevocationChecksForLocalAnchors makes it hard-fail for private roots",
		Note:   "Chrome consults its CRLSet, a curated subset of revocations pushed by Google (mostly intermediates and urgent cases), and a stapled OCSP response: a stapled \"revoked\" fails (ERR_CERT_REVOKED); a revoked leaf neither in the CRLSet nor stapled as revoked passes. Online OCSP and CRL checks are off",
		Sources: []string{srcRevocation, srcChromeCRLSets,
			"a stapled \"revoked\" response refused by Debian's Chromium 156 here (net::ERR_CERT_REVOKED; docs/conformance.md)"},
		Unconfirmed: []string{"whether the current CRLSet lists a given serial (tlsdoctor does not download CRLSets)"},
	},

	"firefox": {
		Default: true, Staple: true, OCSP: true, CRL: true, MustStaple: true,
		Note:        "Firefox fails on a stapled \"revoked\" response and on a must-staple certificate served without a staple; otherwise it checks public certificates against CRLite (built from the CAs' CRLs, Firefox 137+) and asks OCSP responders soft-fail: an unreachable responder is ignored",
		Sources:     []string{srcRevocation, srcFirefoxMustStaple, srcFirefoxWiki, srcFirefoxCRLite},
		Unconfirmed: []string{"Firefox 142+ no longer queries OCSP for domain-validated certificates; CRLite is modelled as the CA's CRL, which also stands for certificates CRLite does not cover"},
	},
	"safari": unconfirmedOff("Apple"),
	"nginx-proxy": {
		Note:    "proxy_ssl_verify is off, so nothing about the certificate is checked, revocation included",
		Sources: []string{srcRevocation, "§7 nginx (AIA / revocation)"},
	},
	"nginx-proxy-verify": {
		CRL: true, Chain: true, HardFail: true,
		Enable:  "proxy_ssl_crl FILE (a CRL file you keep current; nginx fetches nothing)",
		Sources: []string{srcRevocation, "§7 nginx (AIA / revocation)"},
	},
	"envoy": {
		Note:    "no validation_context, so nothing about the certificate is checked, revocation included (with one, crl can be configured)",
		Sources: []string{srcRevocation, "§8 Envoy"},
	},
	"haproxy": {
		CRL: true, Chain: true, HardFail: true,
		Enable:  "crl-file FILE on the server line (a CRL file you keep current)",
		Sources: []string{srcRevocation, "§9 HAProxy"},
	},
	"aws-apigw-rest":             unconfirmedOff("AWS"),
	"aws-apigw-rest-skip-verify": unconfirmedOff("AWS"),
	"aws-apigw-http":             unconfirmedOff("AWS"),
	"oci-apigw":                  unconfirmedOff("Oracle"),
	"azure-appgw-v2":             unconfirmedOff("Microsoft"),
	"curl-windows": {
		Default: true, OCSP: true, CRL: true, Chain: true, HardFail: true,
		Relax:       "--ssl-revoke-best-effort (ignore offline or missing distribution points; git: http.schannelCheckRevoke best-effort) or --ssl-no-revoke",
		Note:        "Schannel's chain engine checks CRLs and OCSP for the whole chain, and curl treats an unknown status as fatal: CRYPT_E_REVOCATION_OFFLINE (0x80092013) when a responder is unreachable, CRYPT_E_NO_REVOCATION_CHECK (0x80092012) when a certificate names no CRL or OCSP responder, as TLS-inspecting proxies' certificates often do",
		Sources:     []string{srcRevocation, srcCurlNoRevoke, srcCurlBestEffort, srcCurlOffline, srcCurlNoCheck},
		Unconfirmed: []string{"that the root is excluded from the check (modelled: leaf and intermediates)"},
	},
}

var javaRevocationLogs = map[cause.Code]string{
	cause.CertRevoked:           "java.security.cert.CertPathValidatorException: Certificate has been revoked, reason: KEY_COMPROMISE, ... (with checkRevocation on)",
	cause.RevocationUnavailable: "java.security.cert.CertPathValidatorException: Could not determine revocation status (with checkRevocation on)",
}

// revocationLogs are what clients log for the revocation causes; curl's
// were read from curl 7.88 against openssl s_server here.
var revocationLogs = map[string]map[cause.Code]string{
	"curl": {cause.CertRevoked: "curl: (91) SSL certificate revocation reason: keyCompromise (1) (with --cert-status)",
		cause.RevocationUnavailable: "curl: (91) No OCSP response received (with --cert-status)"},
	"firefox": {cause.CertRevoked: "SEC_ERROR_REVOKED_CERTIFICATE", cause.RevocationUnavailable: "MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING (must-staple without a staple)"},
	"chrome":  {cause.CertRevoked: "NET::ERR_CERT_REVOKED"},
	"dotnet": {cause.CertRevoked: "The remote certificate is invalid because of errors in the certificate chain: Revoked",
		cause.RevocationUnavailable: "The remote certificate is invalid because of errors in the certificate chain: RevocationStatusUnknown"},
	"java-6": javaRevocationLogs, "java-7": javaRevocationLogs, "java-8": javaRevocationLogs,
	"java-11": javaRevocationLogs, "java-17": javaRevocationLogs, "java-21": javaRevocationLogs,
}

// withPolicies attaches each profile's revocation and proxy policy, and
// what it logs for the revocation causes.
func withPolicies(ps []Profile) []Profile {
	for i := range ps {
		if extra := revocationLogs[ps[i].ID]; len(extra) > 0 {
			logs := map[cause.Code]string{}
			for k, v := range ps[i].Logs {
				logs[k] = v
			}
			for k, v := range extra {
				logs[k] = v
			}
			ps[i].Logs = logs
		}
		r, ok := revocationPolicies[ps[i].ID]
		if !ok {
			panic(fmt.Sprintf("profile %s has no revocation policy", ps[i].ID))
		}
		ps[i].Revocation = r
		px, ok := proxyPolicies[ps[i].ID]
		if !ok {
			panic(fmt.Sprintf("profile %s has no proxy policy", ps[i].ID))
		}
		ps[i].Proxy = px
	}
	return ps
}
