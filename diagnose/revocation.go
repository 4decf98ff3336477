package diagnose

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"golang.org/x/crypto/ocsp"
)

// oidTLSFeature is the TLS feature extension (RFC 7633); the value 5
// (status_request) in it is "OCSP must-staple".
var oidTLSFeature = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}

// mustStaple reports whether c demands a stapled OCSP response.
func mustStaple(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidTLSFeature) {
			var features []int
			if _, err := asn1.Unmarshal(e.Value, &features); err == nil && slices.Contains(features, 5) {
				return true
			}
		}
	}
	return false
}

// revStatus is what the recorded evidence says about one certificate.
type revStatus struct {
	cert   *x509.Certificate
	role   string
	state  string   // "good", "revoked" or "unknown"
	source string   // what decided good or revoked
	detail string   // for revoked: when and why
	why    []string // for unknown: what was tried
	// noSource: the certificate names no OCSP responder and no CRL, so no
	// client can learn its status (a fact of the certificate, not of the
	// network).
	noSource bool
	// noIssuer: tlsdoctor could not build the request, a client could.
	noIssuer bool
}

// staple parses the stapled OCSP response of the address's handshake.
type stapleResult struct {
	present bool
	resp    *ocsp.Response
	err     string
}

func (c *ctx) staple(a *evidence.Address, leaf, issuer *x509.Certificate) stapleResult {
	var raw []byte
	switch {
	case a.Handshake != nil && len(a.Handshake.OCSPResponse) > 0:
		raw = a.Handshake.OCSPResponse
	case a.Hello != nil && len(a.Hello.OCSPResponse) > 0:
		raw = a.Hello.OCSPResponse
	default:
		return stapleResult{}
	}
	res := stapleResult{present: true}
	if issuer == nil {
		res.err = "its issuer is unknown, so its signature cannot be checked"
		return res
	}
	resp, err := ocsp.ParseResponseForCert(raw, leaf, issuer)
	switch {
	case err != nil:
		res.err = "it does not verify: " + err.Error()
	case !resp.NextUpdate.IsZero() && c.at.After(resp.NextUpdate):
		res.err = fmt.Sprintf("it is stale: its nextUpdate was %s", resp.NextUpdate.UTC().Format(time.RFC3339))
	default:
		res.resp = resp
	}
	return res
}

// revocation judges the chain's revocation status under the profile's
// policy (or every source, with --revocation). It reports whether it
// decided the cause; otherwise it may add findings.
func (c *ctx) revocation(a *evidence.Address, r *AddressResult, rep *chain.Report) bool {
	if !rep.Trusted || len(rep.Path) == 0 {
		return false
	}
	leaf := rep.Path[0]
	var issuer *x509.Certificate
	if len(rep.Path) > 1 {
		issuer = rep.Path[1]
	}
	pol, checks := c.p.Revocation.Effective(c.run.RevocationForced)
	if !c.p.Verifies() {
		checks = false
	}
	st := c.staple(a, leaf, issuer)
	stapledRevoked := st.resp != nil && st.resp.Status == ocsp.Revoked

	// Must-staple and --cert-status: the staple's absence is on the wire.
	if checks && (pol.MustStaple && mustStaple(leaf) || pol.RequireStaple) && st.resp == nil {
		why := "the server sent no stapled OCSP response, although the client asked for one (status_request)"
		if st.present {
			why = "the server's stapled OCSP response cannot be used: " + st.err
		}
		if pol.MustStaple && mustStaple(leaf) {
			r.decide(ruleStapleMissing, fmt.Sprintf("the certificate %q demands a stapled OCSP response (must-staple) and the server sends none usable", chain.Name(leaf)),
				"the leaf carries the TLS feature extension status_request (RFC 7633, OCSP must-staple)", why, "leaf: "+certLine(leaf))
		} else {
			r.decide(ruleStapleMissing, fmt.Sprintf("this client insists on a stapled OCSP response (%s) and the server sends none usable", pol.Enable), why, "leaf: "+certLine(leaf))
		}
		r.Fix = []string{"turn on OCSP stapling on the server (nginx: ssl_stapling on; ssl_stapling_verify on; with a resolver; Apache: SSLUseStapling on; HAProxy: an .ocsp file beside the certificate)",
			"or reissue the certificate without the must-staple extension"}
		return true
	}
	if checks && pol.Staple && stapledRevoked {
		c.revoked(r, revStatus{cert: leaf, role: "leaf", state: "revoked", source: "the OCSP response the server staples (signed by the CA)", detail: revokedDetail(st.resp.RevokedAt, st.resp.RevocationReason)}, pol)
		return true
	}
	if !checks || !pol.Online() {
		c.revocationNotChecked(r, pol, checks, leaf, st)
		return false
	}
	statuses := c.onlineStatus(rep, pol, st)
	for _, s := range statuses {
		if s.state == "revoked" {
			c.revoked(r, s, pol)
			return true
		}
	}
	var unknown []revStatus
	for _, s := range statuses {
		if s.state == "unknown" {
			unknown = append(unknown, s)
		}
	}
	if len(unknown) > 0 && pol.HardFail {
		c.unavailable(r, unknown, pol)
		return true
	}
	for _, s := range unknown {
		r.Findings = append(r.Findings, Finding{Code: cause.RevocationUnavailable, Message: fmt.Sprintf("the revocation status of the %s %q could not be learnt (%s); this client accepts the certificate anyway (soft-fail)", s.role, chain.Name(s.cert), strings.Join(s.why, "; "))})
	}
	for _, s := range statuses {
		if s.state == "good" {
			r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("revocation: the %s %q is not revoked per %s", s.role, chain.Name(s.cert), s.source)})
		}
	}
	return false
}

