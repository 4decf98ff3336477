// Package chain judges a certificate chain as one client would, with no
// network: it builds the path from the leaf through the certificates the
// server sent (and any issuers fetched elsewhere, such as by AIA) to a trust
// anchor, and names every problem with the certificate it concerns. It tells
// a missing intermediate (CHAIN_INCOMPLETE) from an untrusted root
// (UNTRUSTED_ROOT) and a self-signed leaf (SELF_SIGNED), and reports
// CERT_EXPIRED, CERT_NOT_YET_VALID, HOSTNAME_MISMATCH, CN_WITHOUT_SAN,
// WEAK_SIGNATURE, WEAK_KEY, BAD_KEY_USAGE and CERT_INVALID (RFC 5280, RFC 6125).
package chain

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// Options say how to judge.
type Options struct {
	// Roots are the trust anchors. Nil means none: nothing is trusted.
	Roots *x509.CertPool
	// Extra are issuers obtained other than from the server (AIA fetches).
	Extra []*x509.Certificate
	// RootCerts lists trust anchors (those of Roots that are known as
	// certificates) so that the path can be built through a signature Go's
	// verifier refuses (SHA-1, MD5): trust is still decided by Roots.
	RootCerts []*x509.Certificate
	// At is the time validity is judged at. Zero means time.Now().
	At time.Time
	// Host is the name (or IP literal) to check; empty skips the check.
	Host           string
	CNFallback     bool // accept the subject CN when there is no DNS SAN
	RejectSHA1     bool // refuse MD5 and SHA-1 certificate signatures
	MinRSABits     int
	MinECBits      int
	ExpiryWarnDays int // findings for certificates expiring within this many days (0: 30)
	MaxValidity    int // longest leaf validity in days the client accepts (0: no limit)
}

// Problem is one thing wrong with the chain.
type Problem struct {
	Code cause.Code `json:"code"`
	// Cert is the index in Report.Path of the certificate concerned, or -1.
	Cert   int    `json:"cert"`
	Detail string `json:"detail"`
}

// Report is the judgement of one chain.
type Report struct {
	Served []*x509.Certificate `json:"-"`
	// Path is the chain from the leaf to the last certificate found: a
	// trust anchor when Trusted, else the certificate whose issuer is missing
	// or an untrusted self-signed root.
	Path []*x509.Certificate `json:"-"`
	// FromExtra marks the Path entries that came from Options.Extra.
	FromExtra []bool `json:"-"`
	Trusted   bool   `json:"trusted"`
	// Anchor is the trusted root that ends Path (it may come from the store).
	Anchor *x509.Certificate `json:"-"`
	// MissingIssuer names the issuer that could not be found, if any.
	MissingIssuer string `json:"missing_issuer,omitempty"`
	// Inferred is true when the trust verdict rests on a heuristic
	// (a chain that ends in a missing issuer and no AIA to prove which).
	Inferred bool `json:"inferred,omitempty"`
	// Problems fail the handshake for this client, most decisive first.
	Problems []Problem `json:"problems,omitempty"`
	// Findings are secondary: worth fixing, but this client accepts them.
	Findings []Problem `json:"findings,omitempty"`
}

// Primary is the first problem's code, or OK.
func (r *Report) Primary() cause.Code {
	if len(r.Problems) == 0 {
		return cause.OK
	}
	return r.Problems[0].Code
}

