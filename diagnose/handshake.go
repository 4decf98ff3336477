package diagnose

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"slices"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/signature"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// afterHello judges an address whose server accepted the profile's hello.
func (c *ctx) afterHello(a *evidence.Address, r *AddressResult) {
	h := a.Hello
	if c.malformedHello(h, r) {
		return
	}
	hs := a.Handshake
	if hs != nil && !hs.OK && a.HandshakeRepeat != nil {
		hs = a.HandshakeRepeat // the first attempt broke off; judge the second
	}
	if sh := h.ServerHello; sh != nil && !sh.HelloRetry {
		r.Negotiated = &Negotiated{Version: wire.VersionName(sh.NegotiatedVersion()), CipherSuite: wire.SuiteName(sh.CipherSuite)}
	}
	if hs != nil && hs.OK {
		r.Negotiated = &Negotiated{Version: wire.VersionName(hs.Version), CipherSuite: wire.SuiteName(hs.CipherSuite), ALPN: hs.ALPN}
	}
	if c.renegotiation(h, r) {
		return
	}
	certs, parseErr := c.servedCerts(a)
	var rep *chain.Report
	if len(certs) > 0 {
		rep = c.verify(certs)
		r.Certificates = summarize(rep)
		for _, f := range rep.Findings {
			r.Findings = append(r.Findings, Finding{Code: nonOK(f.Code), Message: f.Detail})
		}
		for _, u := range rep.Unchecked {
			r.Findings = append(r.Findings, Finding{Message: u})
		}
	}
	certRequested := hs != nil && hs.CertificateRequested || h.CertificateRequest != nil
	if parseErr != nil && len(certs) == 0 {
		r.decide(ruleCertUnparseable, "the server's certificate cannot be parsed", parseErr.Error())
		r.Fix = []string{"reissue the certificate; it is malformed"}
		return
	}
	completed := hs != nil && hs.OK
	if hs != nil && !hs.OK && c.handshakeFailed(a, hs, r, certs, certRequested) {
		return
	}
	if certRequested {
		alert := (*wire.Alert)(nil)
		if hs != nil {
			alert = hs.PostHandshakeAlert
		}
		if alert == nil && a.HTTP != nil && a.HTTP.Outcome == "alert" {
			alert = a.HTTP.Alert
		}
		if hs != nil && hs.ClientCertSent && (alert != nil && refusesPresented(alert.Description) || httpRefusal(a) != "") {
			c.clientCertRejected(a, hs, r, alert) // a certificate was presented (--cert) and refused
			return
		}
		if alert != nil && c.clientCertAlert(a, hs, r, alert) {
			return
		}
		if c.clientCertHTTP(a, r) {
			return
		}
	}
	if parseErr != nil {
		r.decide(ruleCertUnparseable, "one of the server's certificates cannot be parsed", parseErr.Error())
		r.Fix = []string{"reissue the certificate; it is malformed"}
		return
	}
	if c.dhWeak(h, r) {
		return
	}
	if c.certTooLarge(a, certs, r) {
		return
	}
	if rep != nil && (c.intercepted(a, r, rep) || c.certificate(a, r, rep) || c.revocation(a, r, rep)) {
		return
	}
	c.sniFindings(a, r, certs)
	if !completed {
		r.decide(ruleNotCompleted, "the server accepts this client's hello, but tlsdoctor's own handshake could not complete, so it is not proved that the handshake works for this client")
		c.okEvidence(a, r)
		r.Evidence = append(r.Evidence, "tlsdoctor's full handshake: "+errMsg(hs.Err))
		return
	}
	c.httpResult(a, r)
	if r.Cause == cause.OK && len(certs) == 0 && c.p.Verifies() {
		r.decide(ruleNotJudged, "the server accepts this client's handshake, but its certificate could not be read (TLS 1.3 with parameters Go's crypto/tls cannot use), so the certificate was not judged", r.Evidence...)
	}
	c.clientCertFindings(a, hs, r, certRequested)
}

func nonOK(c cause.Code) cause.Code {
	if c == cause.OK {
		return ""
	}
	return c
}

