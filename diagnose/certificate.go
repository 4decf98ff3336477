package diagnose

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
)

// verify judges certs as this client would.
func (c *ctx) verify(certs []*x509.Certificate) *chain.Report {
	return chain.Verify(certs, chain.Options{
		Roots: c.rootsOrEmpty(), Extra: c.aia, RootCerts: c.rootCertsFn(), Known: c.knownFn(), At: c.at, AtChosen: !c.run.At.IsZero(), Host: c.hostToCheck(),
		CNFallback: c.p.CNFallback, RejectSHA1: c.p.RejectSHA1, RejectMD5: c.p.RejectMD5, RejectCALeaf: c.p.RejectCALeaf, SkipEKU: c.p.SkipsEKU, MaxIntermediates: c.p.MaxIntermediates,
		MinRSABits: c.p.MinRSABits, MinECBits: c.p.MinECBits, MaxValidity: c.p.MaxValidity,
		TrustKey: c.trustKeyFn(),
	})
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

// problemRules maps a chain problem's code to the rule that proves it.
var problemRules = map[cause.Code]*Rule{
	cause.SelfSigned: ruleCertSelfSigned, cause.UntrustedRoot: ruleCertUntrustedRoot, cause.ChainIncomplete: ruleCertChainIncompleteFound,
	cause.CertExpired: ruleCertExpired, cause.CertNotYetValid: ruleCertNotYetValid, cause.HostnameMismatch: ruleCertHostname,
	cause.CNWithoutSAN: ruleCertCNOnly, cause.WeakSignature: ruleCertWeakSignature, cause.WeakKey: ruleCertWeakKey,
	cause.BadKeyUsage: ruleCertKeyUsage, cause.CertInvalid: ruleCertInvalid, cause.ChainTooLong: ruleCertChainTooLong,
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
	// Without SNI the server may present a default certificate; if the one
	// it presents with SNI passes, sending SNI is the one change that cures.
	if c.run.Target.SNI == "" && c.sniCures(a) {
		c.sniRequiredByCert(a, r, rep, problems)
		return true
	}
	primary := problems[0]
	if c.p.Trust == "any-root" && !rep.Trusted && !endsAtRoot(rep) {
		c.noRootSent(r, rep, problems)
		return true
	}
	rule := problemRules[primary.Code]
	if rep.Inferred && (primary.Code == cause.ChainIncomplete || primary.Code == cause.UntrustedRoot) {
		rule = ruleCertMissingIssuer
		if primary.Code == cause.UntrustedRoot {
			rule = ruleCertMissingRoot
		}
	}
	leaf := rep.Path[0]
	ev := []string{fmt.Sprintf("the server sent %s; judged at %s against %s", plural(len(rep.Served), "certificate"), c.at.UTC().Format(time.RFC3339), c.trustText()),
		"leaf: " + certLine(leaf)}
	if primary.Cert > 0 && primary.Cert < len(rep.Path) {
		from := ""
		switch rep.Source[primary.Cert] {
		case chain.AIA:
			from = " (fetched from the AIA URL, not sent)"
		case chain.Elsewhere:
			from = " (known to tlsdoctor, not sent)"
		case chain.TrustStore:
			from = " (from the trust store)"
		}
		ev = append(ev, chain.Role(rep.Path, primary.Cert)+from+": "+certLine(rep.Path[primary.Cert]))
	}
	if rep.MissingIssuer != "" {
		ev = append(ev, fmt.Sprintf("no certificate named %q was sent, fetched or found in the trust store", rep.MissingIssuer))
		if c.triedAIA(rep.Path[len(rep.Path)-1]) != "" {
			ev = append(ev, c.triedAIA(rep.Path[len(rep.Path)-1]))
		}
	}
	for i, s := range rep.Source {
		switch s {
		case chain.AIA:
			ev = append(ev, fmt.Sprintf("the AIA URL of %q serves %q, and with it the chain reaches a trusted root", chain.Name(rep.Path[i-1]), chain.Name(rep.Path[i])))
		case chain.Elsewhere:
			if i < len(rep.Path)-1 || !rep.Trusted {
				ev = append(ev, fmt.Sprintf("%q is known to tlsdoctor (%s) but not sent by the server", chain.Name(rep.Path[i]), c.knownText()))
			}
		}
	}
	r.decide(rule, primary.Detail, ev...)
	if c.p.Trust == "public" && (primary.Code == cause.UntrustedRoot || primary.Code == cause.SelfSigned) {
		r.FixSide = ServerSide // a fixed store: the certificate must change
	}
	if rep.Inferred && len(rep.Undecided) > 1 {
		r.Evidence = append(r.Evidence, "why "+string(rep.Undecided[0])+" first: "+rep.Why)
		for _, alt := range rep.Undecided[1:] {
			r.Alternatives = append(r.Alternatives, Alternative{Cause: alt, When: missingWhen(alt, rep.MissingIssuer)})
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

// noRootSent judges a chain that stops short of a root for a client that
// trusts any root (AWS insecureSkipVerification): whatever the missing
// certificate is, the server must send it, up to the root.
func (c *ctx) noRootSent(r *AddressResult, rep *chain.Report, problems []chain.Problem) {
	top := lastServed(rep)
	r.decide(ruleCertNoRootSent, fmt.Sprintf("the chain the server sends stops at %q, whose issuer %q it does not send; this client accepts any root, but the chain must end at one", chain.Name(top), top.Issuer.String()),
		fmt.Sprintf("the server sent %s; the last, %q, is not self-signed", plural(len(rep.Served), "certificate"), chain.Name(top)),
		"leaf: "+certLine(rep.Path[0]),
		"judged against "+c.trustText())
	r.Fix = []string{fmt.Sprintf("append the missing CA certificates, up to and including the root, to the chain the server sends (the next is %q): with insecureSkipVerification AWS API Gateway still requires the chain to end at a root CA", top.Issuer.String()),
		"or use a certificate from a CA on AWS's list and turn insecureSkipVerification off"}
	for _, p := range problems[1:] {
		r.Findings = append(r.Findings, Finding{Code: p.Code, Message: "also: " + p.Detail})
	}
}

// lastServed is the highest certificate of the path the server sent.
func lastServed(rep *chain.Report) *x509.Certificate {
	top := rep.Path[0]
	for i, s := range rep.Source {
		if s == chain.Served {
			top = rep.Path[i]
		}
	}
	return top
}

// endsAtRoot reports whether the chain the server sent ends at a root.
func endsAtRoot(rep *chain.Report) bool { return chain.IsSelfSigned(lastServed(rep)) }

// missingWhen says under which observation the alternative cause holds.
func missingWhen(alt cause.Code, issuer string) string {
	if alt == cause.ChainIncomplete {
		return fmt.Sprintf("%q is an intermediate CA: then the server must send it", issuer)
	}
	return fmt.Sprintf("%q is a self-signed root CA: then the client must trust it", issuer)
}

// triedAIA says whether the AIA URL of cert was fetched, and how it went.
func (c *ctx) triedAIA(cert *x509.Certificate) string {
	if len(cert.IssuingCertificateURL) == 0 {
		return fmt.Sprintf("%q names no AIA URL to fetch its issuer from", chain.Name(cert))
	}
	for _, a := range c.run.AIA {
		if a.Err != nil && a.For == cert.Subject.String() {
			return fmt.Sprintf("its AIA URL %s could not be fetched: %s", a.URL, a.Err.Message)
		}
	}
	return ""
}

func (c *ctx) certFix(p chain.Problem, rep *chain.Report) []string {
	leaf := rep.Path[0]
	switch p.Code {
	case cause.ChainIncomplete:
		fix := []string{"serve the full chain: the leaf followed by every intermediate (nginx: ssl_certificate fullchain.pem; Apache: SSLCertificateFile with the chain appended; AWS ACM/ALB and OCI: upload the certificate chain)"}
		for i, s := range rep.Source {
			if s == chain.AIA || s == chain.Elsewhere && i < len(rep.Path)-1 {
				fix = append(fix, fmt.Sprintf("the missing intermediate is %q", chain.Name(rep.Path[i])))
				break
			}
		}
		if rep.MissingIssuer != "" {
			fix = append(fix, fmt.Sprintf("the missing issuer is %q: download it from your CA and append it to the certificate file", rep.MissingIssuer))
			if rep.Inferred {
				fix = append(fix, fmt.Sprintf("if %q is instead a private root CA, the server's chain is complete: add that root to the client's trust store", rep.MissingIssuer))
			}
		}
		return fix
	case cause.UntrustedRoot:
		root := rep.Root()
		name := rep.MissingIssuer
		if root != nil {
			name = chain.Name(root)
		}
		if c.p.Trust == "public" {
			return []string{fmt.Sprintf("use a certificate from a CA on this client's fixed list: %q is not on it, and the list cannot be extended (AWS API Gateway REST: a certificate from a supported CA, e.g. ACM's public CAs)", name),
				"or, for AWS API Gateway, enable insecureSkipVerification on the integration (the chain must then end at a root CA the server sends)"}
		}
		fix := []string{fmt.Sprintf("add the CA %q to the client's trust store: OCI API Gateway: a CA bundle resource on the API's back end; nginx: proxy_ssl_trusted_certificate; Java: keytool -importcert into the truststore", name),
			"or use a certificate from a publicly trusted CA"}
		if rep.Inferred {
			fix = append(fix, fmt.Sprintf("if %q is instead an intermediate CA, the server must send it: append it to the server's certificate file", rep.MissingIssuer))
		}
		return fix
	case cause.SelfSigned:
		if c.p.Trust == "any-root" {
			return []string{"reissue the self-signed certificate as a root: basicConstraints CA:TRUE and keyUsage keyCertSign (AWS insecureSkipVerification accepts a self-signed certificate only as a root), or use a certificate from a CA"}
		}
		if c.p.Trust == "public" {
			return []string{"use a certificate from a CA on this client's fixed list (its trust store cannot be extended), or, for AWS API Gateway, enable insecureSkipVerification"}
		}
		return []string{"replace the self-signed certificate with one issued by a CA the client trusts",
			"or trust this exact certificate on the client"}
	case cause.CertExpired:
		return []string{fmt.Sprintf("renew the certificate %q and deploy it (then reload the server); fix the renewal job so it does not happen again", chain.Name(rep.Path[max(p.Cert, 0)]))}
	case cause.CertNotYetValid:
		if !c.run.At.IsZero() {
			return []string{"the certificate is not yet valid at the time you judged it at (--at): deploy one valid by then"}
		}
		return []string{"the certificate's notBefore is after the time tlsdoctor judged it at: reissue it with the right dates, or wait for it to become valid before deploying it",
			"if tlsdoctor's clock is right but a client still reports this later, that client's clock is behind: fix it (NTP)"}
	case cause.HostnameMismatch:
		fix := []string{fmt.Sprintf("issue a certificate whose subjectAltName covers %q (it now covers %s)", c.run.Target.ServerName, namesShort(leaf)),
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
		return []string{"reissue the certificate as an end-entity certificate (basicConstraints CA:FALSE, serverAuth usage, no unknown critical extension)"}
	case cause.ChainTooLong:
		return []string{fmt.Sprintf("raise the client's verify depth to at least %d (nginx: proxy_ssl_verify_depth %d; OpenSSL: -verify_depth)", len(rep.Path)-2, len(rep.Path)-2),
			"or serve a shorter chain (a cross-signed chain may have a shorter alternative through a newer root)"}
	}
	return []string{p.Code.Info().Fix}
}

// certArtifacts are files that fix the problem: written only when they
// would fix it (a chain completed from AIA or a known CA; a root that is
// known). A certificate that is not the missing one is never written.
func (c *ctx) certArtifacts(code cause.Code, rep *chain.Report) []Artifact {
	fixedStore := c.p.Trust == "public" || c.p.Trust == "any-root"
	if fixedStore && (code == cause.UntrustedRoot || code == cause.SelfSigned) {
		return nil // this client's trust store cannot take a CA
	}
	switch code {
	case cause.ChainIncomplete:
		if rep.Trusted {
			return []Artifact{{Name: "fullchain.pem", Description: "the leaf and its intermediates, in order: serve this as the certificate chain", Data: pemOf(rep.FullChain()...)}}
		}
	case cause.UntrustedRoot:
		if root := rep.Root(); root != nil {
			return []Artifact{{Name: "ca.pem", Description: fmt.Sprintf("the root CA %q: add it to the client's / gateway's trust store", chain.Name(root)), Data: pemOf(root)}}
		}
	case cause.SelfSigned:
		return []Artifact{{Name: "ca.pem", Description: "the self-signed certificate, to trust explicitly", Data: pemOf(rep.Path[0])}}
	}
	return nil
}

// sniCures reports whether the handshake with SNI got a certificate that
// passes every check of this client.
func (c *ctx) sniCures(a *evidence.Address) bool {
	alt := a.AltHandshake
	if alt == nil || alt.SNI == "" || len(alt.Certificates) == 0 {
		return false
	}
	certs, err := parseChain(alt.Certificates)
	if err != nil || len(certs) == 0 {
		return false
	}
	rep := c.verify(certs)
	if c.p.FetchesAIA {
		for _, p := range rep.Problems {
			if p.Code != cause.ChainIncomplete || !rep.Trusted {
				return false
			}
		}
		return true
	}
	return len(rep.Problems) == 0
}

func (c *ctx) sniRequiredByCert(a *evidence.Address, r *AddressResult, rep *chain.Report, problems []chain.Problem) {
	alt, _ := x509.ParseCertificate(a.AltHandshake.Certificates[0])
	r.decide(ruleCertSNICures, fmt.Sprintf("without SNI the server presents a default certificate this client refuses (%s); with SNI %q it presents one that passes", problems[0].Code, c.run.Target.ServerName),
		"without SNI: "+certLine(rep.Path[0]),
		"without SNI this client refuses it: "+problems[0].Detail,
		fmt.Sprintf("with SNI %q: %s, which passes every check of this client", a.AltHandshake.SNI, certLine(alt)))
	for _, p := range problems {
		r.Findings = append(r.Findings, Finding{Code: p.Code, Message: "the default certificate (served without SNI): " + p.Detail})
	}
	r.Fix = []string{fmt.Sprintf("make the client send SNI %q (nginx: proxy_ssl_server_name on; Envoy: sni / auto_sni; Java 6 cannot)", c.run.Target.ServerName),
		"or make the listener's default certificate (the one served without SNI) valid for the name"}
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
		// Only when the same handshake with SNI worked: a failure of Go's
		// own handshake either way (a DHE-only server) says nothing of SNI.
		if withSNI && a.Handshake != nil && a.Handshake.OK {
			refusal := errMsg(alt.Err)
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
	s := fmt.Sprintf("subject %q, issuer %q, valid %s to %s", c.Subject.String(), c.Issuer.String(),
		c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02"))
	if c.IsCA && len(c.DNSNames) == 0 && len(c.IPAddresses) == 0 {
		return s
	}
	return s + ", names: " + namesShort(c)
}

// namesShort lists a certificate's names for people: the first few and how
// many more (the JSON certificates keep every name).
func namesShort(c *x509.Certificate) string { return chain.Names(c) }

// maxNames is how many names a human line shows.
const maxNames = chain.MaxNames

func summarize(rep *chain.Report) []Certificate {
	var out []Certificate
	for i, c := range rep.Path {
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
			SHA256: hex.EncodeToString(sum[:]), Source: string(rep.Source[i]), Serial: c.SerialNumber.Text(16),
		})
	}
	return out
}

func pemOf(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// trustText says which trust anchors were used.
func (c *ctx) trustText() string {
	n := len(c.run.ExtraRoots) - c.badExtra
	switch {
	case c.p.Trust == "public":
		return "this client's fixed list of public CAs (approximated by the system store; it cannot be extended)"
	case c.p.Trust == "any-root":
		return "any root CA the server sends, or a public one (this client checks the chain's dates and name, not which root it ends at)"
	case c.p.Trust == "bundle-only":
		return fmt.Sprintf("the client's configured CAs only (%s)", plural(n, "CA"))
	case c.run.NoSystemRoots:
		return fmt.Sprintf("the --ca-bundle CAs only (%s)", plural(n, "CA"))
	case n > 0:
		return fmt.Sprintf("the system trust store plus %s from --ca-bundle", plural(n, "CA"))
	}
	return "the system trust store"
}

// knownText says where known-but-untrusted certificates come from.
func (c *ctx) knownText() string {
	if c.p.Trust == "bundle-only" {
		return "in the system trust store, which this client does not use"
	}
	return "from --ca-bundle, which this client cannot be given"
}
