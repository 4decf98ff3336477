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

// handshakeOnly judges an address probed with a single crypto/tls
// handshake and no hand-built hello (probe.Cert, scan --mode cert). A
// completed handshake is judged in full on its chain; a failed one is named
// by what ended it, but only the follow-up hellos of a full check can say
// why, so it is never "proved" beyond what was seen.
func (c *ctx) handshakeOnly(a *evidence.Address, r *AddressResult) {
	hs := a.Handshake
	if !hs.OK {
		c.oneHandshakeFailed(hs, r)
		return
	}
	r.Negotiated = &Negotiated{Version: wire.VersionName(hs.Version), CipherSuite: wire.SuiteName(hs.CipherSuite), ALPN: hs.ALPN}
	certs, parseErr := c.servedCerts(a)
	if parseErr != nil && len(certs) == 0 {
		r.Cause, r.Summary = cause.CertInvalid, "the server's certificate cannot be parsed"
		r.Evidence = []string{parseErr.Error()}
		r.Fix = []string{"reissue the certificate; it is malformed"}
		return
	}
	rep := chain.Verify(certs, chain.Options{
		Roots: c.rootsOrEmpty(), Extra: c.aia, RootCerts: c.rootCertsFn(), At: c.at, Host: c.hostToCheck(),
		CNFallback: c.p.CNFallback, RejectSHA1: c.p.RejectSHA1,
		MinRSABits: c.p.MinRSABits, MinECBits: c.p.MinECBits, MaxValidity: c.p.MaxValidity,
	})
	r.Certificates = summarize(rep, c.aia)
	for _, f := range rep.Findings {
		r.Findings = append(r.Findings, Finding{Code: nonOK(f.Code), Message: f.Detail})
	}
	if c.certificate(a, r, rep) {
		return
	}
	c.httpResult(a, r)
	if why := c.notOffered(hs, rep); why != "" {
		// crypto/tls offers every TLS 1.3 suite and signature scheme; the
		// server chose one this client does not offer.
		r.Confidence = "inferred"
		r.Summary = "the handshake succeeded with " + why + ", which this client does not offer; whether the server accepts this client's own offer is not known"
		r.Evidence = append(r.Evidence, "one crypto/tls handshake; check the target in full (tlsdoctor check) to decide")
	}
	if hs.CertificateRequested && r.Cause == cause.OK {
		// In TLS 1.3 a server refuses a missing client certificate after
		// the handshake; one handshake cannot tell required from optional.
		r.Confidence = "inferred"
		r.Summary = "the handshake succeeded, but the server asks for a client certificate: whether it accepts a connection without one shows only after the handshake"
		r.Evidence = append(r.Evidence, "one crypto/tls handshake; a full check (tlsdoctor check) reads the server's answer after it")
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
	return fmt.Sprintf("a %s certificate key", chainKey(rep))
}

func chainKey(rep *chain.Report) string {
	bits, kind := chain.KeySize(rep.Path[0])
	return fmt.Sprintf("%s %d", kind, bits)
}

// oneHandshakeFailed names what ended a failed handshake. What was seen on
// the wire (a reset, a close, silence, bytes that are not TLS) is proved;
// an alert is the server's refusal, whose reason only the follow-up hellos
// of a full check decide.
func (c *ctx) oneHandshakeFailed(hs *evidence.Handshake, r *AddressResult) {
	e := hs.Err
	r.Evidence = []string{"one crypto/tls handshake offering only this client's versions, suites and groups: " + e.Message}
	switch {
	case hs.Alert != nil:
		r.Cause, r.Confidence = cause.ServerAlert, "inferred"
		r.Summary = fmt.Sprintf("the server refuses the handshake with the alert %s", hs.Alert)
		r.Evidence = append(r.Evidence, "why it refuses (version, cipher, group, SNI, client certificate) is decided by a full check: tlsdoctor check "+c.run.Target.Input)
	case e.Kind == "reset":
		r.Cause, r.Summary = cause.ResetDuringHandshake, "the connection is reset during the handshake, with no TLS alert"
	case e.Kind == "eof":
		r.Cause, r.Summary = cause.ClosedDuringHandshake, "the server closes the connection during the handshake, with no TLS alert"
	case e.Kind == "timeout":
		r.Cause, r.Summary = cause.HandshakeTimeout, "the server does not complete the handshake in time"
	case e.Kind == "not_tls":
		r.Cause, r.Summary = cause.NotTLS, "the server answers the ClientHello with bytes that are not TLS"
	default:
		r.Cause, r.Confidence = cause.ServerAlert, "inferred"
		r.Summary = "the handshake fails: " + e.Message
		r.Evidence = append(r.Evidence, "a full check decides why: tlsdoctor check "+c.run.Target.Input)
	}
}
