package diagnose

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/intercept"
)

// interception is what the evidence says about a middlebox re-signing the
// server's chain.
type interception struct {
	matches  []intercept.Match
	proved   bool     // an observation decides: chains differ, a CA minted for an invented name, a catalogued key
	seen     []string // the observations, for the evidence
	issuer   string   // the name of the CA that re-signs
	notHere  bool     // the direct chain is the same: the proxy does not re-sign this host
	directOK bool     // a direct chain was captured
}

// interceptionOf gathers the signs of interception for the address.
func (c *ctx) interceptionOf(a *evidence.Address, rep *chain.Report) *interception {
	leaf := rep.Path[0]
	in := &interception{issuer: leaf.Issuer.CommonName}
	if in.issuer == "" {
		in.issuer = leaf.Issuer.String()
	}
	certs := append([]*x509.Certificate{}, rep.Path...)
	for _, s := range rep.Served {
		if !slices.ContainsFunc(certs, func(c *x509.Certificate) bool { return bytes.Equal(c.Raw, s.Raw) }) {
			certs = append(certs, s)
		}
	}
	in.matches = intercept.MatchChain(certs)
	// The catalog's word comes after what was observed: a name proves
	// nothing, a key does.
	defer func() {
		for _, m := range in.matches {
			if m.Proved() {
				in.proved = true
			}
			in.seen = append(in.seen, fmt.Sprintf("%s (%s): %s", m.Product.Name, m.Product.Kind, m.Detail))
		}
	}()
	// Through a proxy: the same name's chain, directly.
	if p := c.run.Proxy; p != nil && p.Used && c.run.Direct != nil {
		d := c.run.Direct
		switch {
		case d.Handshake != nil && len(d.Handshake.Certificates) > 0:
			in.directOK = true
			direct, err := x509.ParseCertificate(d.Handshake.Certificates[0])
			switch {
			case err != nil:
			case bytes.Equal(direct.Raw, leaf.Raw):
				in.notHere = true
			case !sameIssuer(direct, leaf):
				in.proved = true
				in.seen = append(in.seen, fmt.Sprintf("through the proxy %s the leaf for %q is issued by %q; connecting directly to %s it is issued by %q: the proxy re-signs the chain",
					p.URL, c.run.Target.ServerName, leaf.Issuer.String(), d.Addr, direct.Issuer.String()))
			default:
				in.seen = append(in.seen, fmt.Sprintf("directly (%s) the server sends another leaf from the same issuer %q: not a sign of interception", d.Addr, direct.Issuer.String()))
			}
		case d.Handshake != nil && d.Handshake.Err != nil:
			in.seen = append(in.seen, fmt.Sprintf("the direct connection to %s failed (%s), so the chains could not be compared", firstNonEmpty(d.Addr, c.run.Target.Host), d.Handshake.Err.Message))
		case d.DNS != nil && d.DNS.Err != nil:
			in.seen = append(in.seen, fmt.Sprintf("%s does not resolve here without the proxy (%s), so the chains could not be compared", c.run.Target.Host, d.DNS.Err.Message))
		}
	}
	// A certificate for a name made up for this check.
	if inv := a.Invented; inv != nil && len(inv.Certificates) > 0 && inv.SNI != "" {
		if minted, err := x509.ParseCertificate(inv.Certificates[0]); err == nil && minted.VerifyHostname(inv.SNI) == nil {
			line := fmt.Sprintf("asked for the invented name %s, the server returned a certificate for exactly that name, issued by %q: that CA signs for any name, which no public CA does",
				inv.SNI, minted.Issuer.String())
			if bytes.Equal(minted.RawIssuer, leaf.RawIssuer) {
				in.proved = true
			} else {
				line += fmt.Sprintf(" (the chain for %s comes from %q)", c.run.Target.ServerName, leaf.Issuer.String())
			}
			in.seen = append(in.seen, line)
		}
	}
	if age := c.run.Started.Sub(leaf.NotBefore); age >= 0 && age < time.Hour && (in.proved || len(in.matches) > 0 || len(in.seen) > 0) {
		in.seen = append(in.seen, fmt.Sprintf("the leaf was issued %s before the check, as inspection products mint them on the fly", chain.Age(age)))
	}
	return in
}

