package diagnose

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// afterHello judges an address whose server accepted the profile's hello.
func (c *ctx) afterHello(a *evidence.Address, r *AddressResult) {
	h, hs := a.Hello, a.Handshake
	if sh := h.ServerHello; sh != nil {
		r.Negotiated = &Negotiated{Version: wire.VersionName(sh.NegotiatedVersion()), CipherSuite: wire.SuiteName(sh.CipherSuite)}
	}
	if hs != nil && hs.OK {
		r.Negotiated = &Negotiated{Version: wire.VersionName(hs.Version), CipherSuite: wire.SuiteName(hs.CipherSuite), ALPN: hs.ALPN}
	}
	certs, parseErr := c.servedCerts(a)
	var rep *chain.Report
	if len(certs) > 0 {
		rep = chain.Verify(certs, chain.Options{
			Roots: c.rootsOrEmpty(), Extra: c.aia, RootCerts: c.rootCertsFn(), At: c.at, Host: c.hostToCheck(),
			CNFallback: c.p.CNFallback, RejectSHA1: c.p.RejectSHA1,
			MinRSABits: c.p.MinRSABits, MinECBits: c.p.MinECBits, MaxValidity: c.p.MaxValidity,
		})
		r.Certificates = summarize(rep, c.aia)
		for _, f := range rep.Findings {
			r.Findings = append(r.Findings, Finding{Code: nonOK(f.Code), Message: f.Detail})
		}
	}
	certRequested := hs != nil && hs.CertificateRequested || h.CertificateRequest != nil

	if parseErr != nil && len(certs) == 0 {
		r.Cause = cause.CertInvalid
		r.Summary = "the server's certificate cannot be parsed"
		r.Evidence = []string{parseErr.Error()}
		r.Fix = []string{"reissue the certificate; it is malformed"}
		return
	}
	// Handshake-level failures come first: they stop every client.
	if hs != nil && !hs.OK {
		if c.handshakeFailed(a, r, certs, certRequested) {
			return
		}
	}
	if certRequested && (hs != nil && hs.PostHandshakeAlert != nil || a.HTTP != nil && a.HTTP.Outcome == "alert" || httpRefusal(a) != "") {
		alert := hs.PostHandshakeAlert
		if alert == nil {
			alert = a.HTTP.Alert
		}
		c.clientCert(a, r, alert)
		return
	}
	if parseErr != nil {
		r.Cause = cause.CertInvalid
		r.Summary = "the server's certificate cannot be parsed"
		r.Evidence = []string{parseErr.Error()}
		r.Fix = []string{"reissue the certificate; it is malformed"}
		return
	}
	if ske := h.ServerKeyExchange; ske != nil && ske.DHPBits > 0 && c.p.MinDHBits > 0 && ske.DHPBits < c.p.MinDHBits {
		r.Cause = cause.WeakKey
		r.Summary = fmt.Sprintf("the server's DHE group is %d bits; this client requires at least %d", ske.DHPBits, c.p.MinDHBits)
		r.Evidence = []string{fmt.Sprintf("ServerHello %s; ServerKeyExchange with a %d-bit DH prime", describeAccept(h), ske.DHPBits)}
		r.Fix = []string{"configure a DH group of 2048 bits or more (nginx: ssl_dhparam with a 2048-bit file; or prefer ECDHE suites)"}
		return
	}
	if rep != nil {
		if c.intercepted(a, r, rep) || c.certificate(a, r, rep) || c.revocation(a, r, rep) {
			return
		}
	}
	c.sniFindings(a, r, certs)
	c.httpResult(a, r)
	if r.Cause == cause.OK && len(certs) == 0 && c.p.Verifies() {
		r.Confidence = "inferred"
		r.Summary = "the server accepts this client's handshake, but its certificate could not be read (TLS 1.3 with parameters Go's crypto/tls cannot use), so the certificate was not judged"
	}
	c.clientCertFindings(a, r, certRequested)
}

func nonOK(c cause.Code) cause.Code {
	if c == cause.OK {
		return ""
	}
	return c
}

func (c *ctx) rootsOrEmpty() *x509.CertPool {
	roots, all := c.rootsFn()
	if roots == nil {
		return all // verification off: judge as a verifying client would, for findings
	}
	return roots
}

