package diagnose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"slices"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// The rules of an address probed with one crypto/tls handshake and no
// hand-built hello (probe.Cert, scan --mode cert). A completed handshake is
// judged in full on its chain (the cert.* rules and ok.tls); anything else
// is named by what was seen once, and a full check decides it.
var (
	ruleOneUnoffered = def("one-handshake.unoffered", cause.OK, Inferred, NoSide,
		"one crypto/tls handshake limited to this client's versions, suites and groups completed, but with a TLS 1.3 suite or a certificate key type this client does not offer (crypto/tls cannot limit those)",
		"a full check (tlsdoctor check): whether the server accepts this client's own hello")
	ruleOneClientCert = def("one-handshake.client-cert-requested", cause.OK, Inferred, NoSide,
		"one handshake completed, but the server asked for a client certificate; a TLS 1.3 server refuses a missing one only after the handshake",
		"a full check (tlsdoctor check), which reads the server's answer after the handshake")
	ruleOneAlert = def("one-handshake.alert", cause.ServerAlert, Inferred, ServerSide,
		"one crypto/tls handshake limited to this client's offer was ended by an alert from the server",
		"a full check (tlsdoctor check): the client's own hello and its one-change follow-ups name the cause")
	ruleOneReset = def("one-handshake.reset", cause.ResetDuringHandshake, Inferred, NetworkSide,
		"one handshake was reset with no alert",
		"a full check (tlsdoctor check), which sends the hello again and its one-change follow-ups")
	ruleOneClosed = def("one-handshake.closed", cause.ClosedDuringHandshake, Inferred, ServerSide,
		"one handshake was closed by the server with no alert",
		"a full check (tlsdoctor check), which sends the hello again and its one-change follow-ups")
	ruleOneStalled = def("one-handshake.stalled", cause.HandshakeTimeout, Inferred, ServerSide,
		"one handshake did not complete before the time-out",
		"a full check (tlsdoctor check): whether the server answers the hello at all")
	ruleOneFailed = def("one-handshake.failed", cause.HandshakeMalformed, Inferred, ServerSide,
		"one crypto/tls handshake failed with no alert and no network error",
		"a full check (tlsdoctor check), which reads the server's messages itself")
)

// handshakeOnly judges an address probed with a single crypto/tls
// handshake and no hand-built hello.
func (c *ctx) handshakeOnly(a *evidence.Address, r *AddressResult) {
	hs := a.Handshake
	if !hs.OK {
		c.oneHandshakeFailed(hs, r)
		return
	}
	r.Negotiated = &Negotiated{Version: wire.VersionName(hs.Version), CipherSuite: wire.SuiteName(hs.CipherSuite), ALPN: hs.ALPN}
	certs, parseErr := c.servedCerts(a)
	if parseErr != nil && len(certs) == 0 {
		r.decide(ruleCertUnparseable, "the server's certificate cannot be parsed", parseErr.Error())
		r.Fix = []string{"reissue the certificate; it is malformed"}
		return
	}
	rep := c.verify(certs)
	r.Certificates = summarize(rep)
	for _, f := range rep.Findings {
		r.Findings = append(r.Findings, Finding{Code: nonOK(f.Code), Message: f.Detail})
	}
	for _, u := range rep.Unchecked {
		r.Findings = append(r.Findings, Finding{Message: u})
	}
	if parseErr != nil {
		r.decide(ruleCertUnparseable, "one of the server's certificates cannot be parsed", parseErr.Error())
		r.Fix = []string{"reissue the certificate; it is malformed"}
		return
	}
	if c.certificate(a, r, rep) {
		return
	}
	c.httpResult(a, r) // no HTTP: ok.tls
	if why := c.notOffered(hs, rep); why != "" {
		ev := append(r.Evidence, "one crypto/tls handshake negotiated "+why)
		r.decide(ruleOneUnoffered, "the handshake succeeded with "+why+", which this client does not offer; whether the server accepts this client's own offer is not known", ev...)
		return
	}
	if hs.CertificateRequested {
		ev := append(r.Evidence, "the server sent a CertificateRequest; the client sent no certificate")
		r.decide(ruleOneClientCert, "the handshake succeeded, but the server asks for a client certificate: whether it accepts a connection without one shows only after the handshake", ev...)
	}
}

// notOffered names what the handshake used that the profile does not
// offer, or "".
func (c *ctx) notOffered(hs *evidence.Handshake, rep *chain.Report) string {
	if !c.p.Offers(hs.Version) {
		return wire.VersionName(hs.Version)
	}
	if !slices.Contains(c.p.CipherSuites, hs.CipherSuite) {
		return wire.SuiteName(hs.CipherSuite)
	}
	if len(c.p.SignatureAlgorithms) == 0 || len(rep.Path) == 0 {
		return ""
	}
	var family []uint16
	switch k := rep.Path[0].PublicKey.(type) {
	case *rsa.PublicKey:
		family = []uint16{wire.SigRSAPKCS1SHA256, wire.SigRSAPKCS1SHA384, wire.SigRSAPKCS1SHA512, wire.SigRSAPKCS1SHA1,
			wire.SigRSAPSSSHA256, wire.SigRSAPSSSHA384, wire.SigRSAPSSSHA512}
	case *ecdsa.PublicKey:
		family = []uint16{wire.SigECDSAP256, wire.SigECDSAP384, wire.SigECDSAP521, wire.SigECDSASHA1}
		if hs.Version >= wire.VersionTLS13 {
			family = map[int][]uint16{256: {wire.SigECDSAP256}, 384: {wire.SigECDSAP384}, 521: {wire.SigECDSAP521}}[k.Curve.Params().BitSize]
		}
	case ed25519.PublicKey:
		family = []uint16{wire.SigEd25519}
	default:
		return ""
	}
	for _, s := range family {
		if slices.Contains(c.p.SignatureAlgorithms, s) {
			return ""
		}
	}
	bits, kind := chain.KeySize(rep.Path[0])
	return fmt.Sprintf("a %s %d certificate key", kind, bits)
}

// oneHandshakeFailed names what ended a failed handshake.
func (c *ctx) oneHandshakeFailed(hs *evidence.Handshake, r *AddressResult) {
	e := hs.Err
	seen := "one crypto/tls handshake offering only this client's versions, suites and groups: " + errMsg(e)
	switch {
	case hs.Alert != nil:
		r.decide(ruleOneAlert, fmt.Sprintf("the server refuses the handshake with the alert %s", hs.Alert), seen)
	case e == nil:
		r.decide(ruleOneFailed, "the handshake failed", seen)
	case e.Kind == "not_tls":
		r.decide(ruleNotTLS, "the server answers the ClientHello with bytes that are not TLS", seen)
	case e.Kind == "reset":
		r.decide(ruleOneReset, "the connection is reset during the handshake, with no TLS alert", seen)
	case e.Kind == "eof":
		r.decide(ruleOneClosed, "the server closes the connection during the handshake, with no TLS alert", seen)
	case e.Kind == "timeout":
		r.decide(ruleOneStalled, "the server does not complete the handshake in time", seen)
	default:
		r.decide(ruleOneFailed, "the handshake fails: "+e.Message, seen)
	}
	r.Fix = []string{"check the target in full to name the cause: tlsdoctor check " + c.run.Target.Input}
}