// Has reports whether code is among the problems.
func (r *Report) Has(code cause.Code) bool {
	for _, p := range r.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// precedence orders problems: the first is what the client reports.
var precedence = []cause.Code{
	cause.SelfSigned, cause.ChainIncomplete, cause.UntrustedRoot, cause.CertExpired,
	cause.CertNotYetValid, cause.WeakSignature, cause.WeakKey, cause.CertInvalid,
	cause.BadKeyUsage, cause.HostnameMismatch, cause.CNWithoutSAN,
}

func rank(c cause.Code) int {
	for i, x := range precedence {
		if x == c {
			return i
		}
	}
	return len(precedence)
}

// Verify judges served (leaf first, as the server sent them).
func Verify(served []*x509.Certificate, opts Options) *Report {
	r := &Report{Served: served}
	if len(served) == 0 {
		r.Problems = append(r.Problems, Problem{cause.CertInvalid, -1, "the server sent no certificate"})
		return r
	}
	if opts.At.IsZero() {
		opts.At = time.Now()
	}
	r.Path, r.FromExtra = buildPath(served, opts.Extra, opts.RootCerts)
	r.trust(opts)
	r.validity(opts)
	if days := int(served[0].NotAfter.Sub(served[0].NotBefore).Hours() / 24); opts.MaxValidity > 0 && days > opts.MaxValidity {
		r.Problems = append(r.Problems, Problem{cause.CertInvalid, 0, fmt.Sprintf("the leaf is valid for %d days; this client accepts at most %d", days, opts.MaxValidity)})
	}
	r.algorithms(opts)
	r.usage()
	r.hostname(opts)
	r.servedOrder()
	sortProblems(r.Problems)
	return r
}

func buildPath(served, extra, roots []*x509.Certificate) ([]*x509.Certificate, []bool) {
	path := []*x509.Certificate{served[0]}
	fromExtra := []bool{false}
	pool := append(append(append([]*x509.Certificate{}, served[1:]...), extra...), roots...)
	extraEnd := len(served) - 1 + len(extra)
	for len(path) < 16 {
		cur := path[len(path)-1]
		if selfSigned(cur) {
			break
		}
		var next *x509.Certificate
		nextExtra := false
		for i, c := range pool {
			if contains(path, c) || !issues(c, cur) {
				continue
			}
			next, nextExtra = c, i >= len(served)-1 && i < extraEnd
			break
		}
		if next == nil {
			break
		}
		path = append(path, next)
		fromExtra = append(fromExtra, nextExtra)
	}
	return path, fromExtra
}

func contains(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if bytes.Equal(x.Raw, c.Raw) {
			return true
		}
	}
	return false
}

func midpoint(c *x509.Certificate) time.Time {
	return c.NotBefore.Add(c.NotAfter.Sub(c.NotBefore) / 2)
}