func (c *ctx) hostToCheck() string {
	if !c.p.ChecksHostname && c.p.Verifies() {
		return ""
	}
	return c.run.Target.ServerName
}

// servedCerts returns the chain the server sent to the profile's hello.
func (c *ctx) servedCerts(a *evidence.Address) ([]*x509.Certificate, error) {
	var raw [][]byte
	switch {
	case a.Handshake != nil && len(a.Handshake.Certificates) > 0:
		raw = a.Handshake.Certificates
	case a.Hello != nil && len(a.Hello.Certificates) > 0:
		raw = a.Hello.Certificates
	default:
		for _, v := range a.Variants {
			if v.Name == "tls1.2-certs" && len(v.Certificates) > 0 {
				raw = v.Certificates
			}
		}
	}
	var out []*x509.Certificate
	var firstErr error
	for i, der := range raw {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("certificate %d of %d does not parse: %v", i+1, len(raw), err)
			}
			if i == 0 {
				return nil, firstErr
			}
			continue
		}
		out = append(out, cert)
	}
	return out, firstErr
}

// handshakeFailed explains a crypto/tls handshake that failed after the
// server accepted the hello. It reports whether it decided the cause.
func (c *ctx) handshakeFailed(a *evidence.Address, r *AddressResult, certs []*x509.Certificate, certRequested bool) bool {
	hs := a.Handshake
	e := hs.Err
	switch {
	case certRequested && (hs.Alert != nil || e.Kind == "eof" || e.Kind == "reset"):
		c.clientCert(a, r, hs.Alert)
		return true
	case e.Kind == "local" && len(certs) > 0:
		return c.keyMismatch(a, r, certs)
	case e.Kind == "too_large":
		r.Cause = cause.CertInvalid
		r.Summary = "the server's certificate message is larger than clients accept"
		r.Evidence = []string{e.Message}
		r.Fix = []string{"serve only the leaf and its intermediates"}
		return true
	case hs.Alert != nil && negotiationAlert(hs.Alert.Description) && a.Hello.Accepted():
		// The server accepted the profile's own hello; it refused what Go's
		// crypto/tls offers instead. That is the probe's limit, not the server's.
		r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("tlsdoctor's full handshake (Go crypto/tls) was refused with %s although the server accepts this client's offer; the certificate was read from a TLS 1.2 hello instead", hs.Alert)})
		if len(certs) == 0 {
			r.Confidence = "inferred"
			r.Findings = append(r.Findings, Finding{Message: "the certificate could not be captured, so it was not judged"})
		}
		return false
	case hs.Alert != nil:
		r.Cause = cause.ServerAlert
		r.Summary = fmt.Sprintf("the server accepts the ClientHello, then ends the handshake with the alert %s", hs.Alert)
		r.Evidence = []string{"full handshake: " + e.Message}
		r.Fix = []string{fmt.Sprintf("look in the server's log for why it sends %s", hs.Alert.Name())}
		return true
	case e.Kind == "reset":
		r.Cause = cause.ResetDuringHandshake
		r.Summary = "the connection is reset in the middle of the handshake, with no TLS alert"
		r.Evidence = []string{"the server answered the ClientHello, then: " + e.Message}
		return true
	case e.Kind == "eof":
		r.Cause = cause.ClosedDuringHandshake
		r.Summary = "the server closes the connection in the middle of the handshake, with no TLS alert"
		r.Evidence = []string{"the server answered the ClientHello, then: " + e.Message}
		return true
	case e.Kind == "timeout":
		r.Cause = cause.HandshakeTimeout
		r.Summary = "the server answered the ClientHello, then stalled in the middle of the handshake"
		r.Evidence = []string{e.Message}
		return true
	}
	if len(certs) == 0 {
		// No alert, no network error, no certificate: the client gave up on
		// what the server sent (a message too large, out of order, or a
		// parameter it never offered).
		r.Cause = cause.NotTLS
		r.Summary = "the server accepts the ClientHello, then sends handshake messages a client cannot accept"
		r.Evidence = []string{"ServerHello: " + describeAccept(a.Hello), "then: " + e.Message}
		r.Fix = []string{"the TLS stack or configuration of the server is broken: check its version, its certificate file and its error log"}
		return true
	}
	r.Findings = append(r.Findings, Finding{Message: "tlsdoctor's full handshake (Go crypto/tls) could not complete: " + e.Message + "; the verdict rests on the hand-built hello and the certificate"})
	return false
}