func sameIssuer(a, b *x509.Certificate) bool {
	if len(a.AuthorityKeyId) > 0 && len(b.AuthorityKeyId) > 0 {
		return bytes.Equal(a.AuthorityKeyId, b.AuthorityKeyId)
	}
	return bytes.Equal(a.RawIssuer, b.RawIssuer)
}

// intercepted decides INTERCEPTED when the chain fails for this client
// because a middlebox re-signs it (instead of CHAIN_INCOMPLETE or
// UNTRUSTED_ROOT, whose fixes would not help), and adds a finding when the
// client trusts the inspection CA. It reports whether it decided the cause.
func (c *ctx) intercepted(a *evidence.Address, r *AddressResult, rep *chain.Report) bool {
	in := c.interceptionOf(a, rep)
	if in.notHere {
		r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("the proxy %s passes this host's TLS through: the chain is the same directly", c.run.Proxy.URL)})
		return false
	}
	if !in.proved && len(in.matches) == 0 {
		return false
	}
	var product *intercept.Product
	if len(in.matches) > 0 {
		product = &in.matches[0].Product
	}
	trustFailure := false
	if len(rep.Problems) > 0 {
		switch rep.Problems[0].Code {
		case cause.ChainIncomplete, cause.UntrustedRoot, cause.SelfSigned:
			trustFailure = true
		}
	}
	blocked := product != nil && product.BlockedByChrome && c.p.ID == "chrome"
	who := "a CA that is not the server's"
	if product != nil {
		who = fmt.Sprintf("%s (%s)", product.Name, product.Kind)
	}
	if !c.p.Verifies() || (!trustFailure && !blocked) {
		msg := fmt.Sprintf("the chain is re-signed by %s, issuer %q", who, in.issuer)
		switch {
		case !c.p.Verifies():
			msg += "; this client verifies nothing, so it connects"
		case rep.Trusted:
			msg += "; this client trusts that CA (installed on purpose?), so it connects; clients with their own trust store (Java's cacerts, Node's bundle, Python's certifi) will not"
		}
		if product != nil && product.Kind == intercept.Compromised {
			msg += "; its private key is public: anyone can impersonate any site to a client that trusts it — remove it from the trust store"
		}
		if !in.proved {
			msg += " (inferred from the name)"
		}
		r.Findings = append(r.Findings, Finding{Code: cause.Intercepted, Message: msg})
		return false
	}
	summary := fmt.Sprintf("the chain is issued by %s, not by the server's own CA: TLS is intercepted between this client and %s", who, c.run.Target.ServerName)
	if product == nil {
		summary = fmt.Sprintf("the chain is re-signed by %q, a CA that mints certificates for any name: TLS is intercepted between this client and %s", in.issuer, c.run.Target.ServerName)
	}
	ev := append([]string{}, in.seen...)
	ev = append(ev, "leaf: "+certLine(rep.Path[0]))
	if trustFailure {
		ev = append(ev, fmt.Sprintf("this client does not trust that CA (%s): it fails as %s would", c.trustText(), rep.Problems[0].Code))
	}
	if blocked {
		ev = append(ev, "Chromium blocks this key whatever the trust store says (net/data/ssl/blocklist)")
	}
	if in.proved {
		r.decide(ruleInterceptProved, summary, ev...)
	} else {
		r.decide(ruleInterceptNamed, summary, ev...)
		if len(rep.Problems) > 0 {
			r.Alternatives = []Alternative{{Cause: rep.Problems[0].Code, When: "the CA is the server's own, and only carries a name like an inspection product's"}}
		}
	}
	r.Fix = c.interceptionFix(product, rep)
	switch root := inspectionCA(rep); {
	case product != nil && product.Kind == intercept.Compromised:
	case root != nil:
		r.Artifacts = []Artifact{{Name: "ca.pem", Description: fmt.Sprintf("the inspection CA %q, to trust deliberately", chain.Name(root)), Data: pemOf(root)}}
		r.Fix = append(r.Fix, "--write-fix DIR writes ca.pem: the inspection CA, to trust deliberately")
	default:
		where := "ask the proxy's administrators for it"
		if product != nil && product.GetCA != "" {
			where = product.GetCA
		}
		r.Fix = append(r.Fix, fmt.Sprintf("the inspection CA %q is not sent with the chain: %s", rep.Path[len(rep.Path)-1].Issuer.String(), where))
	}
	return true
}