// servedCerts returns the chain the server sent to the profile's hello.
func (c *ctx) servedCerts(a *evidence.Address) ([]*x509.Certificate, error) {
	var raw [][]byte
	switch {
	case a.Handshake != nil && len(a.Handshake.Certificates) > 0:
		if parsedAs(a.Handshake.Parsed, a.Handshake.Certificates) {
			return slices.Clone(a.Handshake.Parsed), nil
		}
		raw = a.Handshake.Certificates
	case a.HandshakeRepeat != nil && len(a.HandshakeRepeat.Certificates) > 0:
		raw = a.HandshakeRepeat.Certificates
	case a.Hello != nil && len(a.Hello.Certificates) > 0:
		raw = a.Hello.Certificates
	default:
		for _, v := range a.Variants {
			if strings.HasPrefix(v.Name, "tls1.2-") && len(v.Certificates) > 0 {
				raw = v.Certificates
			}
		}
	}
	return parseChain(raw)
}

// parsedAs reports whether parsed is raw, parsed (by the probe's TLS
// client), so that it need not be parsed again.
func parsedAs(parsed []*x509.Certificate, raw [][]byte) bool {
	if len(parsed) != len(raw) {
		return false
	}
	for i, c := range parsed {
		if c == nil || !bytes.Equal(c.Raw, raw[i]) {
			return false
		}
	}
	return true
}

