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
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net/netip"
	"slices"
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
	// Known are certificates known from elsewhere but not trusted by this
	// client (the system store when the client trusts only its own bundle,
	// say). They tell a missing issuer that is a root (the client must
	// trust it) from one that is an intermediate (the server must send it).
	Known []*x509.Certificate
	// At is the time validity is judged at. Zero means time.Now().
	At time.Time
	// AtChosen says At was chosen by the user (tlsdoctor check --at), so
	// dates are told relative to it, not as "ago".
	AtChosen bool
	// Host is the name (or IP literal) to check; empty skips the check.
	Host       string
	CNFallback bool // accept the subject CN when there is no DNS SAN
	RejectSHA1 bool // refuse MD5 and SHA-1 certificate signatures
	RejectMD5  bool // refuse MD5 certificate signatures (implied by RejectSHA1)
	// RejectCALeaf refuses a CA certificate (basicConstraints CA:TRUE) as the
	// server's certificate, as Firefox does; OpenSSL, Go, Java and Python
	// accept it.
	RejectCALeaf bool
	// SkipEKU: the client does not check the leaf's extended key usage
	// (wget with GnuTLS); a leaf without serverAuth is a finding, not a
	// problem.
	SkipEKU bool
	// MaxIntermediates is the client's verify depth: how many intermediate
	// CAs may stand between the leaf and the trust anchor (0: no limit;
	// OpenSSL's -verify_depth, nginx's proxy_ssl_verify_depth).
	MaxIntermediates int
	MinRSABits       int
	MinECBits        int
	ExpiryWarnDays   int // findings for certificates expiring within this many days (0: 30)
	MaxValidity      int // longest leaf validity in days the client accepts (0: no limit)
	// TrustKey, when not nil, names the contents of Roots and Known: calls
	// with equal keys (==) have the same trust anchors and known
	// certificates. Verify then remembers what x509.Verify found for a
	// chain under that trust, so that judging one server for many clients
	// that trust alike checks its chain once. It must be comparable; a
	// pointer in it keeps what it points to alive while remembered.
	TrustKey any
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
	// Source says where each Path entry came from.
	Source  []Source `json:"-"`
	Trusted bool     `json:"trusted"`
	// Anchor is the trusted root that ends Path (it may come from the store).
	Anchor *x509.Certificate `json:"-"`
	// MissingIssuer names the issuer that could not be found, if any.
	MissingIssuer string `json:"missing_issuer,omitempty"`
	// Inferred is true when the trust verdict rests on a heuristic
	// (a chain that ends in a missing issuer and no AIA to prove which).
	Inferred bool `json:"inferred,omitempty"`
	// Undecided lists, when Inferred, the causes the evidence leaves open,
	// the likelier first, and Why says why that one is first.
	Undecided []cause.Code `json:"undecided,omitempty"`
	Why       string       `json:"why,omitempty"`
	// Unchecked lists signatures on the path that could not be checked (a
	// key too small for Go, an algorithm it does not implement).
	Unchecked []string `json:"unchecked,omitempty"`
	// Problems fail the handshake for this client, most decisive first.
	Problems []Problem `json:"problems,omitempty"`
	// Findings are secondary: worth fixing, but this client accepts them.
	Findings []Problem `json:"findings,omitempty"`
}

// Source is where a certificate of the path came from.
type Source string

