package diagnose

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// clientCertProblem is one thing wrong with the presented client
// certificate, found locally, and the alerts a server sends for it.
type clientCertProblem struct {
	what   string
	alerts []uint8
	fix    string
}

// Alert descriptions a server uses to reject a client certificate (RFC 8446 6.2).
const (
	alertUnsupportedCertificate uint8 = 43
	alertCertificateExpired     uint8 = 45
	alertCertificateUnknown     uint8 = 46
	alertAccessDenied           uint8 = 49
)

// clientCertProblems checks the presented certificate against what the
// server asked for and the judging time.
func (c *ctx) clientCertProblems(a *evidence.Address) (*x509.Certificate, []clientCertProblem) {
	cc := c.run.ClientCert
	leaf, err := x509.ParseCertificate(cc.Certificates[0])
	if err != nil {
		return nil, []clientCertProblem{{what: "the client certificate does not parse: " + err.Error(), alerts: []uint8{wire.AlertBadCertificate, wire.AlertDecodeError}, fix: "give a valid PEM or PKCS#12 client certificate"}}
	}
	var out []clientCertProblem
	if !cc.KeyMatches {
		out = append(out, clientCertProblem{what: "the private key given does not belong to the client certificate, so the client's CertificateVerify signature cannot verify",
			alerts: []uint8{wire.AlertDecryptError, wire.AlertBadCertificate, wire.AlertHandshakeFailure},
			fix:    "pair the certificate with its own key (compare: openssl x509 -noout -pubkey -in client.pem | sha256sum and openssl pkey -pubout -in client.key | sha256sum)"})
	}
	switch {
	case c.at.After(leaf.NotAfter):
		out = append(out, clientCertProblem{what: fmt.Sprintf("the client certificate %q expired %s ago, on %s", chain.Name(leaf), chain.Age(c.at.Sub(leaf.NotAfter)), leaf.NotAfter.UTC().Format(time.RFC3339)),
			alerts: []uint8{alertCertificateExpired, wire.AlertBadCertificate, alertCertificateUnknown}, fix: "renew the client certificate and configure the client with the new one"})
	case c.at.Before(leaf.NotBefore):
		out = append(out, clientCertProblem{what: fmt.Sprintf("the client certificate %q is not valid until %s", chain.Name(leaf), leaf.NotBefore.UTC().Format(time.RFC3339)),
			alerts: []uint8{alertCertificateExpired, wire.AlertBadCertificate, alertCertificateUnknown}, fix: "check the clocks of client and server; reissue if the notBefore date is wrong"})
	}
	if len(leaf.ExtKeyUsage)+len(leaf.UnknownExtKeyUsage) > 0 {
		ok := false
		for _, u := range leaf.ExtKeyUsage {
			ok = ok || u == x509.ExtKeyUsageClientAuth || u == x509.ExtKeyUsageAny
		}
		if !ok {
			out = append(out, clientCertProblem{what: fmt.Sprintf("the client certificate %q does not allow client authentication (its extended key usage lacks clientAuth)", chain.Name(leaf)),
				alerts: []uint8{alertUnsupportedCertificate, wire.AlertBadCertificate, alertCertificateUnknown}, fix: "reissue the client certificate with extendedKeyUsage clientAuth"})
		}
	}
	if cas := c.acceptableCAs(a); len(cas) > 0 && !issuedByOneOf(c.run.ClientCert, cas) {
		out = append(out, clientCertProblem{what: fmt.Sprintf("the client certificate is issued by %q, which is not among the CAs the server accepts (%s)", leaf.Issuer.String(), strings.Join(dnNames(cas), "; ")),
			alerts: []uint8{wire.AlertUnknownCA, wire.AlertBadCertificate, alertCertificateUnknown, alertAccessDenied},
			fix:    "use a client certificate issued by one of the CAs the server lists, or add its CA to the server's client-CA list (nginx: ssl_client_certificate / ssl_trusted_certificate)"})
	}
	return leaf, out
}

func (c *ctx) acceptableCAs(a *evidence.Address) [][]byte {
	if a.Handshake != nil && len(a.Handshake.AcceptableCAs) > 0 {
		return a.Handshake.AcceptableCAs
	}
	if a.Hello != nil && a.Hello.CertificateRequest != nil {
		return a.Hello.CertificateRequest.AcceptableCAs
	}
	return nil
}

// issuedByOneOf reports whether the presented chain reaches one of the
// named CAs: a certificate's issuer, or a CA certificate in it, is named.
func issuedByOneOf(cc *evidence.ClientCert, cas [][]byte) bool {
	for _, der := range cc.Certificates {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			continue
		}
		for _, ca := range cas {
			if bytes.Equal(c.RawIssuer, ca) || bytes.Equal(c.RawSubject, ca) {
				return true
			}
		}
	}
	return false
}

func dnNames(dns [][]byte) []string {
	var names []string
	for _, der := range dns {
		var n pkix.RDNSequence
		if _, err := asn1.Unmarshal(der, &n); err == nil {
			var nm pkix.Name
			nm.FillFromRDNSequence(&n)
			names = append(names, nm.String())
		}
	}
	return names
}