// onlineStatus combines, per certificate the policy checks, the staple,
// the OCSP responses and the CRLs fetched.
func (c *ctx) onlineStatus(rep *chain.Report, pol profile.Revocation, st stapleResult) []revStatus {
	var out []revStatus
	for i, cert := range rep.Path {
		if i > 0 && (!pol.Chain || cert == rep.Anchor || bytes.Equal(cert.RawIssuer, cert.RawSubject)) {
			break
		}
		var issuer *x509.Certificate
		if i+1 < len(rep.Path) {
			issuer = rep.Path[i+1]
		}
		s := revStatus{cert: cert, role: chain.Role(rep.Path, i), state: "unknown"}
		if i == 0 && st.resp != nil && pol.Staple {
			s.consider(ocspState(st.resp), "the OCSP response the server staples", st.resp)
		}
		if pol.OCSP {
			c.fromOCSP(&s, issuer)
		}
		if pol.CRL {
			c.fromCRL(&s, issuer)
		}
		if len(cert.OCSPServer) == 0 && len(cert.CRLDistributionPoints) == 0 && s.state == "unknown" {
			s.noSource = true
			s.why = append(s.why, "the certificate names no OCSP responder and no CRL distribution point")
		}
		out = append(out, s)
	}
	return out
}

func ocspState(r *ocsp.Response) string {
	switch r.Status {
	case ocsp.Good:
		return "good"
	case ocsp.Revoked:
		return "revoked"
	}
	return "unknown"
}

func (s *revStatus) consider(state, source string, resp *ocsp.Response) {
	switch {
	case state == "revoked":
		s.state, s.source = "revoked", source
		if resp != nil {
			s.detail = revokedDetail(resp.RevokedAt, resp.RevocationReason)
		}
	case state == "good" && s.state == "unknown":
		s.state, s.source = "good", source
		if resp != nil && !resp.ThisUpdate.IsZero() {
			s.source += fmt.Sprintf(" (produced %s)", resp.ThisUpdate.UTC().Format(time.RFC3339))
		}
	case state == "unknown":
		s.why = append(s.why, source+" answers \"unknown\"")
	}
}

func (c *ctx) fromOCSP(s *revStatus, issuer *x509.Certificate) {
	for _, f := range c.run.Revocation {
		if f.Kind != "ocsp" || !slices.Contains(s.cert.OCSPServer, f.URL) || f.Serial != s.cert.SerialNumber.Text(16) {
			continue
		}
		src := "the OCSP responder " + f.URL
		switch {
		case f.Err != nil:
			s.noIssuer = s.noIssuer || f.Err.Kind == "no_issuer"
			s.why = append(s.why, src+": "+f.Err.Message)
		case issuer == nil:
			s.why = append(s.why, src+" answered, but the issuer to check its signature is unknown")
		default:
			resp, err := ocsp.ParseResponseForCert(f.Response, s.cert, issuer)
			switch {
			case err != nil:
				s.why = append(s.why, src+": the response cannot be used: "+err.Error())
			case !resp.NextUpdate.IsZero() && c.at.After(resp.NextUpdate):
				s.why = append(s.why, src+": the response is stale (nextUpdate "+resp.NextUpdate.UTC().Format(time.RFC3339)+")")
			default:
				s.consider(ocspState(resp), src, resp)
			}
		}
	}
}

func (c *ctx) fromCRL(s *revStatus, issuer *x509.Certificate) {
	for _, f := range c.run.Revocation {
		if f.Kind != "crl" || !slices.Contains(s.cert.CRLDistributionPoints, f.URL) {
			continue
		}
		src := "the CRL " + f.URL
		if f.Err != nil {
			s.why = append(s.why, src+": "+f.Err.Message)
			continue
		}
		crl, err := x509.ParseRevocationList(f.Response)
		if err != nil {
			s.why = append(s.why, src+" does not parse: "+err.Error())
			continue
		}
		if issuer == nil || crl.CheckSignatureFrom(issuer) != nil {
			s.why = append(s.why, src+" is not signed by the certificate's issuer")
			continue
		}
		if !crl.NextUpdate.IsZero() && c.at.After(crl.NextUpdate) {
			s.why = append(s.why, src+" is stale (nextUpdate "+crl.NextUpdate.UTC().Format(time.RFC3339)+")")
			continue
		}
		state := "good"
		var detail string
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(s.cert.SerialNumber) == 0 {
				state, detail = "revoked", revokedDetail(e.RevocationTime, e.ReasonCode)
			}
		}
		if state == "revoked" {
			s.state, s.source, s.detail = "revoked", src+" (signed by the issuer)", detail
		} else if s.state == "unknown" {
			s.state, s.source = "good", fmt.Sprintf("%s (updated %s)", src, crl.ThisUpdate.UTC().Format(time.RFC3339))
		}
	}
}