const (
	Served     Source = "served"      // the server sent it
	AIA        Source = "aia"         // fetched from an AIA URL
	TrustStore Source = "trust store" // one of the client's trust anchors
	Elsewhere  Source = "known"       // known from elsewhere (Options.Known), not trusted by this client
)

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
	cause.SelfSigned, cause.ChainIncomplete, cause.UntrustedRoot, cause.ChainTooLong, cause.CertExpired,
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
	if r.fastTrust(opts) {
		r.incomplete()
	} else {
		r.Path, r.Source = buildPath(served, opts.Extra, opts.RootCerts, opts.Known)
		for i := 1; i < len(r.Path); i++ {
			if _, err := link(r.Path[i], r.Path[i-1]); err != nil {
				r.Unchecked = append(r.Unchecked, fmt.Sprintf("the signature of %q by %q was not checked: %v", name(r.Path[i-1]), name(r.Path[i]), err))
			}
		}
		r.trust(opts)
	}
	r.depth(opts)
	r.validity(opts)
	if days := int(served[0].NotAfter.Sub(served[0].NotBefore).Hours() / 24); opts.MaxValidity > 0 && days > opts.MaxValidity {
		r.Problems = append(r.Problems, Problem{cause.CertInvalid, 0, fmt.Sprintf("the leaf is valid for %d days; this client accepts at most %d", days, opts.MaxValidity)})
	}
	r.algorithms(opts)
	r.extensions()
	r.usage(opts)
	r.hostname(opts)
	r.servedOrder()
	sortProblems(r.Problems)
	return r
}