// negotiationAlert reports whether an alert refuses an offer (rather than
// the client or its certificate).
func negotiationAlert(d uint8) bool {
	return d == wire.AlertHandshakeFailure || d == wire.AlertProtocolVersion || d == wire.AlertInsufficientSecurity
}

// keyMismatch proves KEY_MISMATCH from a TLS 1.2 ServerKeyExchange signed
// with a key other than the certificate's.
func (c *ctx) keyMismatch(a *evidence.Address, r *AddressResult, certs []*x509.Certificate) bool {
	leaf := certs[0]
	hellos := append([]evidence.Hello{*a.Hello}, a.Variants...)
	for _, h := range hellos {
		if h.ServerKeyExchange == nil || h.ServerHello == nil || len(h.Certificates) == 0 {
			continue
		}
		hl, err := x509.ParseCertificate(h.Certificates[0])
		if err != nil {
			continue
		}
		err = wire.VerifyServerKeyExchange(hl.PublicKey, h.ServerHello.NegotiatedVersion(), h.ClientRandom, h.ServerHello.Random, h.ServerKeyExchange)
		if errors.Is(err, wire.ErrBadSignature) {
			r.Cause = cause.KeyMismatch
			r.Summary = fmt.Sprintf("the server's private key does not match its certificate %q", chain.Name(hl))
			r.Evidence = []string{
				fmt.Sprintf("the %s ServerKeyExchange signature (%s) does not verify with the public key of the certificate the server sent", wire.VersionName(h.ServerHello.NegotiatedVersion()), wire.SignatureName(h.ServerKeyExchange.SigAlg)),
				"certificate: " + certLine(hl),
				"Go's crypto/tls refused the handshake the same way: " + a.Handshake.Err.Message,
			}
			r.Fix = []string{"deploy the private key that belongs to this certificate (compare: openssl x509 -noout -pubkey -in cert.pem | sha256sum and openssl pkey -pubout -in key.pem | sha256sum)",
				"AWS API Gateway logs this as: Cannot verify ECDH ServerKeyExchange signature"}
			return true
		}
	}
	r.Cause = cause.KeyMismatch
	r.Confidence = "inferred"
	r.Summary = fmt.Sprintf("the client rejects the server's handshake signature after receiving the certificate %q: the key likely does not match", chain.Name(leaf))
	r.Evidence = []string{"Go's crypto/tls, having received the certificate, refused the handshake with no alert from the server: " + a.Handshake.Err.Message,
		"no TLS 1.2 ServerKeyExchange was available to check the signature directly"}
	r.Fix = []string{"deploy the private key that belongs to this certificate"}
	return true
}

func (c *ctx) clientCert(a *evidence.Address, r *AddressResult, alert *wire.Alert) {
	hs := a.Handshake
	if hs != nil && hs.ClientCertSent {
		c.clientCertRejected(a, r, alert)
		return
	}
	defer noteHTTPRefusal(a, r)
	r.Cause = cause.ClientCertRequired
	r.Summary = "the server requires a client certificate (mutual TLS), and the client presents none"
	var cas [][]byte
	if hs != nil {
		cas = hs.AcceptableCAs
	}
	if len(cas) == 0 && a.Hello.CertificateRequest != nil {
		cas = a.Hello.CertificateRequest.AcceptableCAs
	}
	r.Evidence = []string{"the server sent a CertificateRequest"}
	if alert != nil {
		r.Evidence = append(r.Evidence, "after the client sent no certificate, the server answered with the alert "+alert.String())
	} else if hs != nil && hs.Err != nil {
		r.Evidence = append(r.Evidence, "after the client sent no certificate: "+hs.Err.Message)
	}
	var names []string
	for _, der := range cas {
		var n pkix.RDNSequence
		if _, err := asn1.Unmarshal(der, &n); err == nil {
			var nm pkix.Name
			nm.FillFromRDNSequence(&n)
			names = append(names, nm.String())
		}
	}
	if len(names) > 0 {
		r.Evidence = append(r.Evidence, "acceptable client-certificate CAs: "+strings.Join(names, "; "))
	} else {
		r.Evidence = append(r.Evidence, "the server names no acceptable CA")
	}
	r.Fix = []string{"configure the client with a certificate issued by one of the CAs above (nginx: proxy_ssl_certificate and proxy_ssl_certificate_key; OCI/AWS: mutual-TLS settings on the back-end)",
		"or, if mutual TLS is not wanted on this listener, set client authentication to optional or off"}
}

