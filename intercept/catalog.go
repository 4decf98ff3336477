// Package intercept is the catalog of TLS-inspection products and
// known-bad roots, as data with sources, and the matching of a chain
// against it. A product is recognised by the names its CAs carry
// (inferred: anyone can name a CA anything) or by a key the catalog knows
// (proved: a certificate carries that exact public key, or was signed by
// it). Identifiers are only those read in a public source; none is invented.
//
// The package is pure: no I/O, no clock.
package intercept

import "regexp"

// Kind says what sort of product intercepts.
type Kind string

const (
	// Enterprise is a corporate TLS-inspecting proxy or firewall.
	Enterprise Kind = "enterprise inspection"
	// Antivirus is desktop security software that scans HTTPS.
	Antivirus Kind = "antivirus HTTPS scanning"
	// Debugging is a developer's intercepting proxy.
	Debugging Kind = "debugging proxy"
	// Compromised is a root or key whose private key is public or that was
	// used to intercept others' traffic; Chromium blocks it.
	Compromised Kind = "compromised or blocked key"
)

// Product is one catalog entry.
type Product struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Names are patterns (case-insensitive) for the subject or issuer
	// common name or organisation of the product's CAs.
	Names []string `json:"names,omitempty"`
	// SPKI lists SHA-256 hashes (hex) of the product's CA public keys
	// (SubjectPublicKeyInfo, DER).
	SPKI []string `json:"spki_sha256,omitempty"`
	// KeyIDs lists subject key identifiers (hex) of the product's CAs.
	KeyIDs []string `json:"key_ids,omitempty"`
	// Keys lists CA public keys (SubjectPublicKeyInfo, base64 DER), so that
	// a certificate they signed is recognised even when the CA is not sent.
	Keys []string `json:"keys,omitempty"`
	// BlockedByChrome: Chromium refuses any chain through this key.
	BlockedByChrome bool `json:"blocked_by_chrome,omitempty"`
	// Bypass says how to exempt a host from this product's inspection;
	// GetCA where its CA certificate is found, to trust it deliberately.
	Bypass      string   `json:"bypass,omitempty"`
	GetCA       string   `json:"get_ca,omitempty"`
	Sources     []string `json:"sources"`
	Unconfirmed []string `json:"unconfirmed,omitempty"`

	names []*regexp.Regexp
}

const (
	srcChromiumBlocklist = "chromium net/data/ssl/blocklist/README.md and net/cert/cert_verify_proc_blocklist.inc (kSPKIBlockList, kKnownInterceptionList); hashes checked against the certificates in that directory"
	srcObserved          = "issuer names as seen in public reports of failing clients (certificate dumps in public repositories' issues and notes)"
	vendorNameOnly       = "the exact issuer names: the pattern matches the vendor's name, which its generated CAs carry by default"
)