func parseChain(raw [][]byte) ([]*x509.Certificate, error) {
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

// renegotiation decides RENEGOTIATION_UNSAFE for clients that refuse a
// server without RFC 5746 support.
func (c *ctx) renegotiation(h *evidence.Hello, r *AddressResult) bool {
	sh := h.ServerHello
	if !c.p.RequireSecureRenegotiation || sh == nil || sh.HelloRetry || sh.NegotiatedVersion() >= wire.VersionTLS13 ||
		slices.Contains(sh.ExtensionTypes, wire.ExtRenegotiationInfo) {
		return false
	}
	r.decide(ruleRenegotiation, fmt.Sprintf("the server does not support secure renegotiation (RFC 5746), and %s refuses such servers", c.p.Name),
		fmt.Sprintf("the ClientHello offered renegotiation_info; the %s ServerHello answers without it (extensions: %s)", wire.VersionName(sh.NegotiatedVersion()), extList(sh.ExtensionTypes)),
		"OpenSSL 3 clients abort with: unsafe legacy renegotiation disabled")
	r.Fix = []string{"upgrade the server's TLS stack, or enable RFC 5746 secure renegotiation on it (every TLS library since 2010 supports it)",
		"on the client, only as a stop-gap: OpenSSL's UnsafeLegacyServerConnect option (Options = UnsafeLegacyServerConnect in openssl.cnf)"}
	return true
}

func extList(ts []uint16) string {
	if len(ts) == 0 {
		return "none"
	}
	var s []string
	for _, t := range ts {
		s = append(s, wire.ExtensionName(t))
	}
	return strings.Join(s, ", ")
}

// handshakeFailed explains a crypto/tls handshake that failed after the
// server accepted the hello. It reports whether it decided the cause; it
// does not when the failure is Go's own limit (a server that accepts this
// client's offer but not what Go's crypto/tls offers) or says nothing
// about the server.
func (c *ctx) handshakeFailed(a *evidence.Address, hs *evidence.Handshake, r *AddressResult, certs []*x509.Certificate, certRequested bool) bool {
	e := hs.Err
	switch {
	case certRequested && hs.ClientCertSent && (hs.Alert != nil && refusesPresented(hs.Alert.Description) || e.Kind == "eof" || e.Kind == "reset"):
		c.clientCertRejected(a, hs, r, hs.Alert) // a certificate was presented (--cert) and refused
		return true
	case certRequested && hs.Alert != nil:
		if c.clientCertAlert(a, hs, r, hs.Alert) {
			return true
		}
	case certRequested && (e.Kind == "eof" || e.Kind == "reset"):
		r.decide(ruleClientCertClosed, "the server asks for a client certificate and, when the client sends none, drops the connection without saying why",
			"the server sent a CertificateRequest"+caNames(a, hs), "after the client sent no certificate: "+e.Message)
		r.Fix = clientCertFix()
		return true
	}
	switch {
	case e.Kind == "local" && len(certs) > 0:
		return c.keyMismatch(a, hs, r, certs)
	case e.Kind == "too_large":
		c.tooLarge(e, r)
		return true
	case hs.Alert != nil && negotiationAlert(hs.Alert.Description) && a.Hello.Accepted():
		// The server accepted the profile's own hello; it refused what Go's
		// crypto/tls offers instead. That is the probe's limit, not the server's.
		r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("tlsdoctor's full handshake (Go crypto/tls) was refused with %s although the server accepts this client's offer; the certificate was read from a TLS 1.2 hello instead", hs.Alert)})
		if len(certs) == 0 {
			r.Findings = append(r.Findings, Finding{Message: "the certificate could not be captured, so it was not judged"})
		}
		return false
	case hs.Alert != nil:
		r.decide(ruleHandshakeAlert, fmt.Sprintf("the server accepts the ClientHello, then ends the handshake with the alert %s", hs.Alert), "full handshake: "+e.Message)
		r.Fix = []string{fmt.Sprintf("look in the server's log for why it sends %s", hs.Alert.Name())}
		return true
	case e.Kind == "reset":
		r.decide(ruleHandshakeReset, "the connection is reset in the middle of the handshake, with no TLS alert", c.brokeOff(a)...)
		r.Fix = []string{"a middlebox (firewall, IDS, load balancer) or a crashing server resets it mid-handshake: check the server's error log and any device in between"}
		return true
	case e.Kind == "eof":
		r.decide(ruleHandshakeClosed, "the server closes the connection in the middle of the handshake, with no TLS alert", c.brokeOff(a)...)
		r.Fix = []string{"check the server's error log at the moment of the attempt: a crashing worker or a proxy that gives up mid-handshake behaves like this"}
		return true
	case e.Kind == "timeout":
		r.decide(ruleHandshakeStalled, "the server answered the ClientHello, then stalled in the middle of the handshake", c.brokeOff(a)...)
		r.Fix = []string{"check that the server process is not hung, and the time-outs of any proxy in front of it"}
		return true
	}
	if len(certs) == 0 {
		// No alert, no network error, no certificate: the client gave up on
		// what the server sent (a message it cannot parse, out of order, or a
		// parameter it never offered).
		r.decide(ruleHandshakeBroken, "the server accepts the ClientHello, then sends handshake messages a client cannot accept",
			"ServerHello: "+describeAccept(a.Hello), "then Go's crypto/tls gave up: "+e.Message)
		r.Fix = []string{"the TLS stack or configuration of the server is broken: check its version, its certificate file and its error log"}
		return true
	}
	r.Findings = append(r.Findings, Finding{Message: "tlsdoctor's full handshake (Go crypto/tls) could not complete: " + e.Message + "; the verdict rests on the hand-built hello and the certificate"})
	return false
}

// brokeOff is the evidence of a handshake broken off after the ServerHello.
func (c *ctx) brokeOff(a *evidence.Address) []string {
	ev := []string{"the server answered the ClientHello: " + describeAccept(a.Hello), "then the full handshake: " + errMsg(a.Handshake.Err)}
	if rep := a.HandshakeRepeat; rep != nil {
		ev = append(ev, "the full handshake again: "+errMsg(rep.Err))
	}
	return ev
}

// negotiationAlert reports whether an alert refuses an offer (rather than
// the client or its certificate).
func negotiationAlert(d uint8) bool {
	return d == wire.AlertHandshakeFailure || d == wire.AlertProtocolVersion || d == wire.AlertInsufficientSecurity
}