var reasonNames = map[int]string{0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged",
	4: "superseded", 5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise"}

func revokedDetail(at time.Time, reason int) string {
	s := "revoked"
	if !at.IsZero() {
		s += " on " + at.UTC().Format(time.RFC3339)
	}
	if n, ok := reasonNames[reason]; ok && reason != 0 {
		s += ", reason " + n
	}
	return s
}

func (c *ctx) revoked(r *AddressResult, s revStatus, pol profile.Revocation) {
	ev := []string{fmt.Sprintf("%s says the %s is %s", s.source, s.role, s.detail), s.role + ": " + certLine(s.cert)}
	if c.run.RevocationForced && !c.p.Revocation.Default {
		ev = append(ev, fmt.Sprintf("checked because of --revocation: %s does not check revocation as shipped (%s)", c.p.ID, firstNonEmpty(c.p.Revocation.Enable, "it cannot")))
	}
	if c.p.Revocation.CRLSet && !strings.HasPrefix(s.source, "the OCSP response the server staples") {
		ev = append(ev, "stock Chrome consults its CRLSet and a stapled response, and passes a revoked certificate neither lists; this is the verdict with online checks on (EnableOnlineRevocationChecks)")
	}
	r.decide(ruleRevoked, fmt.Sprintf("the %s %q is revoked (%s)", s.role, chain.Name(s.cert), s.detail), ev...)
	r.Fix = []string{fmt.Sprintf("get a new certificate for %s from the CA and deploy it with its key (a revoked certificate cannot be reinstated)", c.run.Target.ServerName),
		"if the key was compromised, generate a new key for the new certificate"}
}

func (c *ctx) unavailable(r *AddressResult, unknown []revStatus, pol profile.Revocation) {
	s := unknown[0]
	ev := []string{fmt.Sprintf("%s: %s", s.role, strings.Join(s.why, "; ")), s.role + ": " + certLine(s.cert)}
	if len(unknown) > 1 {
		ev = append(ev, fmt.Sprintf("%d certificates of the chain have no known status", len(unknown)))
	}
	summary := fmt.Sprintf("this client insists on knowing whether the %s %q is revoked, and cannot learn it", s.role, chain.Name(s.cert))
	if s.noSource {
		// A fact of the certificate: no client can learn its status.
		r.decide(ruleRevocationNoSource, summary, ev...)
	} else {
		// The responder failed from where tlsdoctor ran; the client's
		// network may reach it.
		r.decide(ruleRevocationUnreachable, summary, ev...)
	}
	if s.noSource {
		r.Fix = []string{"reissue the certificate from a CA that publishes a CRL distribution point or an OCSP responder (a private CA: add crlDistributionPoints and authorityInfoAccess OCSP to its profile)"}
	} else {
		r.Fix = []string{"make the CRL and OCSP URLs above reachable from the client (firewall, proxy), or staple OCSP on the server so the client need not fetch"}
	}
	if pol.Relax != "" {
		r.Fix = append(r.Fix, "or relax the client: "+pol.Relax)
	}
}

// revocationNotChecked adds what a client that does not check should still
// know: a revoked staple it ignores.
func (c *ctx) revocationNotChecked(r *AddressResult, pol profile.Revocation, checks bool, leaf *x509.Certificate, st stapleResult) {
	if st.resp == nil || st.resp.Status != ocsp.Revoked {
		return
	}
	what := fmt.Sprintf("the server staples an OCSP response that says %q is %s", chain.Name(leaf), revokedDetail(st.resp.RevokedAt, st.resp.RevocationReason))
	switch {
	case pol.CRLSet && !pol.Staple:
		r.Findings = append(r.Findings, Finding{Code: cause.CertRevoked, Message: what + "; this client ignores it and consults only its CRLSet, a curated subset of revocations: a revoked leaf the set does not list passes (tlsdoctor does not download CRLSets)"})
	case !c.p.Verifies():
		r.Findings = append(r.Findings, Finding{Code: cause.CertRevoked, Message: what + "; this client verifies no certificate, so it connects"})
	default:
		r.Findings = append(r.Findings, Finding{Code: cause.CertRevoked, Message: what + "; this client does not check revocation, so it connects (" + firstNonEmpty(pol.Enable, "it cannot check") + "); clients that do (Firefox, Windows) refuse it"})
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