// certificate applies the chain verdict. It reports whether the cause is decided.
func (c *ctx) certificate(a *evidence.Address, r *AddressResult, rep *chain.Report) bool {
	problems := rep.Problems
	if c.p.FetchesAIA {
		// This client completes the chain itself.
		var keep []chain.Problem
		for _, p := range problems {
			if p.Code == cause.ChainIncomplete && rep.Trusted {
				r.Findings = append(r.Findings, Finding{Code: cause.ChainIncomplete, Message: p.Detail + "; this client fetches it, most others fail"})
				continue
			}
			keep = append(keep, p)
		}
		problems = keep
	}
	if len(problems) == 0 {
		return false
	}
	if !c.p.Verifies() {
		for _, p := range problems {
			r.Findings = append(r.Findings, Finding{Code: p.Code, Message: "accepted only because this client does not verify certificates: " + p.Detail})
		}
		return false
	}
	primary := problems[0]
	// A name mismatch seen without SNI, cured by sending SNI, is SNI_REQUIRED.
	if (primary.Code == cause.HostnameMismatch || primary.Code == cause.CNWithoutSAN) && c.run.Target.SNI == "" && c.sniCures(a) {
		c.sniRequiredByCert(a, r, rep)
		return true
	}
	r.Cause = primary.Code
	if rep.Inferred {
		r.Confidence = "inferred"
	}
	r.Summary = primary.Detail
	leaf := rep.Path[0]
	r.Evidence = []string{fmt.Sprintf("the server sent %s; judged at %s against %s", plural(len(rep.Served), "certificate"), c.at.UTC().Format(time.RFC3339), c.trustText())}
	r.Evidence = append(r.Evidence, "leaf: "+certLine(leaf))
	if primary.Cert > 0 && primary.Cert < len(rep.Path) {
		r.Evidence = append(r.Evidence, chain.Role(rep.Path, primary.Cert)+": "+certLine(rep.Path[primary.Cert]))
	}
	if rep.MissingIssuer != "" {
		r.Evidence = append(r.Evidence, fmt.Sprintf("no certificate named %q was sent, fetched or found in the trust store", rep.MissingIssuer))
	}
	for i, e := range rep.FromExtra {
		if e {
			r.Evidence = append(r.Evidence, fmt.Sprintf("the AIA URL of %q serves %q, and with it the chain reaches a trusted root", chain.Name(rep.Path[i-1]), chain.Name(rep.Path[i])))
		}
	}
	for _, p := range problems[1:] {
		r.Findings = append(r.Findings, Finding{Code: p.Code, Message: "also: " + p.Detail})
	}
	r.Fix = c.certFix(primary, rep)
	r.Artifacts = c.certArtifacts(primary.Code, rep)
	for _, f := range r.Artifacts {
		r.Fix = append(r.Fix, "--write-fix DIR writes "+f.Name+": "+f.Description)
	}
	return true
}