// keyMismatch proves KEY_MISMATCH from a TLS 1.2 ServerKeyExchange whose
// signature fails with the certificate's key — a key Go can use. A
// signature that cannot be checked (a key too small, an algorithm not
// implemented) proves nothing: the certificate's own verdict decides.
func (c *ctx) keyMismatch(a *evidence.Address, hs *evidence.Handshake, r *AddressResult, certs []*x509.Certificate) bool {
	hellos := append([]evidence.Hello{*a.Hello}, a.Variants...)
	for _, h := range hellos {
		if h.ServerKeyExchange == nil || h.ServerHello == nil || len(h.Certificates) == 0 {
			continue
		}
		hl, err := x509.ParseCertificate(h.Certificates[0])
		if err != nil {
			continue
		}
		v := h.ServerHello.NegotiatedVersion()
		err = wire.VerifyServerKeyExchange(hl.PublicKey, v, h.ClientRandom, h.ServerHello.Random, h.ServerKeyExchange)
		switch signature.ReasonOf(err) {
		case signature.BadSignature, signature.WrongKeyType:
			rule := ruleKeyBadSignature
			if signature.ReasonOf(err) == signature.WrongKeyType {
				rule = ruleKeyWrongType
			}
			bits, kind := chain.KeySize(hl)
			r.decide(rule, fmt.Sprintf("the server's private key does not match its certificate %q", chain.Name(hl)),
				fmt.Sprintf("the %s ServerKeyExchange signature (%s) does not verify with the %d-bit %s key of the certificate the server sent: %v", wire.VersionName(v), sigName(v, h.ServerKeyExchange), bits, kind, err),
				"certificate: "+certLine(hl),
				"Go's crypto/tls refused the handshake the same way: "+errMsg(hs.Err))
			r.Fix = []string{"deploy the private key that belongs to this certificate (compare: openssl x509 -noout -pubkey -in cert.pem | sha256sum and openssl pkey -pubout -in key.pem | sha256sum)",
				"AWS API Gateway logs this as: Cannot verify ECDH ServerKeyExchange signature"}
			return true
		case signature.KeyTooSmall, signature.UnsupportedAlgorithm:
			r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("the %s ServerKeyExchange signature was not checked: %v; whether the key matches the certificate is not known", wire.VersionName(v), err)})
			r.Findings = append(r.Findings, Finding{Message: "tlsdoctor's full handshake (Go crypto/tls) refused the server's signature: " + errMsg(hs.Err)})
			return false
		}
		if err == nil {
			r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("the %s ServerKeyExchange signature verifies with the certificate's key: the key matches; Go's crypto/tls refused the handshake for another reason: %s", wire.VersionName(v), errMsg(hs.Err))})
			return false
		}
	}
	leaf := certs[0]
	if bits, kind := chain.KeySize(leaf); kind == "RSA" && bits < signature.MinRSABits {
		r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("Go's crypto/tls refused the handshake signature of a %d-bit RSA key (%s); whether the key matches is not known", bits, errMsg(hs.Err))})
		return false
	}
	r.decide(ruleKeyRefused, fmt.Sprintf("the client rejects the server's handshake signature after receiving the certificate %q: the key likely does not match", chain.Name(leaf)),
		"Go's crypto/tls, having received the certificate, refused the handshake with no alert from the server: "+errMsg(hs.Err),
		"no TLS 1.2 ServerKeyExchange was available to check the signature directly")
	r.Alternatives = []Alternative{{Cause: cause.HandshakeMalformed, When: "the server's CertificateVerify or Finished is broken for another reason than the key"}}
	r.Fix = []string{"deploy the private key that belongs to this certificate (compare the public keys: openssl x509 -noout -pubkey -in cert.pem | sha256sum and openssl pkey -pubout -in key.pem | sha256sum)"}
	return true
}

func sigName(v uint16, ske *wire.ServerKeyExchange) string {
	if v >= wire.VersionTLS12 {
		return wire.SignatureName(ske.SigAlg)
	}
	return "the TLS 1.0/1.1 signature"
}

// refusesCertificate reports whether an alert, sent after a CertificateRequest
// was answered with no certificate, refuses the client's certificate.
func refusesCertificate(d uint8) bool {
	switch d {
	case wire.AlertHandshakeFailure, wire.AlertBadCertificate, wire.AlertUnsupportedCertificate, wire.AlertCertificateRevoked,
		wire.AlertCertificateExpired, wire.AlertCertificateUnknown, wire.AlertUnknownCA, wire.AlertAccessDenied, wire.AlertCertificateRequired:
		return true
	}
	return false
}