// clientCertRejected explains a server's refusal of the certificate the
// client presented, from the alert (or HTTP refusal) it sent and what is
// wrong locally. hs is the handshake judged.
func (c *ctx) clientCertRejected(a *evidence.Address, hs *evidence.Handshake, r *AddressResult, alert *wire.Alert) {
	leaf, problems := c.clientCertProblems(a)
	name := "the client certificate"
	if leaf != nil {
		name = fmt.Sprintf("the client certificate %q", chain.Name(leaf))
	}
	ev := []string{"the server sent a CertificateRequest; the client presented " + name}
	if leaf != nil {
		ev = append(ev, "client certificate: "+certLine(leaf))
	}
	if cas := c.acceptableCAs(a); len(cas) > 0 {
		ev = append(ev, "acceptable client-certificate CAs: "+strings.Join(dnNames(cas), "; "))
	}
	refusal, short, explicit := "the server ended the connection without an alert", "no alert", false
	switch {
	case alert != nil:
		refusal, short, explicit = "the server answered with the alert "+alert.String(), "alert "+alert.Name(), true
	case httpRefusal(a) != "":
		refusal, short, explicit = "the server completed the handshake, then answered the request with "+httpRefusal(a), "HTTP "+a.HTTP.StatusLine, true
	case hs != nil && hs.Err != nil:
		refusal, short = "the server ended the connection: "+hs.Err.Message, "the connection closed, no alert"
	}
	ev = append(ev, refusal)
	for _, p := range problems {
		ev = append(ev, "found: "+p.what)
	}
	// The problem the server's alert names decides the reason; otherwise
	// the refusal is certain (when the server states it) but the reason is
	// only the likely one.
	pi := -1
	if alert != nil {
		for i := range problems {
			if slices.Contains(problems[i].alerts, alert.Description) && pi < 0 {
				pi = i
			}
		}
	}
	rule := ruleClientCertRejectedUnnamed
	if !explicit {
		rule = ruleClientCertRejectedClosed
	}
	switch {
	case pi >= 0:
		r.decide(ruleClientCertRejected, fmt.Sprintf("the server rejects %s (alert %s): %s", name, alert.Name(), problems[pi].what), ev...)
	case len(problems) > 0:
		pi = 0
		r.decide(rule, fmt.Sprintf("the server rejects %s (%s); the likely reason: %s", name, short, problems[pi].what),
			append(ev, "the server's answer does not name the reason; its log for this connection does")...)
	default:
		r.decide(rule, fmt.Sprintf("the server rejects %s (%s), and nothing is wrong with it locally: its dates, usage, CA and key are in order", name, short),
			append(ev, "what decides: the server's own checks (its CRL, an allow-list of subjects, a depth limit): see its log")...)
		r.Fix = []string{"read the server's log for this connection: it names why it refused the certificate (nginx: client SSL certificate verify error)"}
		return
	}
	r.Fix = []string{problems[pi].fix}
	for i, p := range problems {
		if i != pi {
			r.Fix = append(r.Fix, "also: "+p.fix)
		}
	}
}

// refusesPresented reports whether an alert that follows a presented client
// certificate refuses it: the certificate alerts, and decrypt_error for a
// CertificateVerify signature that does not verify (a key that is not the
// certificate's).
func refusesPresented(d uint8) bool {
	return refusesCertificate(d) || d == wire.AlertDecryptError
}

// httpRefusal is a refusal of the client certificate sent as an HTTP
// reply after the handshake: nginx answers ssl_verify_client failures with
// 400 pages (its internal 495 and 496), as seen here against nginx 1.22.
func httpRefusal(a *evidence.Address) string {
	h := a.HTTP
	if h == nil || h.Outcome != "response" {
		return ""
	}
	body := strings.ToLower(string(h.Body))
	named := strings.Contains(body, "no required ssl certificate") || strings.Contains(body, "ssl certificate error")
	if h.StatusCode == 495 || h.StatusCode == 496 || h.StatusCode == 400 && named {
		if line := bodyLine(h.Body); line != "" {
			return fmt.Sprintf("%s (%q)", h.StatusLine, line)
		}
		return h.StatusLine
	}
	return ""
}

// clientCertFindings notes what the client certificate did when it did not
// decide the cause.
func (c *ctx) clientCertFindings(a *evidence.Address, hs *evidence.Handshake, r *AddressResult, requested bool) {
	sent := hs != nil && hs.ClientCertSent
	switch {
	case requested && r.Cause == cause.OK && !sent:
		r.Findings = append(r.Findings, Finding{Code: cause.ClientCertRequired, Message: "the server asks for a client certificate but accepts a connection without one (optional client authentication)"})
	case requested && r.Cause == cause.OK && sent:
		leaf, problems := c.clientCertProblems(a)
		if leaf != nil {
			r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("the server asked for a client certificate and accepted %q (issuer %q)", chain.Name(leaf), leaf.Issuer.String())})
		}
		for _, p := range problems {
			r.Findings = append(r.Findings, Finding{Code: cause.ClientCertRequired, Message: "the server accepted it, though " + p.what})
		}
	case !requested && c.run.ClientCert != nil && hs != nil && hs.OK:
		r.Findings = append(r.Findings, Finding{Message: "a client certificate was given (--cert), but the server did not ask for one"})
	}
}
