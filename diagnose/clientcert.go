package diagnose

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
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
// client presented, from the alert it sent and what is wrong locally.
func (c *ctx) clientCertRejected(a *evidence.Address, r *AddressResult, alert *wire.Alert) {
	r.Cause = cause.ClientCertRequired
	leaf, problems := c.clientCertProblems(a)
	name := "the client certificate"
	if leaf != nil {
		name = fmt.Sprintf("the client certificate %q", chain.Name(leaf))
	}
	r.Evidence = []string{"the server sent a CertificateRequest; the client presented " + name}
	if leaf != nil {
		r.Evidence = append(r.Evidence, "client certificate: "+certLine(leaf))
	}
	if cas := c.acceptableCAs(a); len(cas) > 0 {
		r.Evidence = append(r.Evidence, "acceptable client-certificate CAs: "+strings.Join(dnNames(cas), "; "))
	}
	refusal, short, explicit := "the server ended the connection without an alert", "no alert", true
	switch hs := a.Handshake; {
	case alert != nil:
		refusal, short = "the server answered with the alert "+alert.String(), "alert "+alert.Name()
	case httpRefusal(a) != "":
		refusal = "the server completed the handshake, then answered the request with " + httpRefusal(a) + ", nginx's page when ssl_verify_client refuses a certificate"
		short = "nginx's 400 page"
	case hs != nil && hs.Err != nil:
		refusal, short, explicit = "the server ended the connection: "+hs.Err.Message, "the connection closed, no alert", false
	default:
		explicit = false
	}
	r.Evidence = append(r.Evidence, refusal)
	for _, p := range problems {
		r.Evidence = append(r.Evidence, "found: "+p.what)
	}
	// The problem the server's alert names decides; without an alert, or
	// with one no local problem explains, the verdict is inferred.
	pi := -1
	if alert != nil {
		for i := range problems {
			for _, d := range problems[i].alerts {
				if d == alert.Description && pi < 0 {
					pi = i
				}
			}
		}
	}
	switch {
	case pi >= 0:
		r.Confidence = "proved"
		r.Summary = fmt.Sprintf("the server rejects %s (alert %s): %s", name, alert.Name(), problems[pi].what)
	case len(problems) > 0:
		// The refusal is certain when the server says so (an alert, a
		// page); which of the problems it refused for is the likely one.
		r.Confidence = "inferred"
		if explicit {
			r.Confidence = "proved"
		}
		pi = 0
		r.Summary = fmt.Sprintf("the server rejects %s (%s); the likely reason: %s", name, short, problems[pi].what)
		r.Evidence = append(r.Evidence, "the server's answer does not name the reason; what decides: the server's log for this connection")
	default:
		r.Confidence = "inferred"
		if explicit {
			r.Confidence = "proved"
		}
		r.Summary = fmt.Sprintf("the server rejects %s (%s), and nothing is wrong with it locally: its dates, usage, CA and key are in order", name, short)
		r.Evidence = append(r.Evidence, "what decides: the server's own checks (its CRL, an allow-list of subjects, a depth limit): see its log")
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

// httpRefusal is a refusal of the client certificate sent as an HTTP
// reply after the handshake: nginx answers ssl_verify_client failures with
// 400 pages (its internal codes 495 and 496), as seen here against nginx 1.22.
func httpRefusal(a *evidence.Address) string {
	h := a.HTTP
	if h == nil || h.StatusCode != 400 {
		return ""
	}
	for _, p := range []string{"No required SSL certificate was sent", "The SSL certificate error"} {
		if bytes.Contains(h.Body, []byte(p)) {
			return fmt.Sprintf("%s (%q)", h.StatusLine, p)
		}
	}
	return ""
}

// noteHTTPRefusal adds the server's HTTP refusal to the evidence of a
// missing client certificate.
func noteHTTPRefusal(a *evidence.Address, r *AddressResult) {
	if s := httpRefusal(a); s != "" {
		r.Evidence = append(r.Evidence, "after the client sent no certificate, the server completed the handshake and answered the request with "+s)
	}
}

// clientCertFindings notes what the client certificate did when it did not
// decide the cause.
func (c *ctx) clientCertFindings(a *evidence.Address, r *AddressResult, requested bool) {
	hs := a.Handshake
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