// clientCertAlert decides CLIENT_CERT_REQUIRED from the alert the server sent
// after the client answered its CertificateRequest with no certificate, when
// the alert refuses the certificate. It reports whether it decided.
func (c *ctx) clientCertAlert(a *evidence.Address, hs *evidence.Handshake, r *AddressResult, alert *wire.Alert) bool {
	if !refusesCertificate(alert.Description) {
		r.Findings = append(r.Findings, Finding{Code: cause.ClientCertRequired, Message: fmt.Sprintf("the server asked for a client certificate; its alert %s does not refuse the missing certificate", alert)})
		return false
	}
	r.decide(ruleClientCertAlert, "the server requires a client certificate (mutual TLS), and the client presents none",
		"the server sent a CertificateRequest"+caNames(a, hs),
		"the client sent no certificate; the server answered with the alert "+alert.String())
	r.Fix = clientCertFix()
	return true
}

// clientCertHTTP decides CLIENT_CERT_REQUIRED when the server asked for a
// certificate, completed the handshake without one, and refuses the HTTP
// request for it (nginx ssl_verify_client on: 400 "No required SSL
// certificate was sent"; 495/496; IIS 403.7).
func (c *ctx) clientCertHTTP(a *evidence.Address, r *AddressResult) bool {
	h := a.HTTP
	if h == nil || h.Outcome != "response" {
		return false
	}
	body := strings.ToLower(string(h.Body))
	named := strings.Contains(body, "no required ssl certificate") || strings.Contains(body, "ssl certificate error") ||
		strings.Contains(body, "client certificate")
	ev := []string{"the server sent a CertificateRequest" + caNames(a, a.Handshake), "the client sent no certificate; the handshake completed",
		fmt.Sprintf("%s -> %s", h.Request, h.StatusLine)}
	if line := bodyLine(h.Body); line != "" {
		ev = append(ev, "the reply says: "+line)
	}
	switch {
	case h.StatusCode == 495 || h.StatusCode == 496 || (h.StatusCode == 400 || h.StatusCode == 403) && named:
		r.decide(ruleClientCertHTTP, "the server requires a client certificate (mutual TLS) and refuses the request without one", ev...)
	case h.StatusCode == 403:
		r.decide(ruleClientCertHTTP403, "the server asked for a client certificate and forbids the request without one", ev...)
		r.Alternatives = []Alternative{{Cause: cause.OK, When: "the 403 is the application's own answer, unrelated to the client certificate"}}
	default:
		return false
	}
	r.Fix = clientCertFix()
	return true
}

// bodyLine picks the line of an error body that says most: nginx puts the
// reason in a <center> or <title> element.
func bodyLine(b []byte) string {
	s := string(b)
	for _, tag := range []string{"<title>", "<center>", "<h1>"} {
		for rest := s; ; {
			i := strings.Index(rest, tag)
			if i < 0 {
				break
			}
			rest = rest[i+len(tag):]
			if j := strings.Index(rest, "<"); j > 0 {
				t := strings.TrimSpace(rest[:j])
				if strings.Contains(strings.ToLower(t), "certificate") {
					return t
				}
			}
		}
	}
	return ""
}

func clientCertFix() []string {
	return []string{"configure the client with a certificate issued by one of the CAs the server accepts (nginx: proxy_ssl_certificate and proxy_ssl_certificate_key; AWS API Gateway: a client certificate on the stage; OCI: mutual-TLS settings on the back end; tlsdoctor: --cert and --key)",
		"or, if mutual TLS is not wanted on this listener, set client authentication to optional or off"}
}

// caNames lists the acceptable CAs of the CertificateRequest, for evidence.
func caNames(a *evidence.Address, hs *evidence.Handshake) string {
	var cas [][]byte
	if hs != nil {
		cas = hs.AcceptableCAs
	}
	if len(cas) == 0 && a.Hello.CertificateRequest != nil {
		cas = a.Hello.CertificateRequest.AcceptableCAs
	}
	var names []string
	for _, der := range cas {
		var n pkix.RDNSequence
		if _, err := asn1.Unmarshal(der, &n); err == nil {
			var nm pkix.Name
			nm.FillFromRDNSequence(&n)
			names = append(names, fmt.Sprintf("%q", nm.String()))
		}
	}
	if len(names) == 0 {
		return " naming no acceptable CA"
	}
	return " accepting certificates from " + clipList(names, 5)
}