func (c *ctx) certFix(p chain.Problem, rep *chain.Report) []string {
	leaf := rep.Path[0]
	switch p.Code {
	case cause.ChainIncomplete:
		fix := []string{"serve the full chain: the leaf followed by every intermediate (nginx: ssl_certificate fullchain.pem; Apache: SSLCertificateFile with the chain appended; AWS ACM/ALB and OCI: upload the certificate chain)"}
		for i, fromAIA := range rep.FromExtra {
			if fromAIA {
				fix = append(fix, fmt.Sprintf("the missing intermediate is %q (tlsdoctor fetched it from the AIA URL)", chain.Name(rep.Path[i])))
				break
			}
		}
		if rep.MissingIssuer != "" {
			fix = append(fix, fmt.Sprintf("the missing issuer is %q: download it from your CA and append it to the certificate file", rep.MissingIssuer))
		}
		return fix
	case cause.UntrustedRoot:
		root := rep.Root()
		name := rep.MissingIssuer
		if root != nil {
			name = chain.Name(root)
		}
		return []string{fmt.Sprintf("add the CA %q to the client's trust store: OCI API Gateway: a CA bundle resource on the API's back end; AWS API Gateway: a certificate from a supported CA (REST APIs do not accept private CAs); nginx: proxy_ssl_trusted_certificate; Java: keytool -importcert into the truststore", name),
			"or use a certificate from a publicly trusted CA"}
	case cause.SelfSigned:
		return []string{"replace the self-signed certificate with one issued by a CA the client trusts",
			"or trust this exact certificate on the client"}
	case cause.CertExpired:
		return []string{fmt.Sprintf("renew the certificate %q and deploy it (then reload the server); fix the renewal job so it does not happen again", chain.Name(rep.Path[max(p.Cert, 0)]))}
	case cause.CertNotYetValid:
		return []string{"check the client's clock (NTP): a clock behind by more than the certificate's age makes it not yet valid",
			"if the clock is right, the certificate was issued with a future notBefore: reissue it"}
	case cause.HostnameMismatch:
		fix := []string{fmt.Sprintf("issue a certificate whose subjectAltName covers %q (it now covers %s)", c.run.Target.ServerName, chain.Names(leaf)),
			"or point the client at a name the certificate covers (AWS VPC link: the integration URI's host must be on the certificate, not the NLB's name)"}
		if c.run.Target.IsIP && c.run.Target.ServerName == c.run.Target.Host {
			fix = append(fix, "the client connects by IP address: clients check an IP against IP SANs only; to check as a client that uses the name, run with --servername NAME")
		}
		return fix
	case cause.CNWithoutSAN:
		return []string{fmt.Sprintf("reissue the certificate with subjectAltName DNS:%s (a CN alone is ignored by Go, Chrome, Firefox, Apple and Python)", c.run.Target.ServerName)}
	case cause.WeakSignature:
		return []string{"reissue the certificate (or intermediate) signed with SHA-256 or better"}
	case cause.WeakKey:
		return []string{"reissue with an RSA key of 2048 bits or more, or an ECDSA P-256 key"}
	case cause.BadKeyUsage:
		return []string{"reissue with extendedKeyUsage serverAuth and keyUsage digitalSignature (plus keyEncipherment for RSA)"}
	case cause.CertInvalid:
		return []string{"reissue the certificate as an end-entity certificate (basicConstraints CA:FALSE) with serverAuth usage"}
	}
	return []string{p.Code.Info().Fix}
}

func (c *ctx) certArtifacts(code cause.Code, rep *chain.Report) []Artifact {
	switch code {
	case cause.ChainIncomplete:
		for _, e := range rep.FromExtra {
			if e {
				return []Artifact{{Name: "fullchain.pem", Description: "the leaf and its intermediates, in order: serve this as the certificate chain", Data: pemOf(rep.FullChain()...)}}
			}
		}
	case cause.UntrustedRoot:
		if root := rep.Root(); root != nil {
			return []Artifact{{Name: "ca.pem", Description: fmt.Sprintf("the root CA %q: add it to the client's / gateway's trust store", chain.Name(root)), Data: pemOf(root)}}
		}
		top := rep.Path[len(rep.Path)-1]
		if top.IsCA {
			return []Artifact{{Name: "ca.pem", Description: fmt.Sprintf("the issuing CA %q, the highest the server sends; its root %q is what the trust store should hold: obtain it from the CA's owner", chain.Name(top), top.Issuer.String()), Data: pemOf(top)}}
		}
	case cause.SelfSigned:
		return []Artifact{{Name: "ca.pem", Description: "the self-signed certificate, to trust explicitly", Data: pemOf(rep.Path[0])}}
	}
	return nil
}

// sniCures reports whether the handshake with SNI got a certificate that
// covers the name.
func (c *ctx) sniCures(a *evidence.Address) bool {
	alt := a.AltHandshake
	if alt == nil || alt.SNI == "" || len(alt.Certificates) == 0 {
		return false
	}
	leaf, err := x509.ParseCertificate(alt.Certificates[0])
	return err == nil && leaf.VerifyHostname(c.run.Target.ServerName) == nil
}