// inspectionCA is the highest CA certificate of the re-signed chain.
func inspectionCA(rep *chain.Report) *x509.Certificate {
	if root := rep.Root(); root != nil {
		return root
	}
	if top := rep.Path[len(rep.Path)-1]; top.IsCA {
		return top
	}
	return nil
}

func (c *ctx) interceptionFix(product *intercept.Product, rep *chain.Report) []string {
	host := c.run.Target.ServerName
	if product != nil && product.Kind == intercept.Compromised {
		return []string{fmt.Sprintf("remove %q from this machine's trust store and find what installed it: its private key is public, so trusting it lets anyone impersonate any site (%s)", product.Name, product.Bypass),
			"then check again: a genuine chain for " + host + " will show"}
	}
	var fix []string
	switch {
	case product != nil && product.Kind == intercept.Debugging:
		fix = append(fix, fmt.Sprintf("a debugging proxy is in the path: %s; trust its CA only on a test machine", product.Bypass))
	case product != nil:
		fix = append(fix, fmt.Sprintf("exempt %s from inspection: %s (the fix for a back end or mutual TLS, which inspection breaks)", host, product.Bypass))
	default:
		fix = append(fix, fmt.Sprintf("exempt %s from TLS inspection on the proxy or firewall that re-signs it (the fix for a back end or mutual TLS, which inspection breaks)", host))
	}
	fix = append(fix, "or trust the inspection CA deliberately in this client: "+trustHow(c.p.ID))
	fix = append(fix, "other tools on the same machine each have their own store: JVM: keytool -importcert -cacerts -alias inspection-ca -file ca.pem; Node: NODE_EXTRA_CA_CERTS=ca.pem; Python requests: REQUESTS_CA_BUNDLE=bundle.pem (certifi's bundle plus ca.pem); pip: pip config set global.cert bundle.pem; npm: npm config set cafile ca.pem; git: git config --global http.sslCAInfo bundle.pem")
	return fix
}

// trustHow says how this client is made to trust a CA.
func trustHow(id string) string {
	switch {
	case strings.HasPrefix(id, "java-"):
		return "import it into the JVM's cacerts: keytool -importcert -cacerts -storepass changeit -alias inspection-ca -file ca.pem (JDK 8: -keystore $JAVA_HOME/jre/lib/security/cacerts), or -Djavax.net.ssl.trustStore"
	case id == "node":
		return "NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment of the node process"
	case id == "python-requests":
		return "REQUESTS_CA_BUNDLE=/path/to/bundle.pem, a copy of certifi's bundle (python -m certifi) with ca.pem appended"
	case id == "curl-windows" || id == "dotnet":
		return "add it to the Windows root store (certutil -addstore Root ca.pem), or on Linux to the system store (update-ca-certificates)"
	case id == "firefox":
		return "Settings > Privacy & Security > Certificates > Import, or security.enterprise_roots.enabled to use the OS store"
	case id == "chrome" || id == "safari":
		return "add it to the operating system's trust store (Chrome and Safari use it)"
	case id == "nginx-proxy-verify":
		return "add it to the file named by proxy_ssl_trusted_certificate"
	case id == "haproxy":
		return "add it to the server line's ca-file"
	case strings.HasPrefix(id, "aws-apigw"):
		return "not possible: API Gateway trusts only its list of public CAs, so the back end must not be inspected"
	case id == "oci-apigw":
		return "add it as a CA bundle resource to the API's back end"
	case id == "azure-appgw-v2":
		return "upload it as the trusted root certificate of the back-end setting"
	case strings.HasPrefix(id, "android"):
		return "a network_security_config that trusts it (user CAs are ignored from Android 7)"
	}
	return "add it to the system store (Debian: cp ca.pem /usr/local/share/ca-certificates/inspection-ca.crt && update-ca-certificates; curl alone: --cacert)"
}