// dhWeak decides WEAK_KEY from the DHE parameters of the ServerKeyExchange.
func (c *ctx) dhWeak(h *evidence.Hello, r *AddressResult) bool {
	ske := h.ServerKeyExchange
	if ske == nil || ske.DHPBits == 0 {
		return false
	}
	if p := wire.DHPrime(ske); p != nil && !p.ProbablyPrime(20) {
		// OpenSSL 3 and Java 17 accept such a modulus (checked against both):
		// insecure, but not a cause of failure.
		r.Findings = append(r.Findings, Finding{Code: cause.WeakKey, Message: fmt.Sprintf("the server's %d-bit DHE modulus is not a prime: the key exchange gives no security (OpenSSL 3 and Java 17 clients accept it nevertheless); use a standard group (RFC 7919 ffdhe2048 or larger) or ECDHE", ske.DHPBits)})
	}
	if c.p.MinDHBits > 0 && ske.DHPBits < c.p.MinDHBits {
		r.decide(ruleWeakDH, fmt.Sprintf("the server's DHE group is %d bits; this client requires at least %d", ske.DHPBits, c.p.MinDHBits),
			fmt.Sprintf("%s; ServerKeyExchange with a %d-bit DH prime", describeAccept(h), ske.DHPBits))
		r.Fix = []string{"configure a DH group of 2048 bits or more (nginx: ssl_dhparam with a 2048-bit file; or prefer ECDHE suites)"}
		return true
	}
	return false
}

// certTooLarge decides CERT_TOO_LARGE: the Certificate message, as the
// server's chain makes it, is over this client's limit.
func (c *ctx) certTooLarge(a *evidence.Address, certs []*x509.Certificate, r *AddressResult) bool {
	if c.p.MaxCertMessage <= 0 || len(certs) == 0 {
		return false
	}
	v := uint16(0)
	if a.Handshake != nil {
		v = a.Handshake.Version
	}
	if v == 0 && a.Hello.ServerHello != nil {
		v = a.Hello.ServerHello.NegotiatedVersion()
	}
	size := certMessageSize(certs, v)
	if size <= c.p.MaxCertMessage {
		return false
	}
	names := 0
	for _, cert := range certs {
		names += len(cert.DNSNames) + len(cert.IPAddresses)
	}
	r.decide(ruleCertTooLarge, fmt.Sprintf("the server's certificate message is %s; %s accepts at most %s", sizeStr(size), c.p.Name, sizeStr(c.p.MaxCertMessage)),
		fmt.Sprintf("the server sends %s (%s) with %d names in all; as a %s Certificate message that is at least %d bytes", plural(len(certs), "certificate"), chainSizes(certs), names, wire.VersionName(v), size))
	r.Fix = []string{"split the names over several certificates (the leaf has " + fmt.Sprint(len(certs[0].DNSNames)) + " DNS names), or send only the leaf and its intermediates",
		"or raise the client's limit where it has one (OpenSSL: SSL_CTX_set_max_cert_list; Java: -Djdk.tls.maxCertificateChainLength / jdk.tls.maxHandshakeMessageSize)"}
	return true
}

// certMessageSize is the size of the handshake message carrying certs:
// TLS 1.2 (RFC 5246 7.4.2) or TLS 1.3 (RFC 8446 4.4.2, with empty
// per-certificate extensions: a lower bound), header included.
func certMessageSize(certs []*x509.Certificate, v uint16) int {
	n := 4 + 3
	if v >= wire.VersionTLS13 {
		n++ // certificate_request_context
	}
	for _, c := range certs {
		n += 3 + len(c.Raw)
		if v >= wire.VersionTLS13 {
			n += 2
		}
	}
	return n
}

func chainSizes(certs []*x509.Certificate) string {
	var s []string
	for _, c := range certs {
		s = append(s, sizeStr(len(c.Raw)))
	}
	return clipList(s, 4)
}