// trust decides whether the path reaches a root in opts.Roots, and if not,
// which of SELF_SIGNED, CHAIN_INCOMPLETE and UNTRUSTED_ROOT it is.
func (r *Report) trust(opts Options) {
	if opts.Roots != nil {
		for i, c := range r.Path {
			inter := x509.NewCertPool()
			for _, x := range r.Path[i+1:] {
				inter.AddCert(x)
			}
			// Judge trust apart from time and usage: those are reported on
			// their own, with the certificate they concern.
			chains, err := c.Verify(x509.VerifyOptions{Roots: opts.Roots, Intermediates: inter,
				CurrentTime: midpoint(c), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
			if err != nil || len(chains) == 0 {
				continue
			}
			// Prefer the chain that keeps the path we built.
			best := chains[0]
			r.Trusted = true
			root := best[len(best)-1]
			r.Anchor = root
			r.Path = append(r.Path[:i], best...)
			r.FromExtra = append(r.FromExtra[:i], make([]bool, len(best))...)
			for j := i; j < len(r.Path); j++ {
				for _, e := range opts.Extra {
					if bytes.Equal(e.Raw, r.Path[j].Raw) && !contains(r.Served, e) {
						r.FromExtra[j] = true
					}
				}
			}
			break
		}
	}
	if r.Trusted {
		for _, e := range r.FromExtra {
			if e {
				r.Problems = append(r.Problems, Problem{cause.ChainIncomplete, 0, fmt.Sprintf(
					"the server does not send the intermediate %q; the chain is trusted only once it is added (fetched from the AIA URL)",
					name(r.firstExtra()))})
				break
			}
		}
		return
	}
	top := r.Path[len(r.Path)-1]
	switch {
	case len(r.Path) == 1 && selfSigned(top):
		r.Problems = append(r.Problems, Problem{cause.SelfSigned, 0, fmt.Sprintf("the leaf %q is self-signed and not in the client's trust store", name(top))})
	case selfSigned(top):
		r.Problems = append(r.Problems, Problem{cause.UntrustedRoot, len(r.Path) - 1, fmt.Sprintf("the chain ends at the root %q, which is not in the client's trust store", name(top))})
	default:
		r.MissingIssuer = top.Issuer.String()
		r.Inferred = true
		if top.IsCA || len(r.Path) > 1 {
			// The server sent its intermediates; what is missing is the
			// root, which servers need not send and clients must have.
			r.Problems = append(r.Problems, Problem{cause.UntrustedRoot, len(r.Path) - 1, fmt.Sprintf(
				"the chain ends at %q, issued by %q, which is not in the client's trust store (servers need not send the root; the client must trust it)",
				name(top), top.Issuer.String())})
		} else {
			r.Problems = append(r.Problems, Problem{cause.ChainIncomplete, 0, fmt.Sprintf(
				"the server sends the leaf alone; its issuer %q is neither sent nor in the client's trust store (if %q is a private root CA rather than an intermediate, the cause is UNTRUSTED_ROOT)",
				top.Issuer.String(), top.Issuer.CommonName)})
		}
	}
}

func (r *Report) firstExtra() *x509.Certificate {
	for i, e := range r.FromExtra {
		if e {
			return r.Path[i]
		}
	}
	return nil
}

// FullChain returns the chain a server should send: the path without a
// self-signed root.
func (r *Report) FullChain() []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range r.Path {
		if len(out) > 0 && selfSigned(c) {
			break
		}
		out = append(out, c)
	}
	return out
}

// Root returns the self-signed root ending Path, if the path has one.
func (r *Report) Root() *x509.Certificate {
	if r.Anchor != nil {
		return r.Anchor
	}
	top := r.Path[len(r.Path)-1]
	if selfSigned(top) {
		return top
	}
	return nil
}

func (r *Report) validity(opts Options) {
	warn := opts.ExpiryWarnDays
	if warn == 0 {
		warn = 30
	}
	for i, c := range r.Path {
		role := Role(r.Path, i)
		switch {
		case opts.At.After(c.NotAfter):
			r.Problems = append(r.Problems, Problem{cause.CertExpired, i, fmt.Sprintf("the %s %q expired %s ago, on %s",
				role, name(c), Age(opts.At.Sub(c.NotAfter)), c.NotAfter.UTC().Format(time.RFC3339))})
		case opts.At.Before(c.NotBefore):
			r.Problems = append(r.Problems, Problem{cause.CertNotYetValid, i, fmt.Sprintf(
				"the %s %q is not valid for another %s (notBefore %s); if the certificate's dates are right, the client's clock may be wrong",
				role, name(c), Age(c.NotBefore.Sub(opts.At)), c.NotBefore.UTC().Format(time.RFC3339))})
		case c.NotAfter.Sub(opts.At) < time.Duration(warn)*24*time.Hour:
			r.Findings = append(r.Findings, Problem{cause.CertExpired, i, fmt.Sprintf("the %s %q expires in %s, on %s",
				role, name(c), Age(c.NotAfter.Sub(opts.At)), c.NotAfter.UTC().Format(time.RFC3339))})
		}
	}
}

func (r *Report) algorithms(opts Options) {
	for i, c := range r.Path {
		role := Role(r.Path, i)
		// A root's self-signature is not checked by clients.
		if weakSignature(c) && !(selfSigned(c) && i > 0) {
			p := Problem{cause.WeakSignature, i, fmt.Sprintf("the %s %q is signed with %s", role, name(c), c.SignatureAlgorithm)}
			if opts.RejectSHA1 {
				r.Problems = append(r.Problems, p)
			} else {
				r.Findings = append(r.Findings, p)
			}
		}
		bits, kind := KeySize(c)
		min := 0
		switch kind {
		case "RSA":
			min = opts.MinRSABits
		case "ECDSA":
			min = opts.MinECBits
		}
		if min > 0 && bits < min {
			r.Problems = append(r.Problems, Problem{cause.WeakKey, i, fmt.Sprintf("the %s %q has a %d-bit %s key; this client requires at least %d bits", role, name(c), bits, kind, min)})
		} else if kind == "RSA" && bits < 2048 {
			r.Findings = append(r.Findings, Problem{cause.WeakKey, i, fmt.Sprintf("the %s %q has a %d-bit RSA key; clients at OpenSSL security level 2 and Apple platforms refuse keys under 2048 bits", role, name(c), bits)})
		}
	}
}

// KeySize returns a certificate's public key size in bits and its kind.
func KeySize(c *x509.Certificate) (int, string) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen(), "RSA"
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize, "ECDSA"
	}
	return 0, c.PublicKeyAlgorithm.String()
}