func (c *ctx) sniRequiredByCert(a *evidence.Address, r *AddressResult, rep *chain.Report) {
	alt, _ := x509.ParseCertificate(a.AltHandshake.Certificates[0])
	r.Cause = cause.SNIRequired
	r.Summary = fmt.Sprintf("without SNI the server presents a default certificate that does not cover %q; with SNI it presents the right one", c.run.Target.ServerName)
	r.Evidence = []string{
		"without SNI: " + certLine(rep.Path[0]),
		fmt.Sprintf("with SNI %q: %s", a.AltHandshake.SNI, certLine(alt)),
	}
	r.Fix = []string{fmt.Sprintf("make the client send SNI %q (nginx: proxy_ssl_server_name on; Envoy: sni / auto_sni; Java 6 cannot)", c.run.Target.ServerName),
		"or make the listener's default certificate (the one served without SNI) cover the name"}
}

// sniFindings compares the certificate served with and without SNI.
func (c *ctx) sniFindings(a *evidence.Address, r *AddressResult, certs []*x509.Certificate) {
	alt := a.AltHandshake
	if alt == nil || len(certs) == 0 {
		return
	}
	withSNI := c.run.Target.SNI != ""
	how := "without SNI"
	if !withSNI {
		how = fmt.Sprintf("with SNI %q", alt.SNI)
	}
	if !alt.OK && len(alt.Certificates) == 0 {
		if withSNI {
			refusal := alt.Err.Message
			if alt.Alert != nil {
				refusal = "alert " + alt.Alert.String()
			}
			r.Findings = append(r.Findings, Finding{Code: cause.SNIRequired, Message: "without SNI the handshake fails (" + refusal + "): clients that send no SNI (nginx proxy_pass by default, Envoy without sni, Java 6, IP-addressed clients) will fail"})
		}
		return
	}
	if len(alt.Certificates) > 0 && !bytes.Equal(alt.Certificates[0], certs[0].Raw) {
		other, err := x509.ParseCertificate(alt.Certificates[0])
		if err != nil {
			return
		}
		msg := fmt.Sprintf("%s the server presents a different certificate: %s", how, certLine(other))
		code := cause.Code("")
		if withSNI && other.VerifyHostname(c.run.Target.ServerName) != nil {
			msg += "; it does not cover the name, so clients without SNI fail"
			code = cause.SNIRequired
		}
		r.Findings = append(r.Findings, Finding{Code: code, Message: msg})
	}
}

func certLine(c *x509.Certificate) string {
	return fmt.Sprintf("subject %q, issuer %q, valid %s to %s, names: %s", c.Subject.String(), c.Issuer.String(),
		c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02"), chain.Names(c))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func summarize(rep *chain.Report, aia []*x509.Certificate) []Certificate {
	var out []Certificate
	for i, c := range rep.Path {
		src := "served"
		if rep.FromExtra[i] {
			src = "aia"
		} else if !containsCert(rep.Served, c) {
			src = "trust store"
		}
		bits, kind := chain.KeySize(c)
		sum := sha256.Sum256(c.Raw)
		var names []string
		names = append(names, c.DNSNames...)
		for _, ip := range c.IPAddresses {
			names = append(names, ip.String())
		}
		out = append(out, Certificate{
			Role: chain.Role(rep.Path, i), Subject: c.Subject.String(), Issuer: c.Issuer.String(),
			NotBefore: c.NotBefore.UTC().Format(time.RFC3339), NotAfter: c.NotAfter.UTC().Format(time.RFC3339),
			Names: names, Key: fmt.Sprintf("%s %d", kind, bits), Signature: c.SignatureAlgorithm.String(),
			SHA256: hex.EncodeToString(sum[:]), Source: src,
		})
	}
	return out
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if bytes.Equal(x.Raw, c.Raw) {
			return true
		}
	}
	return false
}

func pemOf(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// trustText says which trust anchors were used.
func (c *ctx) trustText() string {
	n := len(c.run.ExtraRoots)
	switch {
	case c.p.Trust == "public":
		return "this client's fixed list of public CAs (approximated by the system store; it cannot be extended)"
	case c.p.Trust == "any-root":
		return "any root CA the server sends, or a public one"
	case c.p.Trust == "bundle-only":
		return fmt.Sprintf("the client's configured CAs only (%s)", plural(n, "CA"))
	case c.run.NoSystemRoots:
		return fmt.Sprintf("the --ca-bundle CAs only (%s)", plural(n, "CA"))
	case n > 0:
		return fmt.Sprintf("the system trust store plus %s from --ca-bundle", plural(n, "CA"))
	}
	return "the system trust store"
}