// buildPath builds the path from the leaf upwards through the served
// certificates, then the extra ones (AIA), the trust anchors and the known
// ones, in that order of preference, and says where each came from.
func buildPath(served, extra, roots, known []*x509.Certificate) ([]*x509.Certificate, []Source) {
	type cand struct {
		c   *x509.Certificate
		src Source
	}
	var pool []cand
	for _, c := range served[1:] {
		pool = append(pool, cand{c, Served})
	}
	for _, c := range extra {
		pool = append(pool, cand{c, AIA})
	}
	for _, c := range roots {
		pool = append(pool, cand{c, TrustStore})
	}
	for _, c := range known {
		pool = append(pool, cand{c, Elsewhere})
	}
	path := []*x509.Certificate{served[0]}
	src := []Source{Served}
	for len(path) < 16 {
		cur := path[len(path)-1]
		if selfSigned(cur) {
			break
		}
		found := false
		for _, x := range pool {
			if contains(path, x.c) || !issues(x.c, cur) {
				continue
			}
			path, src = append(path, x.c), append(src, x.src)
			found = true
			break
		}
		if !found {
			break
		}
	}
	return path, src
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

// fastTrust lets x509.Verify build and check the chain from the leaf, as a
// client would, when it can: the common case, with every signature checked
// once. It reports whether it did; when it did not (a missing issuer, a
// signature Go refuses, dates), the path is built here link by link.
func (r *Report) fastTrust(opts Options) bool {
	if opts.Roots == nil {
		return false
	}
	leaf := r.Served[0]
	inter := x509.NewCertPool()
	for _, list := range [][]*x509.Certificate{r.Served[1:], opts.Extra, opts.Known} {
		for _, c := range list {
			if !bytes.Equal(c.RawIssuer, c.RawSubject) { // a root can only end a chain
				inter.AddCert(c)
			}
		}
	}
	verify := func() [][]*x509.Certificate {
		chains, err := leaf.Verify(x509.VerifyOptions{Roots: opts.Roots, Intermediates: inter,
			CurrentTime: midpoint(leaf), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err != nil {
			return nil
		}
		return chains
	}
	var chains [][]*x509.Certificate
	if opts.TrustKey == nil {
		chains = verify()
	} else {
		chains = verifyMemo.Do(verifyKeyOf(r.Served, opts), verify)
		chains = r.own(chains, opts)
	}
	if len(chains) == 0 {
		return false
	}
	// Prefer the chain that takes the most from what the server sent.
	best, bestScore := chains[0], -1
	for _, ch := range chains {
		score := 0
		for _, c := range ch {
			if contains(r.Served, c) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = ch, score
		}
	}
	r.Path, r.Source = best, make([]Source, len(best))
	for i, c := range best {
		switch {
		case contains(r.Served, c):
			r.Source[i] = Served
		case i < len(best)-1 && contains(opts.Extra, c):
			r.Source[i] = AIA
		case i < len(best)-1 && contains(opts.Known, c):
			r.Source[i] = Elsewhere
		default:
			r.Source[i] = TrustStore
		}
	}
	for i := 1; i < len(best); i++ {
		verified(best[i-1], best[i])
	}
	r.Trusted, r.Anchor = true, best[len(best)-1]
	return true
}

// incomplete reports a trusted path that needed an intermediate the server
// did not send.
func (r *Report) incomplete() {
	for i := 1; i < len(r.Path)-1; i++ {
		switch r.Source[i] {
		case AIA:
			r.Problems = append(r.Problems, Problem{cause.ChainIncomplete, i, fmt.Sprintf(
				"the server does not send the intermediate %q; the chain is trusted only once it is added (fetched from the AIA URL)", name(r.Path[i]))})
			return
		case Elsewhere, TrustStore:
			r.Problems = append(r.Problems, Problem{cause.ChainIncomplete, i, fmt.Sprintf(
				"the server does not send the intermediate %q; the chain is trusted only once it is added (tlsdoctor found it among the known CA certificates)", name(r.Path[i]))})
			return
		}
	}
}

// trust decides whether the path reaches a root in opts.Roots, and if not,
// which of SELF_SIGNED, CHAIN_INCOMPLETE and UNTRUSTED_ROOT it is.
func (r *Report) trust(opts Options) {
	if opts.Roots != nil {
		for i, c := range r.Path {
			inter := x509.NewCertPool()
			for _, x := range r.Path[i+1:] {
				// A self-signed root among the intermediates changes no
				// verdict (it can only end a chain, and Roots holds the ones
				// that may) but makes x509 check the signature under it twice.
				if !selfSigned(x) {
					inter.AddCert(x)
				}
			}
			// Judge trust apart from time and usage: those are reported on
			// their own, with the certificate they concern.
			chains, err := c.Verify(x509.VerifyOptions{Roots: opts.Roots, Intermediates: inter,
				CurrentTime: midpoint(c), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
			if err != nil || len(chains) == 0 {
				continue
			}
			best := chains[0]
			r.Trusted = true
			r.Anchor = best[len(best)-1]
			oldPath, oldSrc := r.Path, r.Source
			r.Path = append(r.Path[:i:i], best...)
			r.Source = append(r.Source[:i:i], make([]Source, len(best))...)
			for j := i; j < len(r.Path); j++ {
				r.Source[j] = TrustStore
				for k, x := range oldPath {
					if bytes.Equal(x.Raw, r.Path[j].Raw) {
						r.Source[j] = oldSrc[k]
					}
				}
				if contains(r.Served, r.Path[j]) {
					r.Source[j] = Served
				}
			}
			r.Source[len(r.Path)-1] = TrustStore
			if contains(r.Served, r.Anchor) {
				r.Source[len(r.Path)-1] = Served
			}
			break
		}
	}
	if r.Trusted {
		r.incomplete()
		return
	}
	top := r.Path[len(r.Path)-1]
	if len(r.Path) > 1 && selfSigned(top) && r.Source[len(r.Path)-1] == TrustStore && len(r.Unchecked) > 0 {
		// A trust anchor ends the path, but Go's verifier refused a link of
		// it (a key too small): trusted, with the link named in Unchecked.
		r.Trusted, r.Anchor = true, top
		return
	}
	switch {
	case len(r.Path) == 1 && selfSigned(top):
		r.Problems = append(r.Problems, Problem{cause.SelfSigned, 0, fmt.Sprintf("the leaf %q is self-signed and not in the client's trust store", name(top))})
	case selfSigned(top):
		how := "which is not in the client's trust store"
		if r.Source[len(r.Path)-1] == Elsewhere {
			how = "a root CA the server need not send and this client does not trust"
		}
		r.Problems = append(r.Problems, Problem{cause.UntrustedRoot, len(r.Path) - 1, fmt.Sprintf("the chain ends at the root %q, %s", name(top), how)})
	default:
		r.missingIssuer(top, opts)
	}
}

// missingIssuer judges a path that ends at a certificate whose issuer is
// neither sent, fetched, trusted nor known. A server may omit only the
// trust anchor (RFC 8446 4.4.2, RFC 5246 7.4.2): if the missing certificate
// is a root, the client must trust it (UNTRUSTED_ROOT); if it is an
// intermediate, the server must send it (CHAIN_INCOMPLETE). Without the
// certificate nothing on the wire decides, so the verdict is inferred and
// both causes are listed, the likelier first.
func (r *Report) missingIssuer(top *x509.Certificate, opts Options) {
	r.MissingIssuer = top.Issuer.String()
	r.Inferred = true
	missing := top.Issuer
	leafAlone := len(r.Path) == 1
	first, why := cause.UntrustedRoot, ""
	switch {
	case leafAlone:
		first, why = cause.ChainIncomplete, "the server sends the leaf alone, and a leaf is rarely issued by a root directly"
	case strings.Contains(strings.ToLower(missing.CommonName), "root"):
		first, why = cause.UntrustedRoot, fmt.Sprintf("its name %q says it is a root", missing.CommonName)
	default:
		if root := sameOrganization(missing, opts.RootCerts); root != nil {
			first, why = cause.ChainIncomplete, fmt.Sprintf("the client trusts %q of the same organisation (%s), so %q is likely an intermediate under it",
				name(root), strings.Join(missing.Organization, ", "), missing.CommonName)
		} else {
			first, why = cause.UntrustedRoot, "no CA the client trusts belongs to its organisation, so it is likely a private root"
		}
	}
	r.Why = why
	if first == cause.ChainIncomplete {
		r.Undecided = []cause.Code{cause.ChainIncomplete, cause.UntrustedRoot}
		r.Problems = append(r.Problems, Problem{cause.ChainIncomplete, len(r.Path) - 1, fmt.Sprintf(
			"%q is issued by %q, which the server does not send and the client does not have; if it is an intermediate, the server must send it",
			name(top), missing.String())})
		return
	}
	r.Undecided = []cause.Code{cause.UntrustedRoot, cause.ChainIncomplete}
	r.Problems = append(r.Problems, Problem{cause.UntrustedRoot, len(r.Path) - 1, fmt.Sprintf(
		"the chain ends at %q, issued by %q, which is neither sent nor in the client's trust store; if it is a root, as is likely, the client must trust it (servers need not send the root)",
		name(top), missing.String())})
}

// sameOrganization returns a root of roots whose organisation is the
// missing issuer's, if any.
func sameOrganization(missing pkix.Name, roots []*x509.Certificate) *x509.Certificate {
	if len(missing.Organization) == 0 {
		return nil
	}
	for _, c := range roots {
		if slices.Equal(c.Subject.Organization, missing.Organization) {
			return c
		}
	}
	return nil
}

// depth reports a trusted path with more intermediates than the client's
// verify depth allows.
func (r *Report) depth(opts Options) {
	if !r.Trusted || opts.MaxIntermediates <= 0 {
		return
	}
	if n := len(r.Path) - 2; n > opts.MaxIntermediates {
		r.Problems = append(r.Problems, Problem{cause.ChainTooLong, len(r.Path) - 1, fmt.Sprintf(
			"the chain has %s between the leaf and the root %q; this client's verify depth allows %d",
			plural(n, "intermediate"), name(r.Anchor), opts.MaxIntermediates)})
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
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
		at := opts.At.UTC().Format(time.RFC3339)
		switch {
		case opts.At.After(c.NotAfter) && opts.AtChosen:
			r.Problems = append(r.Problems, Problem{cause.CertExpired, i, fmt.Sprintf("the %s %q expires on %s: at the time it is judged at, %s, it has been expired for %s",
				role, name(c), c.NotAfter.UTC().Format(time.RFC3339), at, Age(opts.At.Sub(c.NotAfter)))})
		case opts.At.After(c.NotAfter):
			r.Problems = append(r.Problems, Problem{cause.CertExpired, i, fmt.Sprintf("the %s %q expired %s ago, on %s",
				role, name(c), Age(opts.At.Sub(c.NotAfter)), c.NotAfter.UTC().Format(time.RFC3339))})
		case opts.At.Before(c.NotBefore) && opts.AtChosen:
			r.Problems = append(r.Problems, Problem{cause.CertNotYetValid, i, fmt.Sprintf("the %s %q becomes valid on %s: at the time it is judged at, %s, it is not valid for another %s",
				role, name(c), c.NotBefore.UTC().Format(time.RFC3339), at, Age(c.NotBefore.Sub(opts.At)))})
		case opts.At.Before(c.NotBefore):
			r.Problems = append(r.Problems, Problem{cause.CertNotYetValid, i, fmt.Sprintf(
				"the %s %q is not valid for another %s (notBefore %s); if the certificate's dates are right, the client's clock may be wrong",
				role, name(c), Age(c.NotBefore.Sub(opts.At)), c.NotBefore.UTC().Format(time.RFC3339))})
		case c.NotAfter.Sub(opts.At) < time.Duration(warn)*24*time.Hour && opts.AtChosen:
			r.Findings = append(r.Findings, Problem{cause.OK, i, fmt.Sprintf("the %s %q expires on %s, %s after %s",
				role, name(c), c.NotAfter.UTC().Format(time.RFC3339), Age(c.NotAfter.Sub(opts.At)), opts.At.UTC().Format(time.RFC3339))})
		case c.NotAfter.Sub(opts.At) < time.Duration(warn)*24*time.Hour:
			r.Findings = append(r.Findings, Problem{cause.OK, i, fmt.Sprintf("the %s %q expires in %s, on %s",
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
			md5 := c.SignatureAlgorithm == x509.MD5WithRSA || c.SignatureAlgorithm == x509.MD2WithRSA
			if opts.RejectSHA1 || opts.RejectMD5 && md5 {
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

// extensions reports critical extensions the verifier does not know:
// RFC 5280 4.2 makes a client refuse a certificate with a critical
// extension it cannot process (OpenSSL: "unhandled critical extension").
func (r *Report) extensions() {
	for i, c := range r.Path {
		if len(c.UnhandledCriticalExtensions) == 0 || (i > 0 && r.Source[i] == TrustStore) {
			continue
		}
		var oids []string
		for _, o := range c.UnhandledCriticalExtensions {
			oids = append(oids, o.String())
		}
		r.Problems = append(r.Problems, Problem{cause.CertInvalid, i, fmt.Sprintf(
			"the %s %q has a critical extension clients do not know (%s); RFC 5280 makes them refuse the certificate (OpenSSL: unhandled critical extension)",
			Role(r.Path, i), name(c), strings.Join(oids, ", "))})
	}
}

func (r *Report) usage(opts Options) {
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
			p := Problem{cause.BadKeyUsage, 0, fmt.Sprintf("the leaf %q has extended key usage %s but not serverAuth", name(leaf), ekuNames(leaf))}
			if opts.SkipEKU {
				p.Detail += "; this client does not check it, most others refuse the certificate"
				r.Findings = append(r.Findings, p)
			} else {
				r.Problems = append(r.Problems, p)
			}
		}
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment) == 0 {
		r.Problems = append(r.Problems, Problem{cause.BadKeyUsage, 0, fmt.Sprintf("the leaf %q has key usage without digitalSignature or keyEncipherment", name(leaf))})
	}
	if leaf.BasicConstraintsValid && leaf.IsCA && !leafSelfSigned {
		p := Problem{cause.CertInvalid, 0, fmt.Sprintf("the leaf %q is a CA certificate (basicConstraints CA:TRUE); Firefox refuses a CA certificate as a server certificate (OpenSSL, Go, Java and Python accept it)", name(leaf))}
		if opts.RejectCALeaf {
			r.Problems = append(r.Problems, p)
		} else {
			r.Findings = append(r.Findings, p)
		}
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

// MaxNames is how many names Names shows before "and N more".
const MaxNames = 8

// Names lists the names a certificate covers, for people: the first
// MaxNames, then how many more (a certificate may carry thousands).
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
	if len(s) > MaxNames {
		return fmt.Sprintf("%s and %d more", strings.Join(s[:MaxNames], ", "), len(s)-MaxNames)
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