func (r *Report) usage() {
	leaf := r.Path[0]
	leafSelfSigned := len(r.Path) == 1 && selfSigned(leaf)
	if len(leaf.ExtKeyUsage) > 0 || len(leaf.UnknownExtKeyUsage) > 0 {
		ok := false
		for _, u := range leaf.ExtKeyUsage {
			if u == x509.ExtKeyUsageServerAuth || u == x509.ExtKeyUsageAny {
				ok = true
			}
		}
		if !ok {
			r.Problems = append(r.Problems, Problem{cause.BadKeyUsage, 0, fmt.Sprintf("the leaf %q has extended key usage %s but not serverAuth", name(leaf), ekuNames(leaf))})
		}
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment) == 0 {
		r.Problems = append(r.Problems, Problem{cause.BadKeyUsage, 0, fmt.Sprintf("the leaf %q has key usage without digitalSignature or keyEncipherment", name(leaf))})
	}
	if leaf.BasicConstraintsValid && leaf.IsCA && !leafSelfSigned {
		r.Problems = append(r.Problems, Problem{cause.CertInvalid, 0, fmt.Sprintf("the leaf %q is a CA certificate (basicConstraints CA:TRUE); strict clients such as Firefox refuse a CA certificate as a server certificate", name(leaf))})
	}
	for i, c := range r.Path[1:] {
		if !c.BasicConstraintsValid || !c.IsCA {
			r.Problems = append(r.Problems, Problem{cause.CertInvalid, i + 1, fmt.Sprintf("%q issues certificates but is not a CA (basicConstraints CA:TRUE missing)", name(c))})
		}
		if c.MaxPathLenZero && i+1 > 1 || c.MaxPathLen > 0 && i > c.MaxPathLen {
			r.Problems = append(r.Problems, Problem{cause.CertInvalid, i + 1, fmt.Sprintf("the path length constraint of %q is exceeded", name(c))})
		}
	}
}

func ekuNames(c *x509.Certificate) string {
	var s []string
	for _, u := range c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageClientAuth:
			s = append(s, "clientAuth")
		case x509.ExtKeyUsageCodeSigning:
			s = append(s, "codeSigning")
		case x509.ExtKeyUsageEmailProtection:
			s = append(s, "emailProtection")
		default:
			s = append(s, fmt.Sprintf("eku(%d)", u))
		}
	}
	for _, o := range c.UnknownExtKeyUsage {
		s = append(s, o.String())
	}
	return strings.Join(s, ", ")
}