// catalog is the data. Append; keep the sources.
var catalog = []Product{
	// Enterprise inspection.
	{Name: "Zscaler", Kind: Enterprise, Names: []string{`\bzscaler\b`},
		Bypass:  "an SSL inspection rule in Zscaler Internet Access that does not inspect this host (or its URL category)",
		GetCA:   "Zscaler Client Connector installs it; administrators download it from the ZIA admin portal (SSL inspection)",
		Sources: []string{"https://help.zscaler.com/unified/choosing-ca-certificate-ssl-inspection (the issuer DN of inspected chains is the Zscaler intermediate's)", srcObserved}},
	{Name: "Netskope", Kind: Enterprise, Names: []string{`\bnetskope\b`, `\bgoskope\b`},
		Bypass:  "a steering or SSL decryption exception for this host in the Netskope tenant",
		Sources: []string{"https://docs.netskope.com/en/certificates/ (certificates for SSL/TLS decryption)"}, Unconfirmed: []string{vendorNameOnly}},
	{Name: "Palo Alto Networks", Kind: Enterprise, Names: []string{`palo ?alto networks`},
		Bypass:  "a decryption exclusion (Device > Certificate Management > SSL Decryption Exclusion) or a no-decrypt policy rule",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly + "; a forward-trust CA may carry any name"}},
	{Name: "Fortinet FortiGate", Kind: Enterprise, Names: []string{`^fortigate ca$`, `^fortinet$`, `fortinet_ca_ssl`},
		Bypass:  "an exemption in the SSL/SSH inspection profile (deep-inspection) for this host, or certificate-inspection instead of deep inspection",
		GetCA:   "download it from the FortiGate: Security Profiles > SSL/SSH Inspection > the profile's CA certificate > Download",
		Sources: []string{"https://community.fortinet.com/t5/FortiCache/How-to-Regenerate-the-Fortinet-CA-SSLProxy-CA-certificate-used/ta-p/198478 (subject O=Fortinet, OU=Certificate Authority, CN=FortiGate CA)", "https://community.fortinet.com/fortigate-3/technical-tip-how-to-enable-deep-inspection-and-import-a-certificate-in-the-browser-98489 (default CA Fortinet_CA_SSL)"}},
	{Name: "Cisco Umbrella", Kind: Enterprise, Names: []string{`cisco umbrella`},
		Bypass:  "a Selective Decryption List entry for this host in Umbrella",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly}},
	{Name: "Symantec / Blue Coat ProxySG", Kind: Enterprise, Names: []string{`blue ?coat`},
		Bypass:  "an SSL interception exception (do not intercept) for this host in the ProxySG policy",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly}},
	{Name: "Sophos", Kind: Enterprise, Names: []string{`\bsophos\b`},
		Bypass:  "an SSL/TLS inspection exclusion for this host in Sophos Firewall (or the web exceptions of Sophos UTM)",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly}},
	{Name: "Check Point", Kind: Enterprise, Names: []string{`check ?point`},
		Bypass:  "an HTTPS Inspection bypass rule for this host",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly}},
	{Name: "Forcepoint", Kind: Enterprise, Names: []string{`\bforcepoint\b`, `\bwebsense\b`},
		Bypass:  "an SSL decryption bypass for this host",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly}},
	{Name: "McAfee / Skyhigh Web Gateway", Kind: Enterprise, Names: []string{`\bmcafee\b`, `skyhigh`},
		Bypass:  "an SSL scanner whitelist entry for this host",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly}},
	// Desktop security software.
	{Name: "Kaspersky", Kind: Antivirus, Names: []string{`kaspersky`},
		Bypass:  "Kaspersky settings > Network settings: do not scan encrypted connections for this host or program",
		Sources: []string{srcObserved + ": CN=Kaspersky Anti-Virus Personal Root Certificate, O=AO Kaspersky Lab"}},
	{Name: "Avast / AVG", Kind: Antivirus, Names: []string{`\bavast\b`, `^avg (web|mail)`},
		Bypass:  "Web Shield: turn off HTTPS scanning, or add the host as an exception",
		Sources: []string{srcObserved + ": Avast Web/Mail Shield Root"}},
	{Name: "ESET", Kind: Antivirus, Names: []string{`eset ssl filter`},
		Bypass:  "SSL/TLS protocol filtering: exclude this host or program",
		Sources: []string{srcObserved + ": ESET SSL Filter CA"}},
	{Name: "Bitdefender", Kind: Antivirus, Names: []string{`bitdefender`},
		Bypass:  "Online Threat Prevention: turn off Encrypted web scan, or add an exception",
		Sources: []string{srcObserved + ": Bitdefender Personal CA.Net-Defender"}},
	// Developers' proxies.
	{Name: "mitmproxy", Kind: Debugging, Names: []string{`^mitmproxy$`},
		Bypass:  "stop mitmproxy or take it out of the path (unset HTTPS_PROXY), or ignore this host (--ignore-hosts)",
		GetCA:   "mitmproxy keeps it in ~/.mitmproxy/mitmproxy-ca-cert.pem on the machine it runs on",
		Sources: []string{srcObserved}, Unconfirmed: []string{"the subject CN=mitmproxy, O=mitmproxy of the CA mitmproxy generates (mitmproxy/certs.py, not read here)"}},
	{Name: "Charles Proxy", Kind: Debugging, Names: []string{`charles proxy`},
		Bypass:  "stop Charles or exclude this host from SSL proxying",
		Sources: []string{srcObserved}, Unconfirmed: []string{vendorNameOnly}},
	{Name: "Fiddler", Kind: Debugging, Names: []string{`do_not_trust_fiddlerroot`, `\bfiddler\b`},
		Bypass:  "stop Fiddler or turn off HTTPS decryption for this host",
		Sources: []string{"curl/curl#4981 (Fiddler in the path breaks Schannel revocation checks)", srcObserved}, Unconfirmed: []string{"the root's name DO_NOT_TRUST_FiddlerRoot"}},
	{Name: "Burp Suite", Kind: Debugging, Names: []string{`portswigger`},
		Bypass:  "stop Burp or exclude this host from interception (TLS pass through)",
		Sources: []string{srcObserved}, Unconfirmed: []string{"the root's name PortSwigger CA"}},
	// Keys Chromium blocks: private keys made public, or used to intercept others.
	{Name: "Superfish (Lenovo adware)", Kind: Compromised, Names: []string{`^superfish, inc\.$`},
		SPKI:            []string{"4bb8f35ba1e126f8dde1b0c420625ed86dce61a7bddadbdea9aba578ff13145e"},
		KeyIDs:          []string{"fb98b3537f14442ee8eed5099a5e0e5686a83588"},
		Keys:            []string{"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDo80oYdl8ZP7HPWOl/QwcJlYA1xQ/+cTEngZkSJiCl349q/EJVOe4JOInZ4DbErAGCW9U55vmPB4jf/u72oRTOqXRF2P3wF1cqguF6LhKTWqyK1xVj0bebVYAPWLwcSe0gYt22TKU66xw9oP96cabTEHgzrkvCHP2SSqHD50GkLQIDAQAB"},
		BlockedByChrome: true, Bypass: "uninstall Superfish and remove its root from the trust store",
		Sources: []string{srcChromiumBlocklist + " (b6fe9151...e1b7.pem)", "https://www.eff.org/deeplinks/2015/02/how-remove-superfish-adware-your-lenovo-computer"}},
	{Name: "eDellRoot (Dell Foundation Services)", Kind: Compromised, Names: []string{`^edellroot$`},
		SPKI:            []string{"cdee9f3305572a677e1a6c82dc1e02a35b11cae6a684338c9f37fe1ac8daec23"},
		Keys:            []string{"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvdEmDW7NW4RfQfDhdYbOzqgj1b6jsdl1V0EwxVvgbNvi5mMJM2Ns/Hhvws0UvW4CtS37lVUxAOw5NjcuD9d79Q26RjZv7SWVQ7PMFhiluwVxyjifpKxO8OE2Lm36Q+jtzbdmtgE+Y67zZ4Qnpxq+z+3f277AU6RdfC9EKIcD+VbI1Y0Q+HXv5sIQ/erk34mtX7oejfNA8S/lBQlh2ZewyYPYIxCiN5BSPrwn3U/nDkEqO6sbTGOK/OFKiJ73KbtVHAsWNZJxG7D/1dXoIupPIvnGuqKIOnW5M66o2Pe7HK2z2hxuygle7GPmIRiRIzWe8u6kS/6WDL1arMgQUybWXwIDAQAB"},
		BlockedByChrome: true, Bypass: "remove eDellRoot from the trust store (Dell's removal tool, SLN300321)",
		Sources: []string{srcChromiumBlocklist + " (ec30c9c3...8f2c.pem)", "http://www.dell.com/support/article/us/en/19/SLN300321"}},
	{Name: "DSDTestProvider (Dell System Detect)", Kind: Compromised, Names: []string{`^dsdtestprovider$`},
		SPKI:            []string{"130ad4e0633521290531b6651f5759b0bc7bc656709ff8f365c2143b0389b6f6"},
		Keys:            []string{"MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA3SalggMLkx0xLH9l+DFR8nLgSOm4e7FyRkTKATBy6BhGOQRbj9TfyIPYj3QrmbohW/XoztPVogZvKf4IioUHQZmP9SMaI56COYJzAuC5d8VO7OOUbBo3ef2CcZQisHgX3VScAVJx0vVKK6aZyjWPnsQoqO/9thrlUKSBN/CW7PdAtzZDv2bpLxvXvKIGTj1W62hkXVHs5I+IudEoppySpISNqJ+9wBk97eSeApXl0L1Y3Oqcfj75tJZm1O09le8fBgoQMeLHQOLpaLapvz3hs1cnLCqpHtKJvVdmP/MVdl+F1ISnJwhP0zLRCXqvylhXf20GMb0eDxRwTeeDyN7od7VUFZ124BiIT5lOT4jnhsblceFCSVPap4ABL3408mV4KZ+eFiBvrCHnexYTTAbo60ZOJIn5MsSf0ChFPRy2s8tESSYNtdet069UzdjsqOFbOZ5Lbxwba4GKObKmfLpmtbCCcGbnevca9fw1xkaXEAmzfslCjcS0raT/6C9pPJwITNlIgXqb125vRlLcQtyYmwWSw54eOmqwwJEM7MdoBzN/diJX7j7boX48lQRKb7m3ZjLIv/nSYlSWks67RMm7T1mlo/UpNSi0xJ0gHso9zTROuiTH3LmJKdSZ/FcYSZ+BcERQA13UpAimVD+aO9dfeZdW1HbgXzt4/jVQDAzGeOMCAwEAAQ=="},
		BlockedByChrome: true, Bypass: "remove DSDTestProvider from the trust store (Dell's removal tool, SLN300321)",
		Sources: []string{srcChromiumBlocklist + " (0f912fd7...1554.pem)"}},
	{Name: "Cyberoam DPI devices (shared default key)", Kind: Compromised,
		SPKI: []string{"1af56c98ff043ef92bebff54cebb4dd67a25ba956c817f3e6dd3c1e52eb584c1"}, BlockedByChrome: true,
		Bypass:  "give the appliance its own CA key, then exempt this host from inspection",
		Sources: []string{srcChromiumBlocklist + " (1af56c98...84c1.key)", "https://blog.torproject.org/blog/security-vulnerability-found-cyberoam-dpi-devices-cve-2012-3372"}},
	{Name: "Trustwave enterprise MITM subordinate", Kind: Compromised,
		SPKI: []string{"32ecc96f912f96d889e73088cd031c7ded2c651c805016157a23b6f32f798a3b"}, BlockedByChrome: true,
		Sources: []string{srcChromiumBlocklist + " (32ecc96f...8a3b.key)", "https://bugzilla.mozilla.org/show_bug.cgi?id=724929"}},
	{Name: "Kazakhstan national interception CA (Qaznet)", Kind: Compromised,
		SPKI: []string{"b5ba8dd7f89564c2889d3d6453c84998c77824919b64ea0835aa62986591be50", "8e12d0cb3b7df3ea2257579489fd8658c95603ea6cf4b73163a41eb7b7e93fee",
			"b13fa2e6131a888a01f3d62056fb0efbe999eb6b6e14927613e02ba8b8fb046e"}, BlockedByChrome: true,
		Sources: []string{srcChromiumBlocklist + " (00309c73..., 61c0fc2e..., 1df696f0...; the last two are in kKnownInterceptionList)", "https://security.googleblog.com/2019/08/protecting-chrome-users-in-kazakhstan.html"}},
	{Name: "Sennheiser HeadSetup (private key disclosed)", Kind: Compromised,
		SPKI:            []string{"0c43ea8bcde9fc3bca165664ac8215567e3489d5393a0c81e1a79141992e1953", "8f591f7aa4dc3efe9490c38a4692c9011ed128f1de595569406d77b6fa1f6b4c"},
		BlockedByChrome: true, Bypass: "update HeadSetup (it removes its root) or remove the root from the trust store",
		Sources: []string{srcChromiumBlocklist + " (91e5cc32..., ddd8ab91...)"}},
	{Name: "Mitel (extractable private keys)", Kind: Compromised,
		SPKI: []string{"707d364e72ae521431dd953897f9c4846d5b8c324298fe53fbd4ada1f2d1157f", "6adb8e3e055460922d1501cb97f94c6a02e39c8f2774ca408825b7b58379dc14",
			"490b6ec6beb2d6034720b5149b6b29cd35515988cc16af854148b07b9b1f8a11", "ef551284715232de92e246c323329362b132493bb16b589e4775520beb871a56"},
		BlockedByChrome: true,
		Sources:         []string{srcChromiumBlocklist + " (2a33f5b4..., 2d11e736..., 3ab0fcc7..., 60911c79...)", "https://www.mitel.com/support/security-advisories/mitel-product-security-advisory-17-0001"}},
	{Name: "Hacking Team", Kind: Compromised,
		SPKI:            []string{"c4387d45364a313fbfe79812b35b815d42852ab03b06f11589638021c8f2cb44", "ea08c8d45d52ca593de524f0513ca6418da9859f7b08ef13ff9dd7bf612d6a37"},
		BlockedByChrome: true,
		Sources:         []string{srcChromiumBlocklist + " (c4387d45...cb44.key, ea08c8d4...6a37.key)"}},
}

func init() {
	for i := range catalog {
		for _, n := range catalog[i].Names {
			catalog[i].names = append(catalog[i].names, regexp.MustCompile("(?i)"+n))
		}
	}
}

// Products returns the catalog (copies).
func Products() []Product {
	out := make([]Product, len(catalog))
	copy(out, catalog)
	return out
}