func (r *Report) hostname(opts Options) {
	if opts.Host == "" {
		return
	}
	leaf := r.Path[0]
	err := leaf.VerifyHostname(opts.Host)
	if err == nil {
		return
	}
	var he x509.HostnameError
	if !errors.As(err, &he) {
		r.Problems = append(r.Problems, Problem{cause.HostnameMismatch, 0, err.Error()})
		return
	}
	noSAN := len(leaf.DNSNames) == 0 && len(leaf.IPAddresses) == 0
	if noSAN && MatchName(leaf.Subject.CommonName, opts.Host) {
		p := Problem{cause.CNWithoutSAN, 0, fmt.Sprintf("%q is only in the subject CN; the certificate has no subjectAltName", opts.Host)}
		if opts.CNFallback {
			r.Findings = append(r.Findings, p)
		} else {
			r.Problems = append(r.Problems, p)
		}
		return
	}
	r.Problems = append(r.Problems, Problem{cause.HostnameMismatch, 0, fmt.Sprintf("the certificate does not cover %q; it covers %s", opts.Host, Names(leaf))})
}

// Names lists the names a certificate covers, for people.
func Names(c *x509.Certificate) string {
	var s []string
	for _, d := range c.DNSNames {
		s = append(s, "DNS:"+d)
	}
	for _, ip := range c.IPAddresses {
		s = append(s, "IP:"+ip.String())
	}
	if len(s) == 0 {
		if c.Subject.CommonName != "" {
			return fmt.Sprintf("no subjectAltName, only CN=%s", c.Subject.CommonName)
		}
		return "no names at all"
	}
	return strings.Join(s, ", ")
}

// MatchName matches a host against a certificate name with RFC 6125 wildcard rules.
func MatchName(pattern, host string) bool {
	pattern, host = strings.ToLower(strings.TrimSuffix(pattern, ".")), strings.ToLower(strings.TrimSuffix(host, "."))
	if pattern == "" || host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return pattern == host
	}
	if strings.HasPrefix(pattern, "*.") {
		i := strings.IndexByte(host, '.')
		return i > 0 && host[i+1:] == pattern[2:] && strings.Contains(pattern[2:], ".")
	}
	return pattern == host
}

// servedOrder adds findings about how the server sends its chain.
func (r *Report) servedOrder() {
	s := r.Served
	for i := 1; i < len(s); i++ {
		if !issues(s[i], s[i-1]) {
			used := contains(r.Path, s[i])
			if used {
				r.Findings = append(r.Findings, Problem{cause.OK, -1, fmt.Sprintf("the chain is sent out of order: certificate %d (%q) does not issue certificate %d (%q)", i+1, name(s[i]), i, name(s[i-1]))})
			} else {
				r.Findings = append(r.Findings, Problem{cause.OK, -1, fmt.Sprintf("certificate %d (%q) is not part of the chain; remove it", i+1, name(s[i]))})
			}
			continue
		}
		if selfSigned(s[i]) {
			r.Findings = append(r.Findings, Problem{cause.OK, -1, fmt.Sprintf("the server sends the root %q; it is harmless but unnecessary", name(s[i]))})
		}
	}
	for i := 1; i < len(s); i++ {
		for j := 0; j < i; j++ {
			if bytes.Equal(s[i].Raw, s[j].Raw) {
				r.Findings = append(r.Findings, Problem{cause.OK, -1, fmt.Sprintf("certificate %d is sent twice", j+1)})
			}
		}
	}
}

func sortProblems(ps []Problem) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && rank(ps[j].Code) < rank(ps[j-1].Code); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// Role names a certificate's place in a path: leaf, intermediate or root.
func Role(path []*x509.Certificate, i int) string {
	switch {
	case i == 0:
		return "leaf"
	case selfSigned(path[i]):
		return "root"
	}
	return "intermediate"
}

func name(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

// Name is how tlsdoctor names a certificate: its subject CN, else its subject.
func Name(c *x509.Certificate) string { return name(c) }

// Age renders a duration the way people say it: "3 days", "5 hours".
func Age(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return fmt.Sprintf("%d seconds", int(d.Seconds()))
}
